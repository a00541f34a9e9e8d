"""Reads of personal data, always scoped to what the user may see."""

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.query import ModelIterable

from audit.selectors import Change, TrailRow, entries_for, trail_rows
from participants.constants import Outcome, ReferralStatus
from participants.models import (
    Participant,
    Referral,
    Trajectory,
    TrajectoryChange,
    identity_key,
)
from projects.selectors import tariff_years
from waw.roles import personal_data_scope
from waw.text import actor_label

# --- What a user may see of a person: the one rule ---------------------------------------------
#
# A coordinator (the Regio) sees everyone and everything. A klantmanager sees a participant who
# lives in its municipality now, or who started a trajectory it paid for, and of the
# trajectories only those it paid for (the municipality at start). Of a participant who has
# moved away, the former municipality sees the name and its own trajectories, nothing else:
# birth date, residence, klantnummer, benefit and target groups are the new municipality's.
# Pages, search, filters, exports and files all read participants through the functions below,
# so a column or a file added later cannot show more than the rule allows.

# The participant's fields that belong to where they live now.
RESIDENCE_DETAILS = (
    "date_of_birth",
    "municipality",
    "client_number",
    "benefit_type",
    "is_refugee",
    "is_psychologically_vulnerable",
)


@dataclass(frozen=True)
class ParticipantVisibility:
    """What one user may see of participants. ``scope`` is None for coordinators (everything),
    False for users who see no personal data, else the user's municipality."""

    scope: object

    @property
    def unlimited(self) -> bool:
        return self.scope is None

    def participants_condition(self) -> Q:
        """The participants the user may see at all."""
        if self.scope is None:
            return Q()
        if self.scope is False:
            return Q(pk__in=[])
        return Q(municipality=self.scope) | Q(
            pk__in=Trajectory.objects.filter(municipality_at_start=self.scope).values("participant")
        )

    def details_condition(self, prefix: str = "") -> Q:
        """The participants (through ``prefix``, e.g. ``participant__``) whose residence
        details the user may see, so a search or filter on such a detail finds no one else."""
        if self.scope is None:
            return Q()
        if self.scope is False:
            return Q(pk__in=[])
        return Q(**{f"{prefix}municipality": self.scope})

    def trajectories_condition(self) -> Q:
        """The trajectories the user may see: those its municipality pays for."""
        if self.scope is None:
            return Q()
        if self.scope is False:
            return Q(pk__in=[])
        return Q(municipality_at_start=self.scope)

    def referrals_condition(self) -> Q:
        """The referrals the user may see: those of its own municipality (it referred its own
        residents); a coordinator sees all."""
        if self.scope is None:
            return Q()
        if self.scope is False:
            return Q(pk__in=[])
        return Q(municipality=self.scope)

    def sees_details_of(self, participant) -> bool:
        if self.scope is None:
            return True
        return self.scope is not False and participant.municipality_id == self.scope.pk

    def sees_actor(self, actor) -> bool:
        """Whether the user may learn that ``actor`` changed or viewed a record: the Regio's
        staff and the system yes, another municipality's staff no."""
        if self.scope is None or actor is None:
            return True
        return not actor.municipality_id or (
            self.scope is not False and actor.municipality_id == self.scope.pk
        )


def participant_visibility(*, user) -> ParticipantVisibility:
    """What ``user`` may see of participants and their trajectories (see above)."""
    return ParticipantVisibility(scope=personal_data_scope(user))


def mask_residence_details(participant: Participant) -> Participant:
    """Blank the fields of ``participant`` that the reader may not see. A masked record cannot
    be saved by accident: birth date and residence are required in the database."""
    participant.date_of_birth = None
    participant.municipality = None
    participant.client_number = ""
    participant.benefit_type = ""
    participant.is_refugee = None
    participant.is_psychologically_vulnerable = None
    participant.details_visible = False
    return participant


class _MaskedParticipants(ModelIterable):
    """Yields participants with the residence details blanked where the annotation
    ``details_visible`` says the reader may not see them."""

    def __iter__(self):
        for participant in super().__iter__():
            if not participant.details_visible:
                mask_residence_details(participant)
            yield participant


class _TrajectoriesWithMaskedParticipants(ModelIterable):
    """Yields trajectories whose (selected) participant is masked like ``_MaskedParticipants``."""

    def __iter__(self):
        for trajectory in super().__iter__():
            if not trajectory.participant_details_visible:
                mask_residence_details(trajectory.participant)
            else:
                trajectory.participant.details_visible = True
            yield trajectory


