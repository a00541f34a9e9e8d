"""Billing reads: what a run would bill, and the invoices a user may see."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.validators import validate_email
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_noop as _noop

from billing.constants import DocumentKind, LineKind
from billing.models import Invoice, InvoiceLine, ParticipationBudget
from billing.ubl import OIN
from participants.models import Trajectory
from participants.selectors import ParticipantVisibility
from projects.constants import VAT_RATES, CohortStatus, CostSharing, VatTreatment
from projects.models import PriceStep, Project, TariffOption, TariffPrice
from waw import identifiers as ids
from waw.money import ZERO, format_euro, to_money
from waw.periods import Period, date_in_words
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


# "Subtotaal trajecten (3 regels)": the subtotal of a kind reads as a plural where it has one.
SUBTOTAL_LABELS = {LineKind.TRAJECTORY: gettext_lazy("trajecten")}


@dataclass
class DraftLine:
    trajectory: Trajectory | None
    project_name: str
    participant_reference: str
    start_date: dt.date
    amount: Decimal
    vat_treatment: str = VatTreatment.OUTSIDE_SCOPE
    vat_amount: Decimal = ZERO
    # The price applied (billing rule 8), marked as such when the run is issued.
    price_step: PriceStep | None = None
    kind: str = LineKind.TRAJECTORY
    cohort: object = None  # the group of a minimum-purchase line (rule 11)
    agreement: object = None  # the agreement of a share of fixed project costs (rule 12)
    description: str = ""

    @property
    def trajectory_id(self):
        return self.trajectory.pk if self.trajectory is not None else None


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
        """Per project: (project, number of participant lines, subtotal of those), in project
        order."""
        groups: dict[str, list[Decimal]] = defaultdict(list)
        for line in lines:
            if line.kind == LineKind.TRAJECTORY:
                groups[line.project_name].append(line.amount)
        return [
            (name, len(amounts), to_money(sum(amounts, ZERO)))
            for name, amounts in sorted(groups.items())
        ]

    @staticmethod
    def kind_subtotals_of(lines) -> list[tuple[str, int, Decimal]]:
        """Per line kind present: (label, number of lines, subtotal), in the kinds' order."""
        groups: dict[str, list[Decimal]] = defaultdict(list)
        for line in lines:
            groups[line.kind].append(line.amount)
        return [
            (
                str(SUBTOTAL_LABELS.get(kind, kind.label)),
                len(groups[kind]),
                to_money(sum(groups[kind], ZERO)),
            )
            for kind in LineKind
            if kind in groups
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
    settlements: list["DraftSettlement"] = field(default_factory=list)
    shortfalls: list["DraftShortfall"] = field(default_factory=list)
    shares: list["DraftShare"] = field(default_factory=list)

    @property
    def explanations(self) -> list[str]:
        """One sentence per minimum purchase and per share of fixed costs in this run."""
        return [item.explanation for item in (*self.shortfalls, *self.shares)]

    @property
    def total(self) -> Decimal:
        return to_money(sum((invoice.total for invoice in self.invoices), ZERO))

    @property
    def can_issue(self) -> bool:
        return not self.refusals and bool(self.invoices or self.settlements)


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
    """Billing rules 1, 3, 9 and 10: started on or before the period's last day, not withdrawn,
    not in a group that has not started, and never billed nor settled at € 0 (a trajectory is
    billed at most once, ever; late registrations are caught up)."""
    return (
        Trajectory.objects.filter(
            start_date__isnull=False,
            start_date__lte=period.last_day,
            withdrawn_at__isnull=True,
            billing_mark__isnull=True,
            settlement__isnull=True,  # rule 9: settled at € 0, never billed afterwards
        )
        # Rule 10: a planned group's participants wait until it starts; a cancelled group's
        # are never billed.
        .filter(Q(cohort__isnull=True) | Q(cohort__status=CohortStatus.STARTED))
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


def price_histories(*, option_ids) -> dict[int, list[PriceStep]]:
    """Per tariff option, its price history in date order (three queries for any number)."""
    options = (
        TariffOption.objects.filter(pk__in=set(option_ids))
        .select_related("agreement")
        .prefetch_related("later_prices")
    )
    return {option.pk: option.price_history() for option in options}


def price_in_force(*, history: list[PriceStep], day: dt.date) -> PriceStep | None:
    """Billing rule 8: the price of an option in force on ``day`` — the last step that starts
    on or before it; None when the option has no price yet on that day."""
    in_force = None
    for step in history:
        if step.valid_from > day:
            break
        in_force = step
    return in_force


@dataclass
class Tariffs:
    """What pricing a run needs, loaded once: the default option per project and year, the
    options' agreements (for VAT) and every option's price history."""

    defaults: dict[tuple[int, int], int]
    histories: dict[int, list[PriceStep]]
    vat: dict[int, str]

    @classmethod
    def load(cls, trajectories) -> "Tariffs":
        keys = {(t.project_id, t.start_date.year) for t in trajectories}
        defaults = {}
        if keys:
            defaults = {
                (project, year): option
                for option, project, year in TariffOption.objects.filter(
                    is_default=True,
                    agreement__project_id__in={p for p, _ in keys},
                    agreement__year__in={y for _, y in keys},
                ).values_list("pk", "agreement__project_id", "agreement__year")
            }
        option_ids = set(defaults.values()) | {
            t.cohort.tariff_option_id for t in trajectories if t.cohort_id
        }
        vat = dict(
            TariffOption.objects.filter(pk__in=option_ids).values_list(
                "pk", "agreement__vat_treatment"
            )
        )
        return cls(defaults=defaults, histories=price_histories(option_ids=option_ids), vat=vat)

    def option_for(self, trajectory) -> int | None:
        if trajectory.cohort_id:
            return trajectory.cohort.tariff_option_id
        return self.defaults.get((trajectory.project_id, trajectory.start_date.year))


def tariff_in_force(trajectory, tariffs: Tariffs) -> tuple[PriceStep, str] | None:
    """Billing rules 2 and 8: (price step, VAT treatment) of the group's tariff option, else of
    the project's default option for the start date's year, at the price in force on the start
    date; None when there is none."""
    option = tariffs.option_for(trajectory)
    if option is None:
        return None
    step = price_in_force(history=tariffs.histories.get(option, []), day=trajectory.start_date)
    if step is None:
        return None
    return step, tariffs.vat[option]


@dataclass
class DraftSettlement:
    """A trajectory the run settles at € 0 (billing rule 9): no line, but a record."""

    trajectory: Trajectory
    price_step: PriceStep

    @property
    def municipality(self):
        return self.trajectory.municipality_at_start


def period_as_subject(period: Period) -> str:
    """The period as the subject of a sentence: "Het eerste kwartaal 2027", "Het jaar 2027"."""
    if period.is_term:
        return _("De periode %(dates)s") % {"dates": period.dates_in_words}
    if "-" not in period.code:
        return _("Het jaar %(year)s") % {"year": period.year}
    return _("Het %(period)s") % {"period": period.in_words}


def run_preview(*, period: Period, today: dt.date) -> RunPreview:
    """What issuing ``period`` would bill, one draft invoice per municipality at start and
    VAT regime (rule 4).

    A price of € 0 makes no line but settles the trajectory (rules 4 and 9); a trajectory
    without a tariff for its start date blocks issuing and is listed, as is a period that has
    not ended yet.
    """
    trajectories = list(billable_trajectories(period=period))
    _share_projects_and_municipalities(trajectories)
    tariffs = Tariffs.load(trajectories)
    drafts: dict[int, DraftInvoice] = {}
    attention = []
    settlements = []
    for trajectory in trajectories:
        tariff = tariff_in_force(trajectory, tariffs)
        if tariff is None:
            attention.append(
                Attention(
                    trajectory,
                    _("geen tarief op %(day)s")
                    % {"day": trajectory.start_date.strftime("%d-%m-%Y")},
                )
            )
            continue
        step, vat_treatment = tariff
        if step.price == ZERO:
            settlements.append(DraftSettlement(trajectory=trajectory, price_step=step))
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
                amount=to_money(step.price),
                vat_treatment=vat_treatment,
                vat_amount=vat_on(step.price, vat_treatment),
                price_step=step,
            )
        )
    refusals = []
    if period.last_day >= today:
        refusals.append(
            _("%(period)s is nog niet voorbij; factureren kan vanaf %(day)s.")
            % {
                "period": period_as_subject(period),
                "day": date_in_words(period.last_day + dt.timedelta(days=1)),
            }
        )
    if attention:
        refusals.append(
            ngettext(
                "%(n)s traject heeft geen tarief op de startdatum; "
                "leg eerst de jaarafspraak of de prijs vast.",
                "%(n)s trajecten hebben geen tarief op hun startdatum; "
                "leg eerst de jaarafspraak of de prijs vast.",
                len(attention),
            )
            % {"n": len(attention)}
        )
    in_run = [line.trajectory for d in drafts.values() for line in d.lines]
    in_run += [settlement.trajectory for settlement in settlements]
    shortfalls, shortfall_refusals = shortfalls_due(trajectories=in_run, tariffs=tariffs)
    shares, share_refusals = shares_due(period=period)
    refusals += shortfall_refusals + share_refusals
    for item in (*shortfalls, *shares):
        for line in item.lines():
            key = (line.municipality.pk, vat_regime(line.draft.vat_treatment))
            draft = drafts.setdefault(key, DraftInvoice(line.municipality))
            draft.lines.append(line.draft)
    invoices = [
        drafts[key] for key in sorted(drafts, key=lambda k: (drafts[k].municipality.name, k[1]))
    ]
    return RunPreview(
        period=period,
        invoices=invoices,
        attention=attention,
        refusals=refusals,
        settlements=settlements,
        shortfalls=shortfalls,
        shares=shares,
    )


