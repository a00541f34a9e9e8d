"""Writes to the project catalogue, tariffs, decisions and budgets."""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from auditlog.context import disable_auditlog, set_actor
from auditlog.diff import model_instance_diff
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from audit.services import creation_record
from projects.constants import BudgetLineNature, CohortStatus, CostSharing, MultiYearCostType
from projects.models import (
    Agreement,
    AgreementCostShare,
    Budget,
    BudgetLine,
    BudgetSeries,
    BudgetSeriesAmount,
    Category,
    Cohort,
    Decision,
    DocumentedRealisation,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    MultiYearActivity,
    MultiYearAmount,
    MultiYearBudget,
    MunicipalityInhabitants,
    Programme,
    ProgrammeBaseline,
    Project,
    TariffOption,
    TariffPrice,
    duration_in_months,
)
from waw.models import Municipality
from waw.money import to_money
from waw.periods import Period, PeriodError, term_in_words
from waw.roles import sync_role_groups

REFERENCE_DATA = Path(__file__).resolve().parent / "data" / "reference.toml"

ONE_DEFAULT_TARIFF = _("Kies precies één tariefoptie als standaardtarief.")
AT_LEAST_ONE_TARIFF = _("Een jaarafspraak heeft minstens één tariefoptie.")


@transaction.atomic
def record_save(*, record):
    """Validate a catalogue record against every field rule and constraint, then save it."""
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def project_save(*, project: Project) -> Project:
    """Save a project; its slug follows from its name when none is given."""
    if not project.slug:
        project.slug = slugify(project.name)[:150]
    return record_save(record=project)


PRICE_APPLIED = _(
    "De prijs van tariefoptie “%(option)s” vanaf %(day)s is al toegepast op gefactureerde of "
    "verrekende trajecten; wijzig hem niet, maar voer een nieuwe prijs in vanaf een datum."
)
PRICE_APPLIED_UNTIL = _(
    "De prijs vanaf %(from)s is al toegepast op trajecten die tot en met %(until)s zijn gestart; "
    "een nieuwe prijs kan pas ingaan na %(until)s."
)
PRICE_DATE_OUTSIDE_YEAR = _(
    "Een prijs van de jaarafspraak %(year)s geldt vanaf een datum in %(year)s."
)
PRICE_NOT_AFTER_FIRST = _(
    "Een nieuwe prijs gaat in na de eerste prijs van de optie (vanaf %(day)s)."
)
OPTION_WITH_APPLIED_PRICE = _(
    "Tariefoptie “%(option)s” is al toegepast op gefactureerde trajecten en kan niet worden "
    "verwijderd."
)


def _day(value) -> str:
    return value.strftime("%d-%m-%Y")


def _check_first_price_unchanged(option: TariffOption) -> None:
    """Billing rule 8: an applied first price (amount or start date) is never changed."""
    if not option.pk:
        return
    stored = TariffOption.objects.filter(pk=option.pk).select_related("agreement").first()
    if stored is None or stored.price_applied_until is None:
        return
    if (
        stored.price_per_participant != option.price_per_participant
        or stored.first_price_from != option.first_price_from
    ):
        raise ValidationError(
            PRICE_APPLIED % {"option": stored.label, "day": _day(stored.first_price_from)}
        )


def _check_first_price_date(option: TariffOption, agreement: Agreement) -> None:
    if option.price_from and option.price_from.year != agreement.year:
        raise ValidationError({"price_from": PRICE_DATE_OUTSIDE_YEAR % {"year": agreement.year}})
    if option.pk:
        first_later = option.later_prices.order_by("valid_from").first()
        if first_later and option.first_price_from >= first_later.valid_from:
            raise ValidationError(
                {"price_from": PRICE_NOT_AFTER_FIRST % {"day": _day(option.first_price_from)}}
            )


