"""Writes to participants and trajectories. Every change to a trajectory's dates, outcome,
municipality or withdrawal is recorded in its history, in the same transaction."""

import datetime as dt
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from audit.services import change_record, redact_personal_values
from participants.constants import REFERRAL_TRANSITIONS, Outcome, ReferralStatus
from participants.models import DUPLICATE, Participant, Referral, Trajectory, TrajectoryChange
from participants.selectors import (
    participants_due_for_anonymisation,
    referrals_due_for_anonymisation,
)
from projects.constants import CohortStatus, ProjectStatus
from waw.text import actor_label, normalise

WITHDRAWN_IS_FROZEN = _("Een ingetrokken traject kan niet meer worden gewijzigd.")
REASON_REQUIRED = _("Geef een reden voor het intrekken.")
NOT_STARTED = _("Een traject dat niet is gestart, kan niet worden beëindigd.")
PARTICIPANT_EXISTS = _("Deze deelnemer bestaat al. Kies de bestaande deelnemer hieronder.")
OPEN_TRAJECTORY_EXISTS = _(
    "%(participant)s heeft al een lopend traject in %(project)s (aangemeld op %(date)s). "
    "Beëindig of trek dat traject eerst in; een tweede aanmelding zou dubbel worden "
    "gefactureerd."
)
# The row was changed by another session after this user loaded the page: say by whom,
# instead of overwriting what they did. The page then shows the trajectory as it is now.
CHANGED = "changed_meanwhile"
STARTED_MEANWHILE = _("Dit traject is intussen al gestart door %(who)s (startdatum %(date)s).")
ENDED_MEANWHILE = _("Dit traject is intussen al beëindigd door %(who)s (einddatum %(date)s).")
WITHDRAWN_MEANWHILE = _("Dit traject is intussen al ingetrokken door %(who)s.")
CHANGED_MEANWHILE = _(
    "Dit traject is intussen gewijzigd door %(who)s. Open het traject opnieuw om de huidige "
    "gegevens te zien en voer uw wijziging daarna opnieuw in."
)
SOMEONE_ELSE = _("een andere gebruiker")

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


