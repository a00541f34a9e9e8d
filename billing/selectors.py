"""Billing reads: what a run would bill, and the invoices a user may see."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.validators import validate_email
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from billing.models import Invoice, InvoiceLine, ParticipationBudget
from billing.ubl import OIN
from participants.models import Trajectory
from participants.selectors import ParticipantVisibility
from projects.constants import VAT_RATES, VatTreatment
from projects.models import Project, TariffOption
from waw import identifiers as ids
from waw.money import ZERO, format_euro, to_money
from waw.periods import Period
from waw.roles import municipality_scope

MONEY = DecimalField(max_digits=14, decimal_places=2)
SENDER_VALIDATORS = {
    "house_number": ids.validate_house_number,
    "po_box": ids.validate_po_box,
    "postcode": ids.validate_postcode,
    "kvk": ids.validate_kvk,
    "vat": ids.validate_vat_id,
    "iban": ids.validate_iban,
    "email": validate_email,
}
# Spaces in an IBAN or VAT id, a postcode typed "1211aa": the same number, written otherwise.
SENDER_NORMALISE = {
    "postcode": ids.normalise_postcode,
    "kvk": ids.normalise_digits,
    "vat": ids.normalise_vat_id,
    "iban": ids.normalise_iban,
}


@dataclass
class DraftLine:
    trajectory: Trajectory
    project_name: str
    participant_reference: str
    start_date: dt.date
    amount: Decimal
    vat_treatment: str = VatTreatment.OUTSIDE_SCOPE
    vat_amount: Decimal = ZERO


def vat_regime(treatment: str) -> int:
    """0 for lines outside the scope of VAT, 1 for lines that carry VAT (any other category):
    a document holds lines of one regime only (billing rule 4). Regime 0 is numbered first."""
    return 0 if treatment == VatTreatment.OUTSIDE_SCOPE else 1


def vat_on(amount: Decimal, treatment: str) -> Decimal:
    """VAT charged on a line: only the standard rate charges any; rounded per line."""
    rate = VAT_RATES.get(treatment)
    return to_money(amount * rate / 100) if rate else ZERO


def vat_summary(lines) -> list[dict]:
    """Per VAT treatment present: its label, rate, taxable base and VAT (art. 35a Wet OB asks
    for the amounts per rate)."""
    groups: dict[str, list] = defaultdict(list)
    for line in lines:
        groups[line.vat_treatment].append(line)
    return [
        {
            "treatment": treatment,
            "label": VatTreatment(treatment).label,
            "rate": VAT_RATES.get(treatment),
            "base": to_money(sum((ln.amount for ln in group), ZERO)),
            "vat": to_money(sum((ln.vat_amount for ln in group), ZERO)),
        }
        for treatment, group in sorted(groups.items())
    ]


@dataclass
class DraftInvoice:
    municipality: object
    lines: list[DraftLine] = field(default_factory=list)

    @property
    def net_total(self) -> Decimal:
        return to_money(sum((line.amount for line in self.lines), ZERO))

    @property
    def vat_total(self) -> Decimal:
        return to_money(sum((line.vat_amount for line in self.lines), ZERO))

    @property
    def total(self) -> Decimal:
        return self.net_total + self.vat_total

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


def participant_reference(participant, *, municipality) -> str:
    """How a participant appears on a document for ``municipality``: its klantnummer, else
    initials and birth year — never a full name or birth date. A participant who has moved
    away since the start carries the new municipality's klantnummer, which the invoiced one may
    not see (participants.selectors), so the invoice gives the initials then."""
    if participant.client_number and ParticipantVisibility(scope=municipality).sees_details_of(
        participant
    ):
        return participant.client_number
    initials = "".join(
        f"{part[0]}." for part in f"{participant.first_name} {participant.last_name}".split()
    )
    return f"{initials} ({participant.date_of_birth.year})"


NOT_ON_AN_INVOICE = (
    "notes",
    "withdrawal_reason",
    "created_at",
    "updated_at",
    "participant__created_at",
    "participant__updated_at",
)


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
        # Projects and municipalities are few: run_preview attaches one shared instance of each
        # (measured with bench/: building them per row took most of a national run's preview).
        .select_related("participant", "cohort__tariff_option__agreement")
        .defer(*NOT_ON_AN_INVOICE)
        .order_by("municipality_at_start__name", "project__name", "start_date", "id")
    )


def _share_projects_and_municipalities(trajectories: list[Trajectory]) -> None:
    from waw.models import Municipality

    projects = Project.objects.in_bulk({t.project_id for t in trajectories})
    municipalities = Municipality.objects.in_bulk(
        {t.municipality_at_start_id for t in trajectories}
    )
    for trajectory in trajectories:
        trajectory.project = projects[trajectory.project_id]
        trajectory.municipality_at_start = municipalities[trajectory.municipality_at_start_id]


def _default_tariffs(trajectories) -> dict[tuple[int, int], tuple[Decimal, str]]:
    keys = {(t.project_id, t.start_date.year) for t in trajectories}
    if not keys:
        return {}
    options = TariffOption.objects.filter(
        is_default=True,
        agreement__project_id__in={p for p, _ in keys},
        agreement__year__in={y for _, y in keys},
    ).values_list(
        "agreement__project_id",
        "agreement__year",
        "price_per_participant",
        "agreement__vat_treatment",
    )
    return {(project, year): (price, vat) for project, year, price, vat in options}


def tariff_in_force(trajectory, tariffs) -> tuple[Decimal, str] | None:
    """Billing rule 2: (price, VAT treatment) of the cohort's tariff option, else of the
    project's default tariff for the year of the start date; None when there is none."""
    if trajectory.cohort_id:
        option = trajectory.cohort.tariff_option
        return option.price_per_participant, option.agreement.vat_treatment
    return tariffs.get((trajectory.project_id, trajectory.start_date.year))