def _visible_flag(condition: Q, unlimited: bool):
    if unlimited:
        return Value(True, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def participants_for(*, user) -> QuerySet[Participant]:
    """Participants the user may see (all for coordinators; for a klantmanager its residents
    and the people whose trajectories it paid for), each with only the fields it may see."""
    visibility = participant_visibility(user=user)
    queryset = (
        Participant.objects.select_related("municipality")
        .filter(visibility.participants_condition())
        .annotate(
            details_visible=_visible_flag(visibility.details_condition(), visibility.unlimited)
        )
    )
    queryset._iterable_class = _MaskedParticipants
    return queryset


def trajectories_for(*, user) -> QuerySet[Trajectory]:
    """Trajectories the user may see: all for coordinators; for a klantmanager those recorded on
    its municipality (the municipality at start, which pays for them). A resident who moved in
    brings no history from the former municipality along. The participant of each comes with
    only the fields the user may see."""
    visibility = participant_visibility(user=user)
    queryset = (
        Trajectory.objects.select_related(
            "participant", "participant__municipality", "project", "municipality_at_start", "cohort"
        )
        .filter(visibility.trajectories_condition())
        .annotate(
            participant_details_visible=_visible_flag(
                visibility.details_condition("participant__"), visibility.unlimited
            )
        )
    )
    queryset._iterable_class = _TrajectoriesWithMaskedParticipants
    return queryset


def search_participants(*, user, query: str) -> QuerySet[Participant]:
    """The participants ``user`` may see that match every word: a name part, a klantnummer, or
    a birth date written as dd-mm-jjjj or jjjj-mm-dd. A klantnummer or birth date only finds
    people whose details the user may see."""
    details = participant_visibility(user=user).details_condition()
    queryset = participants_for(user=user)
    for word in query.split():
        born = _as_date(word)
        if born is not None:
            queryset = queryset.filter(Q(date_of_birth=born) & details)
            continue
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | (Q(client_number__iexact=word) & details)
        )
    return queryset


def participant_list_for(*, user, query: str = "") -> QuerySet[Participant]:
    """The participant list: ``search_participants``, with the residence details also as
    ``sort_*`` values that are empty where hidden, so sorting on them reveals nothing either."""
    visibility = participant_visibility(user=user)
    queryset = search_participants(user=user, query=query)
    if visibility.unlimited:
        shown = {
            "sort_date_of_birth": F("date_of_birth"),
            "sort_municipality": F("municipality__name"),
            "sort_client_number": F("client_number"),
        }
    else:
        condition = visibility.details_condition()
        shown = {
            "sort_date_of_birth": Case(When(condition, then=F("date_of_birth"))),
            "sort_municipality": Case(When(condition, then=F("municipality__name"))),
            "sort_client_number": Case(When(condition, then=F("client_number"))),
        }
    return queryset.annotate(**shown)


def trajectory_counts_for(*, user) -> dict[str, int]:
    """Counts by derived status over the user's trajectories, in one query."""
    live = Q(withdrawn_at__isnull=True)
    return trajectories_for(user=user).aggregate(
        enrolled=Count("id", filter=live & Q(start_date__isnull=True)),
        active=Count("id", filter=live & Q(start_date__isnull=False, end_date__isnull=True)),
        ended=Count(
            "id", filter=live & Q(end_date__isnull=False) & ~Q(outcome=Outcome.DROPPED_OUT)
        ),
        dropped_out=Count("id", filter=live & Q(outcome=Outcome.DROPPED_OUT)),
    )


def project_year_counts(*, project_id: int, years: list[int]) -> list[dict]:
    """Per year, a project's trajectories started that year and still running at its end.

    Aggregates only (no personal data), counted by the database in one query; withdrawn
    trajectories do not count.
    """
    if not years:
        return []
    live = Trajectory.objects.filter(project_id=project_id, withdrawn_at__isnull=True)
    counts = {}
    for year in years:
        year_end = date(year, 12, 31)
        counts[f"started_{year}"] = Count("id", filter=Q(start_date__year=year))
        counts[f"active_{year}"] = Count(
            "id",
            filter=Q(start_date__lte=year_end)
            & (Q(end_date__isnull=True) | Q(end_date__gt=year_end)),
        )
    totals = live.aggregate(**counts)
    return [
        {"year": year, "started": totals[f"started_{year}"], "active": totals[f"active_{year}"]}
        for year in years
    ]


def trajectory_detail_for(*, user, pk: int) -> Trajectory:
    """One trajectory the user may see, with its history; raises DoesNotExist otherwise."""
    return (
        trajectories_for(user=user)
        .select_related("participant__municipality", "cohort__tariff_option")
        .prefetch_related(
            Prefetch("changes", queryset=TrajectoryChange.objects.select_related("changed_by"))
        )
        .get(pk=pk)
    )