@transaction.atomic
def tariff_price_add(*, option: TariffOption, valid_from, price) -> TariffPrice:
    """Billing rule 8: a price change is a new price from a date, in force until the option's
    next price. It may not start on or before a start date already billed at the price it
    follows, so nothing billed or settled ever changes price."""
    option = TariffOption.objects.select_for_update().select_related("agreement").get(pk=option.pk)
    year = option.agreement.year
    if valid_from is None or valid_from.year != year:
        raise ValidationError({"valid_from": PRICE_DATE_OUTSIDE_YEAR % {"year": year}})
    if valid_from <= option.first_price_from:
        raise ValidationError(
            {"valid_from": PRICE_NOT_AFTER_FIRST % {"day": _day(option.first_price_from)}}
        )
    preceding = [step for step in option.price_history() if step.valid_from < valid_from][-1]
    if preceding.applied_until is not None and preceding.applied_until >= valid_from:
        raise ValidationError(
            {
                "valid_from": PRICE_APPLIED_UNTIL
                % {"from": _day(preceding.valid_from), "until": _day(preceding.applied_until)}
            }
        )
    return record_save(record=TariffPrice(option=option, valid_from=valid_from, price=price))


@transaction.atomic
def tariff_price_remove(*, price: TariffPrice) -> None:
    """Remove a later price that was never applied; an applied one stays (billing rule 8)."""
    price = TariffPrice.objects.select_for_update().select_related("option").get(pk=price.pk)
    if price.applied_until is not None:
        raise ValidationError(
            PRICE_APPLIED % {"option": price.option.label, "day": _day(price.valid_from)}
        )
    price.delete()


PERCENTAGES_NOT_100 = _(
    "De percentages van de vaste verdeling tellen op tot %(sum)s%%; samen moeten ze precies "
    "100%% zijn."
)


def _save_cost_shares(*, agreement: Agreement, percentages) -> None:
    """Billing rule 12: the percentages of a "vaste verdeling" add up to exactly 100."""
    if percentages is not None:
        # One by one, not bulk_create: the shares are in the audit trail (seven at most).
        agreement.cost_shares.all().delete()
        for municipality, percentage in percentages.items():
            if percentage:
                AgreementCostShare.objects.create(
                    agreement=agreement, municipality=municipality, percentage=percentage
                )
    if agreement.cost_sharing == CostSharing.FIXED:
        total = sum(agreement.cost_shares.values_list("percentage", flat=True), Decimal(0))
        if total != 100:
            raise ValidationError(
                {"cost_sharing": PERCENTAGES_NOT_100 % {"sum": f"{total:.2f}".replace(".", ",")}}
            )


def _default_programme(agreement: Agreement) -> None:
    """An agreement names the programme of its year; left empty, its project's programme."""
    if agreement.programme_id is None and agreement.project_id:
        agreement.programme_id = agreement.project.programme_id


@transaction.atomic
def decision_save(*, decision: Decision) -> Decision:
    """Save a decision in the meeting of its body on its date (created when it is the first
    decision of that meeting), so a meeting's decisions across projects can be listed."""
    decision.body = decision.body.strip()
    decision.full_clean(exclude=["meeting"])
    decision.meeting, _created = Meeting.objects.get_or_create(
        body=decision.body, date=decision.date
    )
    return record_save(record=decision)


COPY_NOTHING_TO_COPY = _("Er zijn geen jaarafspraken van %(year)s om over te nemen.")
COPY_YEAR_TAKEN = _(
    "%(project)s heeft al een jaarafspraak voor %(year)s; die wordt niet overschreven. "
    "Pas hem aan op de projectpagina."
)
COPY_YEAR_OUT_OF_RANGE = _("Kies een jaar van 2001 tot en met 2100.")


@dataclass
class CopyResult:
    copied: list[Agreement]
    refused: list[str]