def run_preview(*, period: Period, today: dt.date) -> RunPreview:
    """What issuing ``period`` would bill, one draft invoice per municipality at start and
    VAT regime (rule 4).

    A price of € 0 makes no line (rule 4); a trajectory without a tariff for its start year
    blocks issuing and is listed, as is a period that has not ended yet.
    """
    trajectories = list(billable_trajectories(period=period))
    _share_projects_and_municipalities(trajectories)
    tariffs = _default_tariffs(trajectories)
    drafts: dict[int, DraftInvoice] = {}
    attention = []
    for trajectory in trajectories:
        tariff = tariff_in_force(trajectory, tariffs)
        if tariff is None:
            attention.append(
                Attention(
                    trajectory,
                    _("geen tarief voor %(year)s") % {"year": trajectory.start_date.year},
                )
            )
            continue
        price, vat_treatment = tariff
        if price == ZERO:
            continue
        municipality = trajectory.municipality_at_start
        # Rule 4: one invoice per municipality and VAT regime, so no document mixes lines
        # outside the scope of VAT (category O) with lines that carry VAT (EN 16931 BR-O-11).
        regime = vat_regime(vat_treatment)
        draft = drafts.setdefault((municipality.pk, regime), DraftInvoice(municipality))
        draft.lines.append(
            DraftLine(
                trajectory=trajectory,
                project_name=trajectory.project.name,
                participant_reference=participant_reference(
                    trajectory.participant, municipality=municipality
                ),
                start_date=trajectory.start_date,
                amount=to_money(price),
                vat_treatment=vat_treatment,
                vat_amount=vat_on(price, vat_treatment),
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
    invoices = [
        drafts[key] for key in sorted(drafts, key=lambda k: (drafts[k].municipality.name, k[1]))
    ]
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


INVOICE_LINE_COLUMNS = [
    "factuurnummer",
    "soort",
    "gemeente",
    "periode",
    "factuurdatum",
    "project",
    "deelnemer",
    "startdatum",
    "bedrag",
]


def invoice_line_rows(*, invoices: QuerySet[Invoice]):
    """The lines of the given invoices as rows for a CSV export (one query)."""
    lines = (
        InvoiceLine.objects.filter(invoice__in=invoices)
        .select_related("invoice__municipality")
        .order_by("invoice__year", "invoice__sequence", "id")
    )
    for line in lines:
        invoice = line.invoice
        yield [
            invoice.number,
            invoice.get_kind_display(),
            invoice.municipality.name,
            invoice.period,
            invoice.issue_date.strftime("%d-%m-%Y"),
            line.project_name,
            line.participant_reference,
            line.start_date.strftime("%d-%m-%Y"),
            f"{line.amount:.2f}".replace(".", ","),
        ]


@dataclass
class LedgerRow:
    municipality: object
    reference: str
    budget: Decimal | None
    invoiced: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.budget - self.invoiced - self.committed

    @property
    def over_budget(self) -> bool:
        return self.remaining is not None and self.remaining < ZERO


def _tariff_year():
    return Coalesce(ExtractYear("start_date"), ExtractYear("enrolment_date"))


def committed_by_municipality(*, year: int) -> dict[int, Decimal]:
    """Per municipality: trajectories enrolled or started for ``year`` (by start year, else
    enrolment year) that are not withdrawn and not invoiced, at their tariff. Summed by the
    database in one grouped query."""
    default_price = Subquery(
        TariffOption.objects.filter(
            agreement__project=OuterRef("project"),
            agreement__year=OuterRef("tariff_year"),
            is_default=True,
        ).values("price_per_participant")[:1],
        output_field=MONEY,
    )
    rows = (
        Trajectory.objects.filter(withdrawn_at__isnull=True, billing_mark__isnull=True)
        .annotate(tariff_year=_tariff_year())
        .filter(tariff_year=year)
        .annotate(
            price=Coalesce(
                "cohort__tariff_option__price_per_participant",
                default_price,
                Value(ZERO),
                output_field=MONEY,
            )
        )
        .values("municipality_at_start")
        .annotate(total=Sum("price"))
        .order_by()
    )
    return {row["municipality_at_start"]: to_money(row["total"] or 0) for row in rows}


def invoiced_by_municipality(*, year: int) -> dict[int, Decimal]:
    """Per municipality: invoices minus credit notes for periods of ``year``."""
    rows = (
        Invoice.objects.filter(period__startswith=str(year))
        .values("municipality")
        .annotate(total=Sum("total"))
        .order_by()
    )
    return {row["municipality"]: to_money(row["total"] or 0) for row in rows}


def ledger(*, year: int, user) -> list[LedgerRow]:
    """The participation-budget ledger of a year, per municipality the user may see."""
    from waw.models import Municipality

    scope = municipality_scope(user)
    municipalities = Municipality.objects.order_by("name")
    if scope is False:
        return []
    if scope is not None:
        municipalities = municipalities.filter(pk=scope.pk)
    budgets = dict(
        ParticipationBudget.objects.filter(year=year, amount__isnull=False).values_list(
            "municipality", "amount"
        )
    )
    references = dict(
        ParticipationBudget.objects.filter(year=year).values_list("municipality", "reference")
    )
    invoiced = invoiced_by_municipality(year=year)
    committed = committed_by_municipality(year=year)
    return [
        LedgerRow(
            municipality=m,
            reference=references.get(m.pk, ""),
            budget=budgets.get(m.pk),
            invoiced=invoiced.get(m.pk, ZERO),
            committed=committed.get(m.pk, ZERO),
        )
        for m in municipalities
    ]


def einvoice_warnings(*, preview: "RunPreview") -> list[str]:
    """What keeps this run's e-invoices from being delivered over Peppol although they are
    valid: the Regio's own OIN (its Peppol address) not set. The run may still be issued."""
    if preview.invoices and not OIN.match(settings.INVOICE_SENDER.get("oin", "")):
        return [
            _(
                "Het OIN van de Regio is niet ingesteld (REGIO_OIN); de e-facturen noemen de Regio "
                "bij haar KvK-nummer, maar via Peppol is de Regio zonder OIN niet te vinden."
            )
        ]
    return []


# The sender's settings a document needs, with their label and the form they must have.
SENDER_FIELDS = (
    ("name", _noop("naam")),
    ("postcode", _noop("postcode")),
    ("city", _noop("plaats")),
    ("kvk", _noop("KvK-nummer")),
    ("vat", _noop("btw-identificatienummer")),
    ("iban", _noop("IBAN")),
    ("email", _noop("e-mailadres")),
)


def sender_problems(sender: dict) -> list[str]:
    """What the Regio's sender settings (REGIO_*) lack for a valid document, each naming its
    variable and the expected form: missing or a placeholder in brackets, or malformed."""
    from waw.env import SENDER_VARIABLES

    def variable(key):
        return SENDER_VARIABLES[key][0]

    problems = []
    wanted = list(SENDER_FIELDS)
    if ids.is_missing(sender.get("po_box")):
        wanted[1:1] = [("street", _noop("straat")), ("house_number", _noop("huisnummer"))]
    else:
        wanted[1:1] = [("po_box", _noop("postbus"))]
    for key, label in wanted:
        value = SENDER_NORMALISE.get(key, str)(sender.get(key, ""))
        if ids.is_missing(value):
            problems.append(
                _("%(label)s ontbreekt (%(variable)s)")
                % {"label": _(label), "variable": variable(key)}
            )
        elif key in SENDER_VALIDATORS and (message := ids.problem(value, SENDER_VALIDATORS[key])):
            problems.append(
                _("%(label)s (%(variable)s): %(message)s")
                % {"label": _(label), "variable": variable(key), "message": message}
            )
    oin = sender.get("oin", "")
    if not ids.is_missing(oin) and (message := ids.problem(oin, ids.validate_oin)):
        problems.append(_("OIN (REGIO_OIN): %(message)s") % {"message": message})
    return problems


@dataclass
class MissingInvoiceData:
    """What one party of a run lacks: the sender (``municipality`` None; fixed in the
    environment) or a municipality (fixed on its invoice-data page)."""

    name: str
    problems: list[str]
    municipality: object = None


def missing_invoice_data(*, municipalities, year: int | None) -> list[MissingInvoiceData]:
    """Billing rule 13: per party, the data a document to ``municipalities`` lacks for the
    official e-invoice rules — the sender complete and well-formed; each municipality with a
    complete address and an OIN or KvK number, and its kenmerk of ``year`` where it requires
    one (``year`` None: no kenmerk needed, as for a credit note). Empty: nothing is missing."""
    from waw.selectors import municipality_invoice_data_problems

    missing = []
    sender = settings.INVOICE_SENDER
    if problems := sender_problems(sender):
        missing.append(
            MissingInvoiceData(
                _("%(name)s (afzender)") % {"name": sender.get("name") or "Regio"}, problems
            )
        )
    municipalities = sorted({m.pk: m for m in municipalities}.values(), key=lambda m: m.name)
    references = {}
    if year is not None and any(m.reference_required for m in municipalities):
        references = dict(
            ParticipationBudget.objects.filter(
                year=year, municipality__in=[m.pk for m in municipalities]
            ).values_list("municipality", "reference")
        )
    for municipality in municipalities:
        problems = municipality_invoice_data_problems(municipality)
        if (
            year is not None
            and municipality.reference_required
            and not references.get(municipality.pk)
        ):
            problems.append(
                _("kenmerk voor %(year)s ontbreekt (de gemeente wil het op elke factuur)")
                % {"year": year}
            )
        if problems:
            missing.append(
                MissingInvoiceData(f"Gemeente {municipality.name}", problems, municipality)
            )
    return missing


def missing_data_messages(missing: list[MissingInvoiceData]) -> list[str]:
    """One sentence per party, for a refusal."""
    return [
        _("Factuurgegevens van %(name)s zijn niet compleet: %(problems)s")
        % {"name": item.name, "problems": "; ".join(item.problems)}
        for item in missing
    ]


def budget_warnings(*, preview: "RunPreview") -> list[str]:
    """Municipalities whose invoices this run would take past their participation budget."""
    year = preview.period.year
    budgets = dict(
        ParticipationBudget.objects.filter(year=year, amount__isnull=False).values_list(
            "municipality", "amount"
        )
    )
    invoiced = invoiced_by_municipality(year=year)
    warnings = []
    for draft in preview.invoices:
        budget = budgets.get(draft.municipality.pk)
        if budget is None:
            continue
        after = invoiced.get(draft.municipality.pk, ZERO) + draft.total
        if after > budget:
            warnings.append(
                _(
                    "Met deze run komt %(m)s op %(after)s gefactureerd, boven het "
                    "participatiebudget %(year)s van %(budget)s."
                )
                % {
                    "m": draft.municipality.name,
                    "after": format_euro(after),
                    "year": year,
                    "budget": format_euro(budget),
                }
            )
    return warnings
