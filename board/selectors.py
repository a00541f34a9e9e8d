"""The board's tables, computed from the data: the cost split per project (seed 000, Tabel 2),
the year's realisation per project (seed 003, Tabel 1) and a meeting's decisions across
projects (seed 000, Tabel 1). Aggregates only: no personal data.

This app reads projects, participants and billing; none of them reads it.
"""

from dataclasses import dataclass
from decimal import Decimal

from billing.selectors import trajectory_costs_by_project, year_is_invoiced
from participants.selectors import started_by_project
from projects import selectors as projects
from projects.models import Project
from waw.money import ZERO, to_money


@dataclass
class RealisationRow:
    project: str
    participants: int
    trajectory_costs: Decimal
    project_costs: Decimal

    @property
    def total(self) -> Decimal:
        return self.trajectory_costs + self.project_costs

    @property
    def cost_per_participant(self) -> Decimal | None:
        """Total costs (project costs included) per participant, to the cent; none without
        participants."""
        if not self.participants:
            return None
        return to_money(self.total / self.participants)


@dataclass
class Realisation:
    rows: list[RealisationRow]
    total: RealisationRow
    source: str = ""


def _with_total(rows: list[RealisationRow], *, source: str = "") -> Realisation:
    total = RealisationRow(
        project="",
        participants=sum(row.participants for row in rows),
        trajectory_costs=sum((row.trajectory_costs for row in rows), ZERO),
        project_costs=sum((row.project_costs for row in rows), ZERO),
    )
    return Realisation(rows=rows, total=total, source=source)


def computed_realisation(*, year: int) -> Realisation:
    """Per project of ``year``: trajectories started, trajectory costs invoiced minus credited
    (billing's invoice and credit-note lines), project costs realised (the budget lines), each
    summed by the database in one grouped query; projects with an agreement that year are
    listed also without figures."""
    started = started_by_project(year=year)
    invoiced = trajectory_costs_by_project(year=year)
    project_costs = projects.realised_project_costs_by_project(year=year)
    with_agreement = set(projects.agreements_of_year(year=year).values_list("project", flat=True))
    project_ids = with_agreement | set(started) | set(invoiced) | set(project_costs)
    names = dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "name"))
    rows = [
        RealisationRow(
            project=names[pk],
            participants=started.get(pk, 0),
            trajectory_costs=invoiced.get(pk, ZERO),
            project_costs=project_costs.get(pk, ZERO),
        )
        for pk in sorted(project_ids, key=lambda pk: names[pk])
    ]
    return _with_total(rows)


def documented_realisation(*, year: int) -> Realisation | None:
    """The year's realisation as the documents report it (kept as reference data), or none."""
    records = projects.documented_realisations(year=year)
    if not records:
        return None
    rows = [
        RealisationRow(
            project=record.project.name,
            participants=record.participants or 0,
            trajectory_costs=record.trajectory_costs or ZERO,
            project_costs=record.project_costs or ZERO,
        )
        for record in records
    ]
    sources = sorted({record.source for record in records})
    return _with_total(rows, source="; ".join(sources))


def realisation(*, year: int) -> dict:
    """The realisation of ``year``: computed from the app's invoices where the year is
    invoiced in the app, and separately the documents' figures where they are kept — the two
    are never mixed."""
    invoiced = year_is_invoiced(year=year)
    return {
        "year": year,
        "invoiced": invoiced,
        "computed": computed_realisation(year=year) if invoiced else None,
        "documented": documented_realisation(year=year),
    }