@transaction.atomic
def agreements_copy_from_previous_year(*, year: int, user) -> CopyResult:
    """Copy the agreements of ``year - 1`` into ``year``: programme, costs, expected
    participants, targets, VAT treatment and cost sharing, with the tariff options (each at the
    price in force on 31 December of the old year, from 1 January) and the fixed split. A
    project that already has an agreement for ``year`` is refused (its agreement is never
    overwritten); the others are copied. Each copy is in the audit trail with its origin."""
    if not 2001 <= year <= 2100:
        raise ValidationError(COPY_YEAR_OUT_OF_RANGE)
    sources = list(
        Agreement.objects.filter(year=year - 1)
        .select_related("project")
        .prefetch_related("tariff_options__later_prices", "cost_shares")
        .order_by("project__name")
    )
    if not sources:
        raise ValidationError(COPY_NOTHING_TO_COPY % {"year": year - 1})
    # Locked, so two coordinators copying at once cannot both pass the check.
    taken = set(
        Agreement.objects.select_for_update()
        .filter(year=year, project__in=[source.project_id for source in sources])
        .values_list("project_id", flat=True)
    )
    result = CopyResult(copied=[], refused=[])
    for source in sources:
        if source.project_id in taken:
            result.refused.append(str(COPY_YEAR_TAKEN % {"project": source.project, "year": year}))
            continue
        result.copied.append(_agreement_copy(source=source, year=year, user=user))
    if not result.copied:
        raise ValidationError(result.refused)
    return result


def _agreement_copy(*, source: Agreement, year: int, user) -> Agreement:
    # The copy's creation is logged once, by hand, so that its entry names its origin beside
    # the copied values; its options and shares are logged as any other save, by this user.
    with disable_auditlog():
        copy = record_save(
            record=Agreement(
                project=source.project,
                year=year,
                programme_id=source.programme_id,
                joint_project_costs=source.joint_project_costs,
                estimated_participants=source.estimated_participants,
                target_trajectories=source.target_trajectories,
                target_success_rate=source.target_success_rate,
                target_text=source.target_text,
                notes=source.notes,
                vat_treatment=source.vat_treatment,
                cost_sharing=source.cost_sharing,
            )
        )
    with set_actor(user):
        _copy_options_and_shares(source=source, copy=copy)
    creation_record(
        user=user,
        obj=copy,
        changes={
            **model_instance_diff(None, copy),
            "overgenomen van": [None, f"{source.project} {source.year}"],
        },
    )
    return copy


def _copy_options_and_shares(*, source: Agreement, copy: Agreement) -> None:
    for option in source.tariff_options.all():
        record_save(
            record=TariffOption(
                agreement=copy,
                label=option.label,
                # Billing rule 8: the price in force at the end of the old year; its dated
                # steps belong to that year.
                price_per_participant=option.price_history()[-1].price,
                project_costs=option.project_costs,
                min_group_size=option.min_group_size,
                is_default=option.is_default,
            )
        )
    for share in source.cost_shares.all():
        record_save(
            record=AgreementCostShare(
                agreement=copy, municipality_id=share.municipality_id, percentage=share.percentage
            )
        )


@transaction.atomic
def agreement_save(
    *,
    agreement: Agreement,
    tariff_options: list[TariffOption],
    removed_options: list[TariffOption] = (),
    percentages: dict | None = None,
) -> Agreement:
    """Save a yearly agreement with its tariff options (at least one, exactly one default) and
    the sharing of its fixed project costs (rule 12: a fixed split adds up to 100%)."""
    if not tariff_options:
        raise ValidationError(AT_LEAST_ONE_TARIFF)
    if sum(1 for option in tariff_options if option.is_default) != 1:
        raise ValidationError(ONE_DEFAULT_TARIFF)
    _default_programme(agreement)
    record_save(record=agreement)
    _save_cost_shares(agreement=agreement, percentages=percentages)
    for option in removed_options:
        if option.pk:
            stored = TariffOption.objects.get(pk=option.pk)
            if (
                stored.price_applied_until
                or stored.later_prices.exclude(applied_until=None).exists()
            ):
                raise ValidationError(OPTION_WITH_APPLIED_PRICE % {"option": stored.label})
            stored.later_prices.all().delete()
            option.delete()
    for option in tariff_options:
        option.agreement = agreement
        _check_first_price_unchanged(option)
        _check_first_price_date(option, agreement)
    # Clear the old default first so the one-default constraint holds after every statement.
    for option in tariff_options:
        option.agreement = agreement
        if option.pk and not option.is_default:
            record_save(record=option)
    for option in tariff_options:
        if not option.pk or option.is_default:
            record_save(record=option)
    return agreement


