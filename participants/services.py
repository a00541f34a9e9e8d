"""Writes to participants and trajectories. Every change to a trajectory's dates, outcome,
municipality or withdrawal is recorded in its history, in the same transaction."""

import datetime as dt
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from audit.services import change_record, redact_personal_values
from participants.constants import Outcome
from participants.models import Participant, Trajectory, TrajectoryChange
from participants.selectors import participants_due_for_anonymisation
from waw.text import normalise

ALREADY_WITHDRAWN = _("Dit traject is al ingetrokken.")
WITHDRAWN_IS_FROZEN = _("Een ingetrokken traject kan niet meer worden gewijzigd.")
REASON_REQUIRED = _("Geef een reden voor het intrekken.")
ALREADY_STARTED = _("Dit traject is al gestart.")
NOT_STARTED = _("Een traject dat niet is gestart, kan niet worden beëindigd.")

# The fields whose changes are recorded, with the label the history shows.
TRACKED_FIELDS = {
    "enrolment_date": _("aanmelddatum"),
    "start_date": _("startdatum"),
    "end_date": _("einddatum"),
    "outcome": _("uitkomst"),
    "municipality_at_start": _("gemeente bij start"),
    "withdrawn_at": _("ingetrokken"),
    "withdrawal_reason": _("reden van intrekking"),
    "project": _("project"),
    "cohort": _("groep"),
}


def _display(trajectory: Trajectory, field: str) -> str:
    value = getattr(trajectory, field)
    if value in (None, ""):
        return ""
    if field == "outcome":
        return str(Outcome(value).label)
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _snapshot(trajectory: Trajectory) -> dict[str, str]:
    return {field: _display(trajectory, field) for field in TRACKED_FIELDS}


def _record_changes(*, trajectory, before: dict[str, str], user) -> None:
    after = _snapshot(trajectory)
    now = timezone.now()
    TrajectoryChange.objects.bulk_create(
        TrajectoryChange(
            trajectory=trajectory,
            changed_by=user,
            changed_at=now,
            field=str(TRACKED_FIELDS[field]),
            old_value=before[field],
            new_value=after[field],
        )
        for field in TRACKED_FIELDS
        if before[field] != after[field]
    )


# --- participants ---------------------------------------------------------------------------


def participant_duplicates(
    *, first_name: str, last_name: str, date_of_birth, municipality=None, client_number: str = ""
) -> list[Participant]:
    """Existing participants that are the same person: same first and last name and birth date
    (ignoring case and accents), or the same municipality and klantnummer."""
    found = {}
    if date_of_birth:
        key = (normalise(first_name), normalise(last_name))
        for candidate in Participant.objects.filter(date_of_birth=date_of_birth).select_related(
            "municipality"
        ):
            if (normalise(candidate.first_name), normalise(candidate.last_name)) == key:
                found[candidate.pk] = candidate
    if municipality is not None and client_number.strip():
        for candidate in Participant.objects.filter(
            municipality=municipality, client_number=client_number.strip()
        ).select_related("municipality"):
            found[candidate.pk] = candidate
    return list(found.values())


@transaction.atomic
def participant_save(*, participant: Participant) -> Participant:
    """Create or change a participant after checking every field rule."""
    participant.first_name = participant.first_name.strip()
    participant.last_name = participant.last_name.strip()
    participant.client_number = participant.client_number.strip()
    participant.full_clean()
    participant.save()
    return participant


# --- trajectories ---------------------------------------------------------------------------


@transaction.atomic
def trajectory_enrol(*, user, trajectory: Trajectory) -> Trajectory:
    """Enrol a participant in a project. The municipality at start defaults to where the
    participant lives; it is what billing uses and stays as recorded when they move."""
    if trajectory.municipality_at_start_id is None:
        trajectory.municipality_at_start_id = trajectory.participant.municipality_id
    trajectory.full_clean()
    trajectory.save()
    TrajectoryChange.objects.create(
        trajectory=trajectory,
        changed_by=user,
        field=str(_("aangemeld")),
        new_value=f"{trajectory.project} ({_display(trajectory, 'enrolment_date')})",
    )
    return trajectory