def flag_missing_tariffs(trajectories) -> None:
    """Mark each started trajectory whose start year has no tariff for its project
    (``missing_tariff_year``): allowed, but billing will need one ("geen tarief voor 2027")."""
    trajectories = list(trajectories)
    years = tariff_years(project_ids={t.project_id for t in trajectories})
    for trajectory in trajectories:
        start = trajectory.start_date
        trajectory.missing_tariff_year = (
            start.year
            if start
            and not trajectory.cohort_id
            and start.year not in years.get(trajectory.project_id, set())
            else None
        )


def _as_date(word: str) -> date | None:
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


# --- AVG: right of access and retention -----------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def visible_trail(rows: list[TrailRow], *, visibility, participant) -> list[TrailRow]:
    """The rows of a participant's audit trail (oldest first) that ``visibility`` allows: no
    entry by another municipality's staff, and of the residence details only the values from
    the time the participant lived in the reader's municipality (a hidden value becomes None;
    a change with both values hidden goes). The move into the municipality keeps its new values
    and hides the old ones: the former residence and klantnummer."""
    if visibility.unlimited:
        return rows
    own = str(visibility.scope) if visibility.scope else None
    labels = {str(Participant._meta.get_field(name).verbose_name) for name in RESIDENCE_DETAILS}
    participant_type = ContentType.objects.get_for_model(Participant)
    resident = False
    visible = []
    for row in rows:
        entry = row.entry
        before = after = True
        if entry.content_type_id == participant_type.pk and entry.object_id == participant.pk:
            moved = entry.changes_dict.get("municipality")
            before = resident
            after = resident = (moved[1] == own) if moved else resident
        if not visibility.sees_actor(entry.actor):
            continue
        changes = []
        for change in row.changes:
            if change.field in labels:
                change = Change(
                    field=change.field,
                    old=change.old if before else None,
                    new=change.new if after else None,
                )
                if change.old is None and change.new is None:
                    continue
            changes.append(change)
        visible.append(replace(row, changes=changes))
    return visible


def participant_dossier(*, user, participant: Participant, now: dt.datetime) -> dict:
    """Everything stored about one participant that ``user`` may see, for a right-of-access
    request (AVG art. 15): the personal data, each trajectory with its history and the invoice
    lines that bill it, and the audit trail of who changed or consulted the record. Read
    through the visibility rule like every page: a field the user may not see stays empty."""
    participant = participants_for(user=user).get(pk=participant.pk)
    trajectories = list(
        trajectories_for(user=user)
        .filter(participant=participant)
        .prefetch_related("changes", "invoice_lines__invoice")
        .order_by("enrolment_date", "id")
    )
    visibility = participant_visibility(user=user)
    referrals = referrals_of(user=user, participant=participant)
    trail = visible_trail(
        trail_rows(
            entries_for([participant, *trajectories, *referrals]).order_by("timestamp", "id")
        ),
        visibility=visibility,
        participant=participant,
    )
    about = (
        "Alle gegevens die de WAW-administratie van Regio Gooi en Vechtstreek "
        "over deze deelnemer bewaart (inzageverzoek, art. 15 AVG)."
    )
    if not visibility.unlimited:
        about += (
            " Gegevens uit de tijd dat de deelnemer in een andere gemeente woonde, en wie van "
            "een andere gemeente het dossier inzag, staan er niet in (een weggelaten oude of "
            "nieuwe waarde is null)."
        )
    return {
        "export": {
            "created_at": now.isoformat(),
            "created_by": user.get_username(),
            "about": about,
        },
        "participant": {
            "id": participant.pk,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "date_of_birth": _iso(participant.date_of_birth),
            "municipality": str(participant.municipality) if participant.municipality_id else None,
            "client_number": participant.client_number,
            "benefit_type": str(participant.get_benefit_type_display()),
            "is_refugee": participant.is_refugee,
            "is_psychologically_vulnerable": participant.is_psychologically_vulnerable,
            "created_at": _iso(participant.created_at),
            "updated_at": _iso(participant.updated_at),
            "anonymised_at": _iso(participant.anonymised_at),
        },
        "trajectories": [
            {
                "id": trajectory.pk,
                "project": str(trajectory.project),
                "cohort": str(trajectory.cohort) if trajectory.cohort_id else None,
                "municipality_at_start": str(trajectory.municipality_at_start),
                "enrolment_date": _iso(trajectory.enrolment_date),
                "start_date": _iso(trajectory.start_date),
                "end_date": _iso(trajectory.end_date),
                "outcome": str(trajectory.get_outcome_display()) if trajectory.outcome else "",
                "status": str(trajectory.get_status_display()),
                "notes": trajectory.notes,
                "withdrawn_at": _iso(trajectory.withdrawn_at),
                "withdrawal_reason": trajectory.withdrawal_reason,
                "history": [
                    {
                        "changed_at": _iso(change.changed_at),
                        "field": change.field,
                        "old": change.old_value,
                        "new": change.new_value,
                    }
                    for change in sorted(trajectory.changes.all(), key=lambda c: c.changed_at)
                ],
                "invoice_lines": [
                    {
                        "document": line.invoice.number,
                        "issue_date": _iso(line.invoice.issue_date),
                        "reference_on_document": line.participant_reference,
                        "amount": str(line.amount),
                    }
                    for line in trajectory.invoice_lines.all()
                ],
            }
            for trajectory in trajectories
        ],
        "referrals": [
            {
                "id": referral.pk,
                "municipality": str(referral.municipality),
                "project": str(referral.project),
                "cohort": str(referral.cohort) if referral.cohort_id else None,
                "first_name": referral.first_name,
                "last_name": referral.last_name,
                "date_of_birth": _iso(referral.date_of_birth),
                "client_number": referral.client_number,
                "motivation": referral.motivation,
                "status": str(referral.get_status_display()),
                "decline_reason": referral.decline_reason,
                "trajectory": referral.trajectory_id,
                "referred_by": actor_label(referral.referred_by),
                "created_at": _iso(referral.created_at),
                "decided_at": _iso(referral.decided_at),
                "anonymised_at": _iso(referral.anonymised_at),
            }
            for referral in referrals
        ],
        "audit_trail": [
            {
                "timestamp": _iso(row.entry.timestamp),
                "action": row.kind_label,
                "record": row.entry.object_repr,
                "by": actor_label(row.entry.actor),
                "changes": [
                    {"field": change.field, "old": change.old, "new": change.new}
                    for change in row.changes
                ],
            }
            for row in trail
        ],
    }