GROUP_DECIDED_IS_FIXED = _(
    "Groep %(group)s is %(status)s; de startdatum en de tariefoptie liggen daarmee vast."
)
GROUP_STATUS_BY_DECISION = _(
    "De status van een groep verandert alleen met het besluit starten of annuleren."
)


@transaction.atomic
def cohort_save(*, cohort: Cohort) -> Cohort:
    """Create or change a group (billing rule 10): its option belongs to the agreement of its
    project for the year of its start date. A decided group keeps its start date and option,
    and the status changes only by the start or cancel decision."""
    if cohort.pk:
        stored = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if stored.status != cohort.status:
            raise ValidationError(GROUP_STATUS_BY_DECISION)
        if stored.status != CohortStatus.PLANNED and (
            stored.start_date != cohort.start_date
            or stored.tariff_option_id != cohort.tariff_option_id
        ):
            raise ValidationError(
                GROUP_DECIDED_IS_FIXED
                % {"group": stored.name, "status": stored.get_status_display()}
            )
    elif cohort.status != CohortStatus.PLANNED:
        raise ValidationError(GROUP_STATUS_BY_DECISION)
    cohort.name = cohort.name.strip()
    return record_save(record=cohort)


# --- indicators ------------------------------------------------------------------------------

VALUE_NOT_A_WHOLE_NUMBER = _("Het aantal moet een heel getal zijn van 0 of meer, niet “%(value)s”.")
NOT_A_HALF_YEAR = _("Kies een halfjaar, bijvoorbeeld 2025-H1 of 2025-H2, niet “%(text)s”.")
OUTSIDE_PROGRAMME_TERM = _(
    "%(period)s valt buiten de looptijd van %(programme)s (%(term)s), het programma van "
    "%(project)s in %(year)s; voer alleen aantallen in voor halfjaren binnen die looptijd."
)


def _whole_number(value) -> int:
    """A count as people type it: a whole number of 0 or more ("12", not "1,5" or "-1")."""
    text = str(value).strip()
    if not text.isdigit():
        raise ValidationError({"value": VALUE_NOT_A_WHOLE_NUMBER % {"value": text}})
    number = int(text)
    limit = IndicatorValue._meta.get_field("value").validators
    for validator in limit:  # the model's bounds (PositiveIntegerField's range)
        try:
            validator(number)
        except ValidationError:
            raise ValidationError({"value": VALUE_NOT_A_WHOLE_NUMBER % {"value": text}}) from None
    return number


def _half_year(text: str) -> Period:
    try:
        period = Period.parse(text)
    except PeriodError as error:
        raise ValidationError({"period": str(error)}) from None
    if "-H" not in period.code:
        raise ValidationError({"period": NOT_A_HALF_YEAR % {"text": text}})
    return period


@transaction.atomic
def indicator_save(*, indicator: Indicator) -> Indicator:
    """Save an indicator of a project (a name unique within the project, and a unit)."""
    indicator.name = indicator.name.strip()
    indicator.unit = indicator.unit.strip()
    return record_save(record=indicator)


@transaction.atomic
def indicator_remove(*, indicator: Indicator) -> None:
    """Remove an indicator with its targets and values, one by one for the audit trail."""
    for value in indicator.values.all():
        value.delete()
    for target in indicator.targets.all():
        target.delete()
    indicator.delete()


@transaction.atomic
def indicator_target_set(*, indicator: Indicator, year: int, target: int, source: str = ""):
    """Set an indicator's target for a year (one per year)."""
    record = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    record = record or IndicatorTarget(indicator=indicator, year=year)
    record.target = target
    record.source = source.strip()
    return record_save(record=record)