@transaction.atomic
def trajectory_update(*, user, trajectory: Trajectory, **changes) -> Trajectory:
    """Change a trajectory's fields; every tracked change goes into its history."""
    current = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if current.is_withdrawn:
        raise ValidationError(WITHDRAWN_IS_FROZEN)
    before = _snapshot(current)
    for field, value in changes.items():
        setattr(trajectory, field, value)
    trajectory.full_clean()
    trajectory.save()
    _record_changes(trajectory=trajectory, before=before, user=user)
    return trajectory


def trajectory_start(*, user, trajectory: Trajectory, start_date) -> Trajectory:
    """Record that the participant started; from then on the trajectory is billable."""
    if trajectory.start_date:
        raise ValidationError(ALREADY_STARTED)
    return trajectory_update(user=user, trajectory=trajectory, start_date=start_date)


def trajectory_end(*, user, trajectory: Trajectory, end_date, outcome: str) -> Trajectory:
    """End a started trajectory with its outcome (diploma, werk, gestopt, …)."""
    if not trajectory.start_date:
        raise ValidationError(NOT_STARTED)
    return trajectory_update(user=user, trajectory=trajectory, end_date=end_date, outcome=outcome)


@transaction.atomic
def trajectory_withdraw(*, user, trajectory: Trajectory, reason: str) -> Trajectory:
    """Withdraw a trajectory: kept, with its reason, but out of billing and the monitor."""
    if not reason or not reason.strip():
        raise ValidationError({"withdrawal_reason": REASON_REQUIRED})
    current = Trajectory.objects.select_for_update().get(pk=trajectory.pk)
    if current.is_withdrawn:
        raise ValidationError(ALREADY_WITHDRAWN)
    before = _snapshot(current)
    trajectory.withdrawn_at = timezone.now()
    trajectory.withdrawal_reason = reason.strip()
    trajectory.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    _record_changes(trajectory=trajectory, before=before, user=user)
    return trajectory


@dataclass
class Enrolment:
    participant: Participant
    trajectory: Trajectory
    participant_created: bool


@transaction.atomic
def enrol(
    *, user, participant: Participant, trajectory: Trajectory, existing: Participant | None = None
) -> Enrolment:
    """The enrolment form: use an existing participant or create the new one, then enrol.

    Refuses to create a second record of a person who already exists (the duplicate rule).
    """
    if existing is None:
        duplicates = participant_duplicates(
            first_name=participant.first_name,
            last_name=participant.last_name,
            date_of_birth=participant.date_of_birth,
            municipality=participant.municipality if participant.municipality_id else None,
            client_number=participant.client_number,
        )
        if duplicates:
            raise DuplicateParticipant(duplicates)
        participant_save(participant=participant)
        created = True
    else:
        participant = existing
        created = False
    trajectory.participant = participant
    trajectory_enrol(user=user, trajectory=trajectory)
    return Enrolment(participant=participant, trajectory=trajectory, participant_created=created)


class DuplicateParticipant(ValidationError):
    """The person exists already; the caller should offer the existing record."""

    def __init__(self, candidates: list[Participant]):
        self.candidates = candidates
        super().__init__(
            _("Deze deelnemer bestaat al. Kies de bestaande deelnemer hieronder."),
            code="duplicate",
        )


# --- AVG retention ----------------------------------------------------------------------------

ANONYMOUS_FIRST_NAME = "Geanonimiseerd"
# Fields whose values identify a person, in the participant and in its trajectories (free text
# may name people or circumstances); the audit log's copies of them are redacted too.
PARTICIPANT_PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "client_number",
    "is_psychologically_vulnerable",
}
TRAJECTORY_PERSONAL_FIELDS = {"participant", "notes", "withdrawal_reason"}


