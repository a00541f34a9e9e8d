"""Reads of personal data, always scoped to what the user may see."""

import datetime as dt
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from participants.constants import Outcome
from participants.models import Participant, Trajectory, TrajectoryChange
from projects.selectors import tariff_years
from waw.roles import municipality_scope


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