@transaction.atomic
def indicator_target_remove(*, target: IndicatorTarget) -> None:
    target.delete()


@transaction.atomic
def indicator_value_set(*, indicator: Indicator, period_text: str, value, user) -> IndicatorValue:
    """Enter what an indicator counted in a half-year: a whole number of 0 or more, for a
    half-year within the term of the programme the project runs under in that year (its
    agreement's, or its own: ``programme_of_year``); who entered it and when is recorded
    (a later entry for the same half-year replaces the value and the record of who)."""
    from django.utils import timezone

    from projects.selectors import programme_of_year

    period = _half_year(period_text)
    number = _whole_number(value)
    programme = programme_of_year(project=indicator.project, year=period.year)
    first, last = programme.start_date, programme.end_date
    if (first and period.last_day < first) or (last and period.first_day > last):
        raise ValidationError(
            {
                "period": OUTSIDE_PROGRAMME_TERM
                % {
                    "period": period.in_words,
                    "programme": programme.name,
                    "term": term_in_words(first, last),
                    "project": indicator.project.name,
                    "year": period.year,
                }
            }
        )
    record = IndicatorValue.objects.select_for_update().filter(
        indicator=indicator, period=period.code
    ).first() or IndicatorValue(indicator=indicator, period=period.code)
    record.value = number
    record.recorded_by = user
    record.recorded_at = timezone.now()
    return record_save(record=record)


@transaction.atomic
def indicator_value_remove(*, value: IndicatorValue) -> None:
    value.delete()


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, created: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1


def _money(value):
    return None if value is None else to_money(value)


def _fte(value):
    return None if value is None else Decimal(value)


