"""Billing reads: what a run would bill, and the invoices a user may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from billing.models import Invoice
from participants.models import Trajectory
from projects.models import TariffOption
from waw.money import ZERO, to_money
from waw.periods import Period
from waw.roles import municipality_scope


@dataclass
class DraftLine:
    trajectory: Trajectory
    project_name: str
    participant_reference: str
    start_date: dt.date
    amount: Decimal


@dataclass
class DraftInvoice:
    municipality: object
    lines: list[DraftLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return to_money(sum((line.amount for line in self.lines), ZERO))

    def subtotals(self) -> list[tuple[str, int, Decimal]]:
        return self.subtotals_of(self.lines)

    @staticmethod
    def subtotals_of(lines) -> list[tuple[str, int, Decimal]]:
        """Per project: (project, number of lines, subtotal), in project order."""
        groups: dict[str, list[Decimal]] = defaultdict(list)
        for line in lines:
            groups[line.project_name].append(line.amount)
        return [
            (name, len(amounts), to_money(sum(amounts, ZERO)))
            for name, amounts in sorted(groups.items())
        ]


@dataclass
class Attention:
    trajectory: Trajectory
    problem: str


@dataclass
class RunPreview:
    period: Period
    invoices: list[DraftInvoice]
    attention: list[Attention]
    refusals: list[str]

    @property
    def total(self) -> Decimal:
        return to_money(sum((invoice.total for invoice in self.invoices), ZERO))

    @property
    def can_issue(self) -> bool:
        return not self.refusals and bool(self.invoices)


def participant_reference(participant) -> str:
    """How a participant appears on a document that leaves the Regio: the municipality's
    klantnummer, else initials and birth year — never a full name or birth date."""
    if participant.client_number:
        return participant.client_number
    initials = "".join(
        f"{part[0]}." for part in f"{participant.first_name} {participant.last_name}".split()
    )
    return f"{initials} ({participant.date_of_birth.year})"


def billable_trajectories(*, period: Period) -> QuerySet[Trajectory]:
    """Billing rules 1 and 3: started on or before the period's last day, not withdrawn, and
    never billed (a trajectory is billed at most once, ever; late registrations are caught up)."""
    return (
        Trajectory.objects.filter(
            start_date__isnull=False,
            start_date__lte=period.last_day,
            withdrawn_at__isnull=True,
            billing_mark__isnull=True,
        )
        .select_related("participant", "project", "municipality_at_start", "cohort__tariff_option")
        .order_by("municipality_at_start__name", "project__name", "start_date", "id")
    )


def _default_prices(trajectories) -> dict[tuple[int, int], Decimal]:
    keys = {(t.project_id, t.start_date.year) for t in trajectories}
    if not keys:
        return {}
    options = TariffOption.objects.filter(
        is_default=True,
        agreement__project_id__in={p for p, _ in keys},
        agreement__year__in={y for _, y in keys},
    ).values_list("agreement__project_id", "agreement__year", "price_per_participant")
    return {(project, year): price for project, year, price in options}


def price_in_force(trajectory, prices) -> Decimal | None:
    """Billing rule 2: the cohort's tariff option, else the project's default tariff for the
    year of the start date; None when there is none."""
    if trajectory.cohort_id:
        return trajectory.cohort.tariff_option.price_per_participant
    return prices.get((trajectory.project_id, trajectory.start_date.year))


def run_preview(*, period: Period, today: dt.date) -> RunPreview:
    """What issuing ``period`` would bill, one draft invoice per municipality at start.

    A price of € 0 makes no line (rule 4); a trajectory without a tariff for its start year
    blocks issuing and is listed, as is a period that has not ended yet.
    """
    trajectories = list(billable_trajectories(period=period))
    prices = _default_prices(trajectories)
    drafts: dict[int, DraftInvoice] = {}
    attention = []
    for trajectory in trajectories:
        price = price_in_force(trajectory, prices)
        if price is None:
            attention.append(
                Attention(
                    trajectory,
                    _("geen tarief voor %(year)s") % {"year": trajectory.start_date.year},
                )
            )
            continue
        if price == ZERO:
            continue
        municipality = trajectory.municipality_at_start
        draft = drafts.setdefault(municipality.pk, DraftInvoice(municipality))
        draft.lines.append(
            DraftLine(
                trajectory=trajectory,
                project_name=trajectory.project.name,
                participant_reference=participant_reference(trajectory.participant),
                start_date=trajectory.start_date,
                amount=to_money(price),
            )
        )
    refusals = []
    if period.last_day >= today:
        refusals.append(
            _("De periode %(period)s is nog niet voorbij; factureren kan vanaf %(day)s.")
            % {
                "period": period,
                "day": (period.last_day + dt.timedelta(days=1)).strftime("%d-%m-%Y"),
            }
        )
    if attention:
        refusals.append(
            _(
                "%(n)s trajecten hebben geen tarief voor hun startjaar; "
                "leg eerst de jaarafspraak vast."
            )
            % {"n": len(attention)}
        )
    invoices = sorted(drafts.values(), key=lambda d: d.municipality.name)
    return RunPreview(period=period, invoices=invoices, attention=attention, refusals=refusals)


def invoices_for(*, user) -> QuerySet[Invoice]:
    """Invoices the user may see: all for coordinators, their own for a gemeente user."""
    queryset = Invoice.objects.select_related("municipality", "credited_invoice")
    scope = municipality_scope(user)
    if scope is None:
        return queryset
    if scope is False:
        return queryset.none()
    return queryset.filter(municipality=scope)