def referrals_of(*, user, participant: Participant) -> list[Referral]:
    """The referrals about ``participant`` that ``user`` may see (``referrals_for``): those that
    became one of its trajectories, and those not placed (open, declined, withdrawn) that the
    duplicate rule's identity — the same name and birth date — takes for this person."""
    candidates = referrals_for(user=user).filter(
        Q(trajectory__participant=participant)
        | Q(trajectory__isnull=True, date_of_birth=participant.date_of_birth)
    )
    return sorted(
        (
            referral
            for referral in candidates
            if referral.trajectory_id
            or identity_key(
                first_name=referral.first_name,
                last_name=referral.last_name,
                date_of_birth=referral.date_of_birth,
            )
            == participant.identity_key
        ),
        key=lambda referral: (referral.created_at, referral.pk),
    )


def retention_cutoff(*, today: date, years: int) -> date:
    """The day ``years`` years before ``today`` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def participants_due_for_anonymisation(*, today: date, years: int) -> QuerySet[Participant]:
    """Participants whose personal data has been kept long enough (AVG): not anonymised yet,
    every trajectory closed (ended, or withdrawn), and the last one closed more than ``years``
    years before ``today``. A participant without trajectories counts from their registration.
    One open trajectory, or one closed recently, keeps the whole record."""
    cutoff = retention_cutoff(today=today, years=years)
    open_trajectories = Trajectory.objects.filter(end_date__isnull=True, withdrawn_at__isnull=True)
    recently_closed = Trajectory.objects.filter(
        Q(end_date__gte=cutoff) | Q(end_date__isnull=True, withdrawn_at__date__gte=cutoff)
    )
    return (
        Participant.objects.filter(anonymised_at__isnull=True)
        .exclude(pk__in=open_trajectories.values("participant"))
        .exclude(pk__in=recently_closed.values("participant"))
        .exclude(trajectories__isnull=True, created_at__date__gte=cutoff)
        .select_related("municipality")
        .order_by("pk")
    )


def referrals_due_for_anonymisation(*, today: date, years: int) -> QuerySet[Referral]:
    """Referrals that never became a trajectory and were closed (declined or withdrawn) more
    than ``years`` years before ``today``: the same term as a participant's, counted from the
    decision. An open referral is kept; a placed one goes with its participant."""
    cutoff = retention_cutoff(today=today, years=years)
    return (
        Referral.objects.filter(
            anonymised_at__isnull=True,
            status__in=(ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN),
            decided_at__date__lt=cutoff,
        )
        .select_related("municipality")
        .order_by("pk")
    )


# --- groups (billing rules 10 and 11) ---------------------------------------------------------


def groups_for(*, user, project=None, year: int | None = None):
    """The groups of the projects with their fill level, for coordinators and klantmanagers.

    Counts are of all the group's trajectories that are not withdrawn (a group's fill level is
    no personal data); who they are is shown only through ``trajectories_for``.
    """
    from projects.models import Cohort

    if personal_data_scope(user) is False:
        return Cohort.objects.none()
    live = Q(trajectories__withdrawn_at__isnull=True)
    queryset = (
        Cohort.objects.select_related("project", "tariff_option__agreement")
        .annotate(
            enrolled=Count("trajectories", filter=live),
            started=Count("trajectories", filter=live & Q(trajectories__start_date__isnull=False)),
        )
        .order_by("-start_date", "project__name", "name")
    )
    if project is not None:
        queryset = queryset.filter(project=project)
    if year is not None:
        queryset = queryset.filter(start_date__year=year)
    return queryset


def group_members_for(*, user, cohort) -> QuerySet[Trajectory]:
    """The group's trajectories the user may see: all for coordinators, a klantmanager's own
    residents only (no other municipality's names)."""
    return (
        trajectories_for(user=user)
        .filter(cohort=cohort)
        .order_by("participant__last_name", "participant__first_name", "id")
    )


def started_by_project(*, year: int) -> dict[int, int]:
    """Per project: trajectories started in ``year`` (not withdrawn), counted by the database
    in one grouped query — an aggregate without personal data, for the board's tables."""
    rows = (
        Trajectory.objects.filter(start_date__year=year, withdrawn_at__isnull=True)
        .values("project")
        .annotate(started=Count("id"))
        .order_by()
    )
    return {row["project"]: row["started"] for row in rows}


# --- referrals (aanmeldingen by municipalities) -------------------------------------------------


def referrals_for(*, user, status: str = "") -> QuerySet[Referral]:
    """The referrals the user may see (participant_visibility), newest first, optionally of one
    status."""
    queryset = Referral.objects.select_related(
        "municipality", "project", "cohort", "trajectory", "referred_by"
    ).filter(participant_visibility(user=user).referrals_condition())
    if status in ReferralStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def referral_counts_for(*, user) -> dict[str, int]:
    """How many of the user's referrals have each status (one query)."""
    counts = dict.fromkeys(ReferralStatus.values, 0)
    for row in referrals_for(user=user).order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def planned_groups_fill(*, user):
    """The planned groups of projects that take referrals, with how full they are: counts only,
    no names (``groups_for``)."""
    from projects.constants import CohortStatus, ProjectStatus

    return (
        groups_for(user=user)
        .filter(status=CohortStatus.PLANNED)
        .exclude(project__status=ProjectStatus.ENDED)
        .order_by("start_date", "project__name", "name")
    )


# --- what needs the coordinator's attention (the work list) --------------------------------------


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def not_started_condition(*, today: date, weeks: int) -> Q:
    """Enrolled at least ``weeks`` weeks ago and still not started (nor ended or withdrawn)."""
    return Q(
        start_date__isnull=True,
        end_date__isnull=True,
        withdrawn_at__isnull=True,
        enrolment_date__lte=today - dt.timedelta(weeks=weeks),
    )


def past_duration_condition(*, today: date) -> Q:
    """Running (started, no end, not withdrawn) for longer than the project's expected duration
    (projects.Project.expected_months). One query for the few projects that have one."""
    from projects.models import Project

    condition = Q(pk__in=[])
    for project_id, months in Project.objects.filter(expected_months__isnull=False).values_list(
        "pk", "expected_months"
    ):
        condition |= Q(project_id=project_id, start_date__lt=_months_before(today, months))
    return condition & Q(start_date__isnull=False, end_date__isnull=True, withdrawn_at__isnull=True)


GROUP_LOOKAHEAD = dt.timedelta(weeks=4)


def groups_below_minimum(*, user, today: date, project=None, year: int | None = None):
    """Planned groups starting within four weeks with fewer participants enrolled (not
    withdrawn) than their tariff option's minimum."""
    from projects.constants import CohortStatus

    return groups_for(user=user, project=project, year=year).filter(
        status=CohortStatus.PLANNED,
        start_date__gte=today,
        start_date__lte=today + GROUP_LOOKAHEAD,
        tariff_option__min_group_size__isnull=False,
        enrolled__lt=F("tariff_option__min_group_size"),
    )