@transaction.atomic
def load_reference_data(*, path: Path = REFERENCE_DATA) -> LoadReport:
    """Load the region's reference data from the documents (idempotent).

    Records that exist already are left as they are, so a coordinator's later changes survive a
    reload; only what is missing is created. Also creates the role groups.
    """
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    report = LoadReport()
    sync_role_groups()

    for row in data.get("municipalities", []):
        _obj, created = Municipality.objects.get_or_create(
            slug=row["slug"],
            defaults={"name": row["name"], "is_central": row.get("is_central", False)},
        )
        report.add("gemeenten", created)

    programmes = {}
    for row in data.get("programmes", []):
        programmes[row["slug"]], created = Programme.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "start_date": row.get("start_date"),
                "end_date": row.get("end_date"),
                "description": row.get("description", ""),
                "target_trajectories": row.get("target_trajectories"),
                "target_training_trajectories": row.get("target_training_trajectories"),
                "target_to_work": row.get("target_to_work"),
                "targets_source": row.get("targets_source", ""),
            },
        )
        report.add("programma's", created)
        # Earlier results ("stand tot en met …") from the documents, with their source.
        for baseline in row.get("baselines", []):
            record = ProgrammeBaseline(
                programme=programmes[row["slug"]],
                until=baseline["until"],
                trajectories=baseline.get("trajectories"),
                training_trajectories=baseline.get("training_trajectories"),
                to_work=baseline.get("to_work"),
                source=baseline["source"],
            )
            exists = ProgrammeBaseline.objects.filter(
                programme=record.programme, until=record.until
            ).exists()
            if not exists:
                record_save(record=record)
            report.add("eerdere resultaten", not exists)

    categories = {}
    for order, row in enumerate(data.get("categories", []), start=1):
        categories[row["slug"]], created = Category.objects.get_or_create(
            slug=row["slug"], defaults={"name": row["name"], "order": order}
        )
        report.add("categorieën", created)

    projects = {}
    for row in data.get("projects", []):
        projects[row["slug"]], created = Project.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "programme": programmes[row["programme"]],
                "category": categories.get(row.get("category")),
                "project_type": row.get("project_type", ""),
                "provider": row.get("provider", ""),
                "description": row.get("description", ""),
                "duration": row.get("duration", ""),
                "expected_months": duration_in_months(row.get("duration", "")),
                "status": row["status"],
                "success_criterion": row["success_criterion"],
                "is_training": row.get("is_training", False),
                "start_date": row.get("start_date"),
                "end_date": row.get("end_date"),
                "aliases": row.get("aliases", []),
                "takes_participants": row.get("takes_participants", True),
            },
        )
        report.add("projecten", created)

    for row in data.get("agreements", []):
        project = projects[row["project"]]
        agreement, created = Agreement.objects.get_or_create(
            project=project,
            year=row["year"],
            defaults={
                # The programme the project fell under that year; left out: its programme.
                "programme": programmes.get(row.get("programme"), project.programme),
                "joint_project_costs": to_money(row.get("joint_project_costs", "0")),
                "estimated_participants": row.get("estimated_participants"),
                "target_trajectories": row.get("target_trajectories"),
                "target_success_rate": row.get("target_success_rate"),
                "target_text": row.get("target_text", ""),
                "target_source": row.get("target_source", ""),
                "notes": row.get("notes", ""),
                "cost_sharing": row.get("cost_sharing", CostSharing.CENTRAL),
            },
        )
        report.add("jaarafspraken", created)
        if created:
            for option in row.get("tariff_options", []):
                tariff_option = TariffOption.objects.create(
                    agreement=agreement,
                    label=option.get("label", "Standaard"),
                    price_per_participant=to_money(option["price_per_participant"]),
                    price_from=option.get("price_from"),
                    project_costs=_money(option.get("project_costs")),
                    min_group_size=option.get("min_group_size"),
                    is_default=option.get("is_default", False),
                )
                report.add("tariefopties", True)
                # Billing rule 8: later prices of the option, each from its date.
                for later in option.get("later_prices", []):
                    TariffPrice.objects.create(
                        option=tariff_option,
                        valid_from=later["valid_from"],
                        price=to_money(later["price"]),
                    )
                    report.add("prijzen vanaf datum", True)

    # Counted results besides trajectories, with the targets the documents give per year.
    for row in data.get("indicators", []):
        indicator, created = Indicator.objects.get_or_create(
            project=projects[row["project"]],
            name=row["name"],
            defaults={"unit": row["unit"], "source": row.get("source", "")},
        )
        report.add("tellers", created)
        for target in row.get("targets", []):
            _obj, created = IndicatorTarget.objects.get_or_create(
                indicator=indicator,
                year=target["year"],
                defaults={"target": target["target"], "source": target.get("source", "")},
            )
            report.add("jaardoelen van tellers", created)

    # Billing rule 12, "naar inwoners": inhabitants on 1 January per municipality and year.
    for row in data.get("inhabitants", []):
        _obj, created = MunicipalityInhabitants.objects.get_or_create(
            municipality=Municipality.objects.get(slug=row["municipality"]),
            year=row["year"],
            defaults={"inhabitants": row["inhabitants"]},
        )
        report.add("inwonertallen", created)

    for row in data.get("meetings", []):
        _obj, created = Meeting.objects.get_or_create(
            body=row["body"],
            date=row["date"],
            defaults={"title": row.get("title", ""), "source": row.get("source", "")},
        )
        report.add("vergaderingen", created)

    for row in data.get("decisions", []):
        meeting, created = Meeting.objects.get_or_create(body=row["body"], date=row["date"])
        report.add("vergaderingen", created)
        _obj, created = Decision.objects.get_or_create(
            project=projects[row["project"]],
            date=row["date"],
            body=row["body"],
            decision=row["decision"],
            defaults={
                "meeting": meeting,
                "advice": row.get("advice", ""),
                "project_type": row.get("project_type", ""),
                "duration": row.get("duration", ""),
                "results": row.get("results", ""),
                "vote": row.get("vote", ""),
            },
        )
        report.add("besluiten", created)

    # Realised years as the documents report them (seed 003, Tabel 1), shown as such.
    for row in data.get("documented_realisations", []):
        _obj, created = DocumentedRealisation.objects.get_or_create(
            project=projects[row["project"]],
            year=row["year"],
            defaults={
                "participants": row.get("participants"),
                "trajectory_costs": _money(row.get("trajectory_costs")),
                "project_costs": _money(row.get("project_costs")),
                "source": row["source"],
            },
        )
        report.add("realisaties volgens document", created)

    budgets = {}
    for row in data.get("budgets", []):
        budget, created = Budget.objects.get_or_create(
            programme=programmes[row["programme"]],
            year=row["year"],
            title=row["title"],
            defaults={"source": row.get("source", "")},
        )
        budgets[(row["programme"], row["year"], row["title"])] = budget
        report.add("begrotingen", created)
        if created:
            # One by one, not bulk_create: budget lines are in the audit trail, which
            # django-auditlog writes on save (a handful of lines per year).
            for order, line in enumerate(row.get("lines", []), start=1):
                source = line.get("carried_over_from")
                record_save(
                    record=BudgetLine(
                        budget=budget,
                        kind=line["kind"],
                        nature=line.get("nature", BudgetLineNature.INCIDENTAL),
                        category=line["category"],
                        project=projects.get(line.get("project")),
                        planned=_money(line.get("planned")),
                        is_pm=line.get("is_pm", False),
                        realised=_money(line.get("realised")),
                        formation_fte=_fte(line.get("formation_fte")),
                        funding_source=line.get("funding_source", ""),
                        carried_over_from=None
                        if source is None
                        else budgets[(source["programme"], source["year"], source["title"])],
                        remark=line.get("remark", ""),
                        order=order,
                    )
                )
                report.add("begrotingsregels", True)

    series = {}
    for row in data.get("budget_series", []):
        series_record, created = BudgetSeries.objects.get_or_create(
            programme=programmes[row["programme"]],
            title=row["title"],
            defaults={
                "nature": row.get("nature", BudgetLineNature.INCIDENTAL),
                "funding_source": row.get("funding_source", ""),
                "source": row.get("source", ""),
            },
        )
        series[(row["programme"], row["title"])] = series_record
        report.add("meerjarenreeksen", created)
        if created:
            for amount in row.get("amounts", []):
                budget_series_amount_save(
                    amount=BudgetSeriesAmount(
                        series=series_record, year=amount["year"], amount=to_money(amount["amount"])
                    )
                )

    for row in data.get("multi_year_budgets", []):
        available = row.get("available")
        multi_year, created = MultiYearBudget.objects.get_or_create(
            programme=programmes[row["programme"]],
            title=row["title"],
            defaults={
                "source": row.get("source", ""),
                "available": None if available is None else series[(row["programme"], available)],
            },
        )
        report.add("meerjarenbegrotingen", created)
        if created:
            for order, activity_row in enumerate(row.get("activities", []), start=1):
                activity = MultiYearActivity.objects.create(
                    budget=multi_year, name=activity_row["name"], order=order
                )
                for cost_type in MultiYearCostType.values:
                    for year, amount in activity_row.get(cost_type, {}).items():
                        multi_year_amount_save(
                            amount=MultiYearAmount(
                                activity=activity,
                                year=int(year),
                                cost_type=cost_type,
                                amount=to_money(amount),
                            )
                        )
    return report


@transaction.atomic
def budget_line_delete(*, line: BudgetLine) -> None:
    """Remove a budget line; its budget's totals follow, as they are always computed."""
    line.delete()


def budget_series_amount_save(*, amount: BudgetSeriesAmount) -> BudgetSeriesAmount:
    """Save a series' amount of a year; a year outside the programme's term is refused."""
    return record_save(record=amount)


def multi_year_amount_save(*, amount: MultiYearAmount) -> MultiYearAmount:
    """Save an activity's cost of a year; a year outside the programme's term is refused."""
    return record_save(record=amount)