# --- billing rules 11 and 12: minimum purchase and shares of fixed project costs -------------


def split_by_largest_remainder(*, total: Decimal, weights: dict) -> dict:
    """Split ``total`` over the keys (municipalities) in proportion to their weights, to the
    cent: every share is rounded down to the cent and the cents left over go one each to the
    largest fractions, ties alphabetically by name — so the shares add up exactly (billing
    rule 11). € 1.000,00 over three equal weights: € 333,34 / € 333,33 / € 333,33."""
    weights = {key: Fraction(weight) for key, weight in weights.items() if weight}
    weight_sum = sum(weights.values(), Fraction(0))
    if not weights or weight_sum <= 0:
        return {}
    cents = int(to_money(total) * 100)
    exact = {key: cents * weight / weight_sum for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left_over = cents - sum(shares.values())
    by_fraction = sorted(
        exact, key=lambda key: (-(exact[key] - shares[key]), getattr(key, "name", str(key)))
    )
    for key in by_fraction[:left_over]:
        shares[key] += 1
    return {key: (Decimal(share) / 100).quantize(Decimal("0.01")) for key, share in shares.items()}


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{m.name} {n}" for m, n in sorted(counts.items(), key=lambda i: i[0].name))


@dataclass
class SplitLine:
    municipality: object
    draft: DraftLine


@dataclass
class DraftShortfall:
    """Billing rule 11: a group that started below its option's minimum bills the shortfall
    once, in the run that first bills its participants, split over their municipalities."""

    cohort: object
    minimum: int
    started: int
    price_step: PriceStep
    vat_treatment: str
    counts: dict  # municipality → started participants of the group

    @property
    def amount(self) -> Decimal:
        return to_money((self.minimum - self.started) * self.price_step.price)

    @property
    def shares(self) -> dict:
        return split_by_largest_remainder(total=self.amount, weights=self.counts)

    @property
    def explanation(self) -> str:
        return _(
            "Minimale afname %(group)s (%(project)s): gestart met %(started)s van minimaal "
            "%(minimum)s deelnemers, dus %(missing)s × %(price)s = %(amount)s, verdeeld naar "
            "gestarte deelnemers (%(counts)s)."
        ) % {
            "group": self.cohort.name,
            "project": self.cohort.project.name,
            "started": self.started,
            "minimum": self.minimum,
            "missing": self.minimum - self.started,
            "price": format_euro(self.price_step.price),
            "amount": format_euro(self.amount),
            "counts": _counts_text(self.counts),
        }

    def lines(self) -> list[SplitLine]:
        return [
            SplitLine(
                municipality,
                DraftLine(
                    trajectory=None,
                    kind=LineKind.SHORTFALL,
                    cohort=self.cohort,
                    project_name=self.cohort.project.name,
                    participant_reference="",
                    start_date=self.cohort.start_date,
                    amount=share,
                    vat_treatment=self.vat_treatment,
                    vat_amount=vat_on(share, self.vat_treatment),
                    description=_(
                        "Minimale afname groep %(group)s: %(missing)s × %(price)s, aandeel "
                        "%(n)s van %(started)s gestarte deelnemers"
                    )
                    % {
                        "group": self.cohort.name,
                        "missing": self.minimum - self.started,
                        "price": format_euro(self.price_step.price),
                        "n": self.counts[municipality],
                        "started": self.started,
                    },
                ),
            )
            for municipality, share in sorted(self.shares.items(), key=lambda i: i[0].name)
            if share
        ]


def shortfalls_due(*, trajectories, tariffs: Tariffs) -> tuple[list[DraftShortfall], list[str]]:
    """Billing rule 11 for the groups whose participants this run bills for the first time:
    those that started with fewer participants than their option's minimum."""
    from billing.models import BilledShortfall

    by_group: dict[int, list[Trajectory]] = defaultdict(list)
    for trajectory in trajectories:
        if trajectory.cohort_id:
            by_group[trajectory.cohort_id].append(trajectory)
    if not by_group:
        return [], []
    billed_before = set(
        Trajectory.objects.filter(cohort_id__in=by_group)
        .filter(Q(billing_mark__isnull=False) | Q(settlement__isnull=False))
        .values_list("cohort_id", flat=True)
    ) | set(
        BilledShortfall.objects.filter(cohort_id__in=by_group).values_list("cohort_id", flat=True)
    )
    shortfalls, refusals = [], []
    for cohort_id, members in sorted(by_group.items()):
        cohort = members[0].cohort
        minimum = cohort.tariff_option.min_group_size
        if cohort_id in billed_before or not minimum or len(members) >= minimum:
            continue
        option = cohort.tariff_option_id
        step = price_in_force(history=tariffs.histories.get(option, []), day=cohort.start_date)
        if step is None:
            refusals.append(
                _("Groep %(group)s heeft geen prijs op haar startdatum %(day)s.")
                % {"group": cohort.name, "day": cohort.start_date.strftime("%d-%m-%Y")}
            )
            continue
        if step.price == ZERO:
            continue
        counts: dict = defaultdict(int)
        for member in members:
            counts[member.municipality_at_start] += 1
        cohort.project = members[0].project
        shortfalls.append(
            DraftShortfall(
                cohort=cohort,
                minimum=minimum,
                started=len(members),
                price_step=step,
                vat_treatment=tariffs.vat[option],
                counts=dict(counts),
            )
        )
    return shortfalls, refusals


# How a sharing rule reads after "verdeeld": the choice labels ("vaste verdeling") are nouns.
RULE_IN_SENTENCE = {
    CostSharing.BY_PARTICIPANTS: _noop("naar deelnemers"),
    CostSharing.BY_INHABITANTS: _noop("naar inwoners"),
    CostSharing.FIXED: _noop("volgens een vaste verdeling"),
}


@dataclass
class DraftShare:
    """Billing rule 12: an agreement's fixed project costs shared over the municipalities by
    its sharing rule, once, in the first run whose period contains 31 December of its year."""

    agreement: object
    amount: Decimal
    weights: dict  # municipality → participants, inhabitants or percentage
    key_label: str

    @property
    def shares(self) -> dict:
        return split_by_largest_remainder(total=self.amount, weights=self.weights)

    @property
    def explanation(self) -> str:
        rule_words = RULE_IN_SENTENCE.get(self.agreement.cost_sharing)
        return _(
            "Aandeel projectkosten %(project)s %(year)s: %(amount)s, verdeeld %(rule)s (%(key)s)."
        ) % {
            "project": self.agreement.project.name,
            "year": self.agreement.year,
            "amount": format_euro(self.amount),
            "rule": _(rule_words) if rule_words else self.agreement.get_cost_sharing_display(),
            "key": self.key_label,
        }

    def lines(self) -> list[SplitLine]:
        vat_treatment = self.agreement.vat_treatment
        return [
            SplitLine(
                municipality,
                DraftLine(
                    trajectory=None,
                    kind=LineKind.SHARE,
                    agreement=self.agreement,
                    project_name=self.agreement.project.name,
                    participant_reference="",
                    start_date=dt.date(self.agreement.year, 12, 31),
                    amount=share,
                    vat_treatment=vat_treatment,
                    vat_amount=vat_on(share, vat_treatment),
                    description=_(
                        "Aandeel projectkosten %(year)s, %(rule)s: %(weight)s van %(total)s"
                    )
                    % {
                        "year": self.agreement.year,
                        "rule": self.agreement.get_cost_sharing_display(),
                        "weight": _weight_text(self.weights[municipality], self.agreement),
                        "total": _weight_text(sum(self.weights.values()), self.agreement),
                    },
                ),
            )
            for municipality, share in sorted(self.shares.items(), key=lambda i: i[0].name)
            if share
        ]


def _weight_text(weight, agreement) -> str:
    if agreement.cost_sharing == CostSharing.FIXED:
        return f"{weight:.2f}%".replace(".", ",")
    return f"{weight:n}" if isinstance(weight, int) else str(weight)


def fixed_project_costs(*, agreement) -> Decimal:
    """An agreement's fixed project costs (billing rule 12): its joint project costs plus the
    project costs of the tariff options in use that year — the default option, and each
    option chosen by a group that started."""
    options = agreement.tariff_options.filter(
        Q(is_default=True) | Q(cohorts__status=CohortStatus.STARTED)
    ).distinct()
    option_costs = sum((o.project_costs or ZERO for o in options), ZERO)
    return to_money(agreement.joint_project_costs + option_costs)


def _participants_weights(agreement) -> dict:
    from waw.models import Municipality

    rows = (
        Trajectory.objects.filter(
            project_id=agreement.project_id,
            start_date__year=agreement.year,
            withdrawn_at__isnull=True,
        )
        .filter(Q(cohort__isnull=True) | Q(cohort__status=CohortStatus.STARTED))
        .values("municipality_at_start")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["municipality_at_start"]: row["n"] for row in rows}
    return {m: counts[m.pk] for m in Municipality.objects.filter(pk__in=counts)}


def share_weights(*, agreement) -> tuple[dict, str, str]:
    """Billing rule 12: (municipality → weight, the key in words, a refusal or "")."""
    from projects.models import MunicipalityInhabitants
    from waw.models import Municipality

    year = agreement.year
    rule = agreement.cost_sharing
    name = f"{agreement.project.name} {year}"
    if rule == CostSharing.BY_PARTICIPANTS:
        weights = _participants_weights(agreement)
        if not weights:
            return (
                {},
                "",
                _(
                    "De projectkosten van %(name)s worden naar deelnemers verdeeld, maar er zijn "
                    "in %(year)s geen gestarte trajecten; kies een andere verdeling."
                )
                % {"name": name, "year": year},
            )
        return weights, _("gestarte trajecten: %(counts)s") % {"counts": _counts_text(weights)}, ""
    if rule == CostSharing.BY_INHABITANTS:
        municipalities = list(Municipality.objects.order_by("name"))
        known = {
            row.municipality_id: row.inhabitants
            for row in MunicipalityInhabitants.objects.filter(year=year)
        }
        missing = [m.name for m in municipalities if m.pk not in known]
        if missing:
            return (
                {},
                "",
                _(
                    "De projectkosten van %(name)s worden naar inwoners verdeeld, maar het "
                    "inwonertal per 1 januari %(year)s ontbreekt voor %(missing)s; vul het in "
                    "onder Beheer → Inwonertallen."
                )
                % {"name": name, "year": year, "missing": ", ".join(missing)},
            )
        weights = {m: known[m.pk] for m in municipalities}
        return weights, _("inwoners per 1 januari %(year)s") % {"year": year}, ""
    if rule == CostSharing.FIXED:
        weights = {
            share.municipality: share.percentage
            for share in agreement.cost_shares.select_related("municipality")
        }
        if sum(weights.values(), Decimal(0)) != 100:
            return (
                {},
                "",
                _("De vaste verdeling van %(name)s telt niet op tot 100%%; pas de percentages aan.")
                % {"name": name},
            )
        return (
            weights,
            _("percentages: %(p)s")
            % {
                "p": ", ".join(
                    f"{m.name} {_weight_text(w, agreement)}"
                    for m, w in sorted(weights.items(), key=lambda i: i[0].name)
                )
            },
            "",
        )
    return {}, "", ""


def _last_whole_year(period: Period) -> int:
    """The latest year whose 31 December lies on or before the period's last day."""
    last = period.last_day
    return last.year if (last.month, last.day) == (12, 31) else last.year - 1


def shares_due(
    *, period: Period, only_year: int | None = None
) -> tuple[list[DraftShare], list[str]]:
    """Billing rule 12: the agreements whose fixed project costs this run shares out — not
    centraal, not shared before, and a year whose 31 December lies in or before the period."""
    from projects.models import Agreement

    agreements = Agreement.objects.filter(
        year__lte=_last_whole_year(period), share_mark__isnull=True
    )
    if only_year is not None:
        agreements = agreements.filter(year=only_year)
    agreements = (
        agreements.exclude(cost_sharing=CostSharing.CENTRAL)
        .select_related("project")
        .order_by("project__name", "year")
    )
    shares, refusals = [], []
    for agreement in agreements:
        amount = fixed_project_costs(agreement=agreement)
        if amount == ZERO:
            continue
        weights, key_label, refusal = share_weights(agreement=agreement)
        if refusal:
            refusals.append(refusal)
            continue
        shares.append(
            DraftShare(agreement=agreement, amount=amount, weights=weights, key_label=key_label)
        )
    return shares, refusals


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
    "soort regel",
    "deelnemer",
    "omschrijving",
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
            line.get_kind_display(),
            line.participant_reference,
            line.description,
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

    @property
    def overrun(self) -> Decimal | None:
        """How far invoiced and committed go beyond the budget (a positive amount), if they do:
        "€ 11.800,00 over het budget" reads better than a negative remainder."""
        return -self.remaining if self.over_budget else None


def _tariff_year():
    return Coalesce(ExtractYear("start_date"), ExtractYear("enrolment_date"))


def committed_by_municipality(*, year: int) -> dict[int, Decimal]:
    """Per municipality: trajectories enrolled or started for ``year`` (by start year, else
    enrolment year) that are not withdrawn, not invoiced and not settled, at the price in force
    on their start (else enrolment) date (rule 8), summed by the database in one grouped query;
    plus the minimum purchases (rule 11) and shares of fixed costs (rule 12) of that year that
    are due but not yet invoiced."""
    default_option = Subquery(
        TariffOption.objects.filter(
            agreement__project=OuterRef("project"),
            agreement__year=OuterRef("tariff_year"),
            is_default=True,
        ).values("pk")[:1]
    )
    later_price = Subquery(
        TariffPrice.objects.filter(option=OuterRef("option"), valid_from__lte=OuterRef("price_day"))
        .order_by("-valid_from")
        .values("price")[:1],
        output_field=MONEY,
    )
    first_price = Subquery(
        TariffOption.objects.filter(pk=OuterRef("option")).values("price_per_participant")[:1],
        output_field=MONEY,
    )
    rows = (
        Trajectory.objects.filter(
            withdrawn_at__isnull=True, billing_mark__isnull=True, settlement__isnull=True
        )
        .annotate(tariff_year=_tariff_year())
        .filter(tariff_year=year)
        .annotate(
            price_day=Coalesce("start_date", "enrolment_date"),
            option=Coalesce("cohort__tariff_option", default_option),
        )
        .annotate(price=Coalesce(later_price, first_price, Value(ZERO), output_field=MONEY))
        .values("municipality_at_start")
        .annotate(total=Sum("price"))
        .order_by()
    )
    committed = {row["municipality_at_start"]: to_money(row["total"] or 0) for row in rows}
    for item in (*_shortfalls_not_yet_billed(year=year), *_shares_not_yet_billed(year=year)):
        for municipality, share in item.shares.items():
            committed[municipality.pk] = committed.get(municipality.pk, ZERO) + share
    return committed


def _shortfalls_not_yet_billed(*, year: int) -> list["DraftShortfall"]:
    """Rule 11 for the ledger: started groups of ``year`` whose participants are not billed
    yet, with the shortfall they will bill."""
    members = list(
        Trajectory.objects.filter(
            cohort__status=CohortStatus.STARTED,
            cohort__start_date__year=year,
            start_date__isnull=False,
            withdrawn_at__isnull=True,
        ).select_related("cohort__tariff_option", "project", "municipality_at_start")
    )
    shortfalls, _refusals = shortfalls_due(trajectories=members, tariffs=Tariffs.load(members))
    return shortfalls


def _shares_not_yet_billed(*, year: int) -> list["DraftShare"]:
    return shares_due(period=Period.parse(str(year)), only_year=year)[0]


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


def year_is_invoiced(*, year: int) -> bool:
    """Has the app issued any invoice for a period of ``year``? If not, the year's realised
    trajectory costs are only known from the documents."""
    return Invoice.objects.filter(kind=DocumentKind.INVOICE, period__startswith=str(year)).exists()


def trajectory_costs_by_project(*, year: int) -> dict[int, Decimal]:
    """Per project: trajectory costs invoiced for periods of ``year`` minus those credited —
    the trajectory lines and the minimum purchases (rule 11) of invoices and credit notes, net
    of VAT, summed by the database in one grouped query. Shares of fixed project costs
    (rule 12) are project costs, not trajectory costs, and are left out."""
    rows = (
        InvoiceLine.objects.filter(
            invoice__period__startswith=str(year),
            kind__in=[LineKind.TRAJECTORY, LineKind.SHORTFALL],
        )
        .annotate(line_project=Coalesce("trajectory__project", "cohort__project"))
        .values("line_project")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["line_project"]: to_money(row["total"] or 0) for row in rows}
