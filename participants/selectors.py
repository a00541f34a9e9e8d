"""Reads of personal data, always scoped to what the user may see."""

import datetime as dt
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from audit.selectors import entries_for, trail_rows
from participants.constants import Outcome
from participants.models import Participant, Trajectory, TrajectoryChange
from projects.selectors import tariff_years
from waw.roles import municipality_scope
from waw.text import actor_label


def participants_for(*, user) -> QuerySet[Participant]:
    """Participants the user may see: all for coordinators, own residents for a gemeente user.

    A gemeente user sees a participant who lives in their municipality now, or who started a
    trajectory paid for by their municipality (a resident who moved away stays visible).
    """
    queryset = Participant.objects.select_related("municipality")
    scope = municipality_scope(user)
    if scope is None:
        return queryset
    if scope is False:
        return queryset.none()
    return queryset.filter(
        Q(municipality=scope)
        | Q(pk__in=Trajectory.objects.filter(municipality_at_start=scope).values("participant"))
    )


def trajectories_for(*, user) -> QuerySet[Trajectory]:
    """Trajectories the user may see: all for coordinators; for a gemeente user those recorded on
    its municipality (the municipality at start, which pays for them). A resident who moved in
    brings no history from the former municipality along."""
    queryset = Trajectory.objects.select_related(
        "participant", "project", "municipality_at_start", "cohort"
    )
    scope = municipality_scope(user)
    if scope is None:
        return queryset
    if scope is False:
        return queryset.none()
    return queryset.filter(municipality_at_start=scope)


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


def search_participants(*, queryset, query: str):
    """Narrow participants to those matching every word: a name part, a klantnummer, or a
    birth date written as dd-mm-jjjj or jjjj-mm-dd."""
    for word in query.split():
        born = _as_date(word)
        if born is not None:
            queryset = queryset.filter(date_of_birth=born)
            continue
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(client_number__iexact=word)
        )
    return queryset


def _as_date(word: str) -> date | None:
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


def personal_details_visible(*, user, participant) -> bool:
    """Klantnummer, benefit and target-group flags are for coordinators and for the municipality
    where the participant lives now. A municipality that only paid an earlier trajectory of a
    resident who has since moved sees the name and its own trajectories, nothing more."""
    scope = municipality_scope(user)
    if scope is None:
        return True
    return scope is not False and participant.municipality_id == scope.pk


# --- AVG: right of access and retention -----------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def participant_dossier(*, user, participant: Participant, now: dt.datetime) -> dict:
    """Everything stored about one participant that ``user`` may see, for a right-of-access
    request (AVG art. 15): the personal data, each trajectory with its history and the invoice
    lines that bill it, and the audit trail of who changed or consulted the record."""
    trajectories = list(
        trajectories_for(user=user)
        .filter(participant=participant)
        .prefetch_related("changes", "invoice_lines__invoice")
        .order_by("enrolment_date", "id")
    )
    trail = trail_rows(entries_for([participant, *trajectories]).order_by("timestamp", "id"))
    return {
        "export": {
            "created_at": now.isoformat(),
            "created_by": user.get_username(),
            "about": "Alle gegevens die de WAW-administratie van Regio Gooi en Vechtstreek "
            "over deze deelnemer bewaart (inzageverzoek, art. 15 AVG).",
        },
        "participant": {
            "id": participant.pk,
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "date_of_birth": _iso(participant.date_of_birth),
            "municipality": str(participant.municipality),
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