def _fit(value: str, field: str) -> str:
    """A value shortened to the history column it goes into (a withdrawal reason may be longer
    than a history line holds; the trajectory itself keeps it whole)."""
    limit = TrajectoryChange._meta.get_field(field).max_length
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _record_changes(*, trajectory, before: dict[str, str], user) -> None:
    after = _snapshot(trajectory)
    now = timezone.now()
    TrajectoryChange.objects.bulk_create(
        TrajectoryChange(
            trajectory=trajectory,
            changed_by=user,
            changed_at=now,
            field=str(TRACKED_FIELDS[field]),
            old_value=_fit(before[field], "old_value"),
            new_value=_fit(after[field], "new_value"),
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


def error_has_code(error: ValidationError, code: str) -> bool:
    """Whether any of the messages in ``error`` (a list or per field) has ``code``."""
    if hasattr(error, "error_dict"):
        errors = [e for field_errors in error.error_dict.values() for e in field_errors]
    else:
        errors = error.error_list
    return any(e.code == code for e in errors)


@transaction.atomic
def participant_save(*, participant: Participant) -> Participant:
    """Create or change a participant after checking every field rule, one record per person
    (name and birth date, or klantnummer in the municipality) included."""
    participant.first_name = participant.first_name.strip()
    participant.last_name = participant.last_name.strip()
    participant.client_number = participant.client_number.strip()
    participant.refresh_identity_key()
    participant.full_clean()
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as error:
        # Another session saved the same person between the check above and this insert;
        # the unique constraints made this one wait for it and then refuse.
        raise ValidationError(PARTICIPANT_EXISTS, code=DUPLICATE) from error
    return participant


# --- trajectories ---------------------------------------------------------------------------


class OpenTrajectoryExists(ValidationError):
    """The participant already runs a trajectory in this project; ``trajectory`` is that one,
    so a page can link to it."""

    def __init__(self, trajectory: Trajectory):
        self.trajectory = trajectory
        super().__init__(
            OPEN_TRAJECTORY_EXISTS
            % {
                "participant": trajectory.participant,
                "project": trajectory.project,
                "date": _display(trajectory, "enrolment_date"),
            },
            code=DUPLICATE,
        )


def _open_trajectory_of(trajectory: Trajectory) -> Trajectory | None:
    if trajectory.end_date is not None or trajectory.withdrawn_at is not None:
        return None
    return (
        Trajectory.objects.filter(
            participant_id=trajectory.participant_id,
            project_id=trajectory.project_id,
            end_date__isnull=True,
            withdrawn_at__isnull=True,
        )
        .exclude(pk=trajectory.pk)
        .select_related("participant", "project")
        .first()
    )


def _refuse_second_open_trajectory(trajectory: Trajectory) -> None:
    """One running trajectory per participant and project: a second enrolment while the first
    runs would be billed twice."""
    other = _open_trajectory_of(trajectory)
    if other is not None:
        raise OpenTrajectoryExists(other)


def _save_trajectory(trajectory: Trajectory, **kwargs) -> None:
    try:
        with transaction.atomic():
            trajectory.save(**kwargs)
    except IntegrityError:
        # A second session enrolled the same participant in the same project at this moment.
        other = _open_trajectory_of(trajectory)
        if other is None:
            raise
        raise OpenTrajectoryExists(other) from None


@transaction.atomic
def trajectory_enrol(*, user, trajectory: Trajectory) -> Trajectory:
    """Enrol a participant in a project. The municipality at start defaults to where the
    participant lives; it is what billing uses and stays as recorded when they move. A
    participant runs at most one trajectory per project at a time."""
    if trajectory.municipality_at_start_id is None:
        trajectory.municipality_at_start_id = trajectory.participant.municipality_id
    _refuse_second_open_trajectory(trajectory)
    trajectory.full_clean()
    _save_trajectory(trajectory)
    enrolment_change(user=user, trajectory=trajectory).save()
    return trajectory


def enrolment_change(*, user, trajectory: Trajectory) -> TrajectoryChange:
    """The history's first line of a trajectory, "aangemeld" (unsaved)."""
    return TrajectoryChange(trajectory=trajectory, changed_by=user, **enrolment_record(trajectory))


def enrolment_record(trajectory: Trajectory) -> dict[str, str]:
    """What the history's first line says (the import writes these lines in bulk)."""
    return {
        "field": str(_("aangemeld")),
        "new_value": f"{trajectory.project} ({_display(trajectory, 'enrolment_date')})",
    }


def trajectory_version(trajectory: Trajectory) -> str:
    """What a form posts back to say which state of the trajectory it was filled in on."""
    return trajectory.updated_at.isoformat() if trajectory.updated_at else ""


def _parse_version(version: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(version)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def _locked(trajectory: Trajectory) -> Trajectory:
    """The trajectory as it is now in the database, locked until the transaction ends: every
    state change checks the state it expects on this row, not on the caller's copy."""
    return Trajectory.objects.select_for_update().get(pk=trajectory.pk)


def _changed_by(trajectory: Trajectory, field: str | None = None, since=None) -> str:
    """Who made the latest change (of ``field``, or after ``since``) to a trajectory, for
    "intussen … door"."""
    changes = TrajectoryChange.objects.filter(trajectory=trajectory).select_related("changed_by")
    if field is not None:
        changes = changes.filter(field=str(TRACKED_FIELDS[field]))
    if since is not None:
        changes = changes.filter(changed_at__gt=since)
    change = changes.first()
    if change is None:  # a change the history does not track (the notes, say)
        return str(SOMEONE_ELSE)
    return actor_label(change.changed_by)


def _apply_changes(*, user, trajectory: Trajectory, current: Trajectory, changes) -> Trajectory:
    """Apply ``changes`` to the locked row, check and save it, record the history, and bring
    the caller's copy up to date."""
    before = _snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    _refuse_second_open_trajectory(current)
    current.full_clean()
    _save_trajectory(current)
    _record_changes(trajectory=current, before=before, user=user)
    for field in Trajectory._meta.concrete_fields:
        setattr(trajectory, field.attname, getattr(current, field.attname))
    return trajectory


@transaction.atomic
def trajectory_update(
    *, user, trajectory: Trajectory, expected_version: str | None = None, **changes
) -> Trajectory:
    """Change a trajectory's fields; every tracked change goes into its history. With
    ``expected_version`` (from the form), refuses when someone changed it in the meantime."""
    current = _locked(trajectory)
    if current.is_withdrawn:
        raise ValidationError(WITHDRAWN_IS_FROZEN)
    if expected_version is not None and expected_version != trajectory_version(current):
        since = _parse_version(expected_version)
        raise ValidationError(
            CHANGED_MEANWHILE % {"who": _changed_by(current, since=since)}, code=CHANGED
        )
    return _apply_changes(user=user, trajectory=trajectory, current=current, changes=changes)


@transaction.atomic
def trajectory_start(*, user, trajectory: Trajectory, start_date) -> Trajectory:
    """Record that the participant started; from then on the trajectory is billable. Only a
    trajectory that has not started (and is not withdrawn) can start."""
    current = _locked(trajectory)
    if current.is_withdrawn:
        raise ValidationError(WITHDRAWN_IS_FROZEN, code=CHANGED)
    if current.start_date:
        raise ValidationError(
            STARTED_MEANWHILE
            % {
                "who": _changed_by(current, "start_date"),
                "date": _display(current, "start_date"),
            },
            code=CHANGED,
        )
    return _apply_changes(
        user=user, trajectory=trajectory, current=current, changes={"start_date": start_date}
    )


@transaction.atomic
def trajectory_end(*, user, trajectory: Trajectory, end_date, outcome: str) -> Trajectory:
    """End a started trajectory with its outcome (diploma, werk, gestopt, …). Only a running
    trajectory can end; correcting an end is done by editing the trajectory."""
    current = _locked(trajectory)
    if current.is_withdrawn:
        raise ValidationError(WITHDRAWN_IS_FROZEN, code=CHANGED)
    if not current.start_date:
        raise ValidationError(NOT_STARTED)
    if current.end_date:
        raise ValidationError(
            ENDED_MEANWHILE
            % {"who": _changed_by(current, "end_date"), "date": _display(current, "end_date")},
            code=CHANGED,
        )
    return _apply_changes(
        user=user,
        trajectory=trajectory,
        current=current,
        changes={"end_date": end_date, "outcome": outcome},
    )


@transaction.atomic
def trajectory_withdraw(*, user, trajectory: Trajectory, reason: str) -> Trajectory:
    """Withdraw a trajectory: kept, with its reason, but out of billing and the monitor."""
    if not reason or not reason.strip():
        raise ValidationError({"withdrawal_reason": REASON_REQUIRED})
    current = _locked(trajectory)
    if current.is_withdrawn:
        raise ValidationError(
            WITHDRAWN_MEANWHILE % {"who": _changed_by(current, "withdrawn_at")}, code=CHANGED
        )
    before = _snapshot(current)
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason.strip()
    current.clean_fields(exclude={f.name for f in Trajectory._meta.fields} - {"withdrawal_reason"})
    current.save(update_fields=["withdrawn_at", "withdrawal_reason", "updated_at"])
    _record_changes(trajectory=current, before=before, user=user)
    for field in Trajectory._meta.concrete_fields:
        setattr(trajectory, field.attname, getattr(current, field.attname))
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
        duplicates = _duplicates_of(participant)
        if duplicates:
            raise DuplicateParticipant(duplicates)
        try:
            participant_save(participant=participant)
        except ValidationError as error:
            # Entered at the same moment in another session: offer that record now.
            duplicates = _duplicates_of(participant) if error_has_code(error, DUPLICATE) else []
            if not duplicates:
                raise
            raise DuplicateParticipant(duplicates) from error
        created = True
    else:
        participant = existing
        created = False
    trajectory.participant = participant
    trajectory_enrol(user=user, trajectory=trajectory)
    return Enrolment(participant=participant, trajectory=trajectory, participant_created=created)


def _duplicates_of(participant: Participant) -> list[Participant]:
    return participant_duplicates(
        first_name=participant.first_name,
        last_name=participant.last_name,
        date_of_birth=participant.date_of_birth,
        municipality=participant.municipality if participant.municipality_id else None,
        client_number=participant.client_number,
    )


class DuplicateParticipant(ValidationError):
    """The person exists already; the caller should offer the existing record."""

    def __init__(self, candidates: list[Participant]):
        self.candidates = candidates
        super().__init__(PARTICIPANT_EXISTS, code=DUPLICATE)


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
# A referral holds a copy of the minimum personal data and free text about the person.
REFERRAL_PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "client_number",
    "motivation",
    "decline_reason",
}
# A declined referral keeps a reason (a database constraint); after the retention term this one.
ANONYMISED_DECLINE_REASON = _("verwijderd na de bewaartermijn")


@dataclass(frozen=True)
class RetentionResult:
    """Who the retention rule anonymised (or, in a dry run, would anonymise)."""

    participants: list[Participant]
    referrals: list[Referral]


def referral_anonymise(*, referral: Referral, user=None, now=None) -> Referral:
    """Erase the personal data a referral holds, as ``participant_anonymise`` does for the
    participant: name, klantnummer, day and month of birth, the motivation and the reason of a
    decline go; municipality, project, group, status and dates stay (the work list's history)."""
    now = now or timezone.now()
    with disable_auditlog():
        referral.first_name = ANONYMOUS_FIRST_NAME
        referral.last_name = f"#{referral.pk}"
        referral.date_of_birth = referral.date_of_birth.replace(month=1, day=1)
        referral.client_number = ""
        referral.motivation = ""
        if referral.decline_reason:
            referral.decline_reason = str(ANONYMISED_DECLINE_REASON)
        referral.anonymised_at = now
        referral.save()
    redact_personal_values(obj=referral, fields=REFERRAL_PERSONAL_FIELDS)
    change_record(user=user, obj=referral, changes={"anonymised_at": [None, now.isoformat()]})
    return referral


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
    # The referrals that became these trajectories hold a copy of the same person.
    for referral in Referral.objects.filter(
        trajectory__in=trajectories, anonymised_at__isnull=True
    ):
        referral_anonymise(referral=referral, user=user, now=now)
    change_record(user=user, obj=participant, changes={"anonymised_at": [None, now.isoformat()]})
    return participant


def apply_retention(*, today: dt.date, years: int, dry_run: bool = False) -> RetentionResult:
    """Anonymise every participant whose last trajectory ended more than ``years`` years
    before ``today`` (with the referrals that became their trajectories), and every referral
    declined or withdrawn more than ``years`` years before ``today``; with ``dry_run`` only say
    who that would be."""
    participants = list(participants_due_for_anonymisation(today=today, years=years))
    referrals = list(referrals_due_for_anonymisation(today=today, years=years))
    if not dry_run:
        for participant in participants:
            participant_anonymise(participant=participant)
        for referral in referrals:
            referral_anonymise(referral=referral)
    return RetentionResult(participants=participants, referrals=referrals)


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


# --- referrals (aanmeldingen by municipalities) -------------------------------------------------

REFERRAL_OTHER_MUNICIPALITY = _(
    "U kunt alleen inwoners van %(own)s aanmelden, niet van %(other)s: die gemeente meldt haar "
    "eigen inwoners aan."
)
REFERRAL_NO_MUNICIPALITY = _(
    "Uw account hoort bij geen gemeente; vraag de beheerder van de Regio dit te regelen."
)
REFERRAL_PROJECT_ENDED = _("Project %(project)s is beëindigd en neemt geen aanmeldingen meer aan.")
REFERRAL_GROUP_OTHER_PROJECT = _("Groep %(group)s hoort bij een ander project dan %(project)s.")
REFERRAL_GROUP_CANCELLED = _(
    "Groep %(group)s is geannuleerd; kies een andere groep of meld aan zonder groep."
)
REFERRAL_GROUP_STARTED = _(
    "Groep %(group)s is al gestart; kies een geplande groep of meld aan zonder groep."
)
REFERRAL_GROUP_FULL = _(
    "Groep %(group)s is vol (capaciteit %(capacity)s); kies een andere groep of meld aan zonder "
    "groep."
)
REFERRAL_DECLINE_REASON_REQUIRED = _("Geef een reden voor de afwijzing.")
REFERRAL_REFUSED = {
    ReferralStatus.PLACED: _("Deze aanmelding is al geplaatst."),
    ReferralStatus.DECLINED: _("Deze aanmelding is afgewezen en kan niet meer worden geplaatst."),
    ReferralStatus.WITHDRAWN: _("Deze aanmelding is door de gemeente ingetrokken."),
}
REFERRAL_NOT_A_DUPLICATE = _(
    "Kies een van de bestaande deelnemers die bij deze aanmelding gevonden zijn."
)
REFERRAL_RESIDENCE_DIFFERS = _(
    "%(participant)s woont volgens de administratie in %(recorded)s, niet in %(referring)s. "
    "Werk eerst de woongemeente van de deelnemer bij en plaats de aanmelding daarna."
)


def _project_ended(project, today: dt.date) -> bool:
    return project.status == ProjectStatus.ENDED or (
        project.end_date is not None and project.end_date < today
    )


def _check_referral_group(*, project, cohort) -> None:
    if cohort is None:
        return
    if cohort.project_id != project.pk:
        raise ValidationError(
            {"cohort": REFERRAL_GROUP_OTHER_PROJECT % {"group": cohort.name, "project": project}}
        )
    if cohort.status == CohortStatus.CANCELLED:
        raise ValidationError({"cohort": REFERRAL_GROUP_CANCELLED % {"group": cohort.name}})
    if cohort.status == CohortStatus.STARTED:
        raise ValidationError({"cohort": REFERRAL_GROUP_STARTED % {"group": cohort.name}})
    # A full group is refused now rather than at placement (where the trajectory's own check
    # refuses it anyway): the municipality can still choose another group. Open referrals take
    # no place: the coordinator decides who is placed.
    if cohort.capacity and _group_enrolled(cohort) >= cohort.capacity:
        raise ValidationError(
            {"cohort": REFERRAL_GROUP_FULL % {"group": cohort.name, "capacity": cohort.capacity}}
        )


def _group_enrolled(cohort) -> int:
    """The group's places taken: its trajectories that are not withdrawn (as Trajectory's
    capacity check counts them)."""
    return cohort.trajectories.filter(withdrawn_at__isnull=True).count()


@transaction.atomic
def referral_submit(
    *,
    user,
    municipality,
    project,
    cohort=None,
    first_name: str,
    last_name: str,
    date_of_birth,
    client_number: str = "",
    motivation: str,
    today: dt.date | None = None,
) -> Referral:
    """A klantmanager refers a resident of its own municipality to a running project, optionally
    to one of its planned groups, with the minimum personal data and a short motivation."""
    today = today or timezone.localdate()
    if not user.municipality_id:
        raise ValidationError(REFERRAL_NO_MUNICIPALITY)
    if municipality.pk != user.municipality_id:
        raise ValidationError(
            {
                "municipality": REFERRAL_OTHER_MUNICIPALITY
                % {"own": user.municipality, "other": municipality}
            }
        )
    if _project_ended(project, today):
        raise ValidationError({"project": REFERRAL_PROJECT_ENDED % {"project": project}})
    _check_referral_group(project=project, cohort=cohort)
    referral = Referral(
        municipality=municipality,
        project=project,
        cohort=cohort,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        client_number=client_number.strip(),
        motivation=motivation.strip(),
        referred_by=user,
    )
    referral.full_clean()
    referral.save()
    return referral


def _locked_referral(referral: Referral, wanted: str) -> Referral:
    """The referral as it is now, locked until the transaction ends, if it may go to ``wanted``:
    of two coordinators placing the same referral, the second waits here and is refused."""
    current = (
        # Only the referral's row: the group is optional (an outer join PostgreSQL cannot lock).
        Referral.objects.select_for_update(of=("self",))
        .select_related("municipality", "project", "cohort")
        .get(pk=referral.pk)
    )
    if wanted not in REFERRAL_TRANSITIONS[ReferralStatus(current.status)]:
        raise ValidationError(REFERRAL_REFUSED[ReferralStatus(current.status)], code=CHANGED)
    return current


def _decided(current: Referral, *, user, status: str, **fields) -> Referral:
    current.status = status
    current.decided_by = user
    current.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()  # one by one, so the audit trail records the step
    return current


def referral_duplicates(referral: Referral) -> list[Participant]:
    """The existing participants the duplicate rule takes the referred person for."""
    return participant_duplicates(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        municipality=referral.municipality,
        client_number=referral.client_number,
    )


@transaction.atomic
def referral_place(
    *, user, referral: Referral, cohort=None, existing: Participant | None = None
) -> Referral:
    """The coordinator places a submitted referral: the participant (the existing record the
    duplicate rule finds, or a new one) is enrolled in the project, in ``cohort`` if given,
    through ``enrol``; the trajectory is linked to the referral. The aanmelddatum is the day
    the municipality referred. Placing twice, or a declined or withdrawn referral, is refused."""
    current = _locked_referral(referral, ReferralStatus.PLACED)
    if cohort is not None:
        _check_referral_group(project=current.project, cohort=cohort)
    if existing is not None:
        if existing.pk not in {p.pk for p in referral_duplicates(current)}:
            raise ValidationError({"existing": REFERRAL_NOT_A_DUPLICATE})
        if existing.municipality_id != current.municipality_id:
            raise ValidationError(
                REFERRAL_RESIDENCE_DIFFERS
                % {
                    "participant": existing,
                    "recorded": existing.municipality,
                    "referring": current.municipality,
                }
            )
    participant = Participant(
        first_name=current.first_name,
        last_name=current.last_name,
        date_of_birth=current.date_of_birth,
        municipality=current.municipality,
        client_number=current.client_number,
    )
    trajectory = Trajectory(
        project=current.project,
        cohort=cohort,
        municipality_at_start=current.municipality,
        enrolment_date=timezone.localdate(current.created_at),
    )
    enrolment = enrol(user=user, participant=participant, trajectory=trajectory, existing=existing)
    _decided(current, user=user, status=ReferralStatus.PLACED, trajectory=enrolment.trajectory)
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_decline(*, user, referral: Referral, reason: str) -> Referral:
    """The coordinator declines a submitted referral, with a reason the municipality reads."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REFERRAL_DECLINE_REASON_REQUIRED})
    current = _locked_referral(referral, ReferralStatus.DECLINED)
    _decided(current, user=user, status=ReferralStatus.DECLINED, decline_reason=reason)
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_withdraw(*, user, referral: Referral) -> Referral:
    """The municipality withdraws its referral while it is still submitted."""
    current = _locked_referral(referral, ReferralStatus.WITHDRAWN)
    _decided(current, user=user, status=ReferralStatus.WITHDRAWN)
    referral.refresh_from_db()
    return referral