@transaction.atomic
def participant_anonymise(*, participant: Participant, user=None, now=None) -> Participant:
    """Erase what identifies a participant, keep what the figures and invoices need.

    Name, klantnummer and the day and month of birth go (the birth year stays: invoices already
    carry it and age groups need it), as does the health flag (special category, art. 9 AVG)
    and the free text of the trajectories. The trajectories' projects, municipalities, dates
    and outcomes stay, so the monitor's figures do not change; invoices are not touched.
    """
    now = now or timezone.now()
    trajectories = list(participant.trajectories.all())
    # django-auditlog would copy the old values into the log; one entry without them instead.
    with disable_auditlog():
        participant.first_name = ANONYMOUS_FIRST_NAME
        participant.last_name = f"#{participant.pk}"
        participant.date_of_birth = participant.date_of_birth.replace(month=1, day=1)
        participant.client_number = ""
        participant.is_psychologically_vulnerable = False
        participant.anonymised_at = now
        participant.save()
        for trajectory in trajectories:
            trajectory.notes = ""
            trajectory.withdrawal_reason = ""
            trajectory.save(update_fields=["notes", "withdrawal_reason", "updated_at"])
        TrajectoryChange.objects.filter(
            trajectory__in=trajectories, field=str(TRACKED_FIELDS["withdrawal_reason"])
        ).update(old_value="", new_value="")
    redact_personal_values(obj=participant, fields=PARTICIPANT_PERSONAL_FIELDS)
    for trajectory in trajectories:
        trajectory.participant = participant
        redact_personal_values(obj=trajectory, fields=TRAJECTORY_PERSONAL_FIELDS)
    change_record(user=user, obj=participant, changes={"anonymised_at": [None, now.isoformat()]})
    return participant


def apply_retention(*, today: dt.date, years: int, dry_run: bool = False) -> list[Participant]:
    """Anonymise every participant whose last trajectory ended more than ``years`` years
    before ``today``; with ``dry_run`` only say who that would be."""
    due = list(participants_due_for_anonymisation(today=today, years=years))
    if not dry_run:
        for participant in due:
            participant_anonymise(participant=participant)
    return due


# --- groups (billing rules 10 and 11) ---------------------------------------------------------

GROUP_REASON_REQUIRED_TO_CANCEL = _("Geef een reden voor het annuleren van de groep.")
GROUP_BELOW_MINIMUM = _(
    "Groep %(group)s heeft %(started)s van minimaal %(minimum)s gestarte deelnemers; geef een "
    "reden om de groep toch te starten (de minimale afname wordt dan gefactureerd)."
)
GROUP_TRANSITION_REFUSED = _("Een groep die %(status)s is, kan niet meer worden %(wanted)s.")
GROUP_CANCELLED_WITHDRAWAL = _("Groep %(group)s geannuleerd: %(reason)s")


def started_participants(*, cohort) -> int:
    """A group's started participants: its trajectories with a start date, not withdrawn."""
    return cohort.trajectories.filter(start_date__isnull=False, withdrawn_at__isnull=True).count()


def _locked_group(cohort, wanted):
    from projects.constants import COHORT_TRANSITIONS, CohortStatus
    from projects.models import Cohort

    current = Cohort.objects.select_for_update().select_related("tariff_option").get(pk=cohort.pk)
    if wanted not in COHORT_TRANSITIONS[CohortStatus(current.status)]:
        raise ValidationError(
            GROUP_TRANSITION_REFUSED
            % {"status": current.get_status_display(), "wanted": CohortStatus(wanted).label}
        )
    return current


@transaction.atomic
def cohort_start(*, user, cohort, reason: str = ""):
    """Billing rules 10 and 11: a planned group starts with at least its option's minimum of
    started participants, or with a written reason (then the shortfall is billed)."""
    from projects.constants import CohortStatus

    current = _locked_group(cohort, CohortStatus.STARTED)
    reason = (reason or "").strip()
    started = started_participants(cohort=current)
    minimum = current.tariff_option.min_group_size
    if minimum and started < minimum and not reason:
        raise ValidationError(
            {
                "reason": GROUP_BELOW_MINIMUM
                % {"group": current.name, "started": started, "minimum": minimum}
            }
        )
    current.status = CohortStatus.STARTED
    current.decision_reason = reason
    current.decided_at = timezone.now()
    current.decided_by = user
    current.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    return current


@transaction.atomic
def cohort_cancel(*, user, cohort, reason: str):
    """Billing rule 10: a planned group is cancelled with a reason; its trajectories are
    withdrawn with that reason, so they are never billed and cannot start."""
    from projects.constants import CohortStatus

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": GROUP_REASON_REQUIRED_TO_CANCEL})
    current = _locked_group(cohort, CohortStatus.CANCELLED)
    current.status = CohortStatus.CANCELLED
    current.decision_reason = reason
    current.decided_at = timezone.now()
    current.decided_by = user
    current.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    withdrawal = GROUP_CANCELLED_WITHDRAWAL % {"group": current.name, "reason": reason}
    for trajectory in current.trajectories.filter(withdrawn_at__isnull=True):
        trajectory_withdraw(user=user, trajectory=trajectory, reason=withdrawal)
    return current
