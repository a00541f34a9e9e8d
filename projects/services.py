"""Writes to the project catalogue, tariffs, decisions and budgets."""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from projects.constants import CohortStatus, CostSharing
from projects.models import (
    Agreement,
    AgreementCostShare,
    Budget,
    BudgetLine,
    Category,
    Cohort,
    Decision,
    MunicipalityInhabitants,
    Programme,
    Project,
    TariffOption,
    TariffPrice,
)
from waw.models import Municipality
from waw.money import to_money
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
        agreement.cost_shares.all().delete()
        AgreementCostShare.objects.bulk_create(
            AgreementCostShare(agreement=agreement, municipality=m, percentage=p)
            for m, p in percentages.items()
            if p
        )
    if agreement.cost_sharing == CostSharing.FIXED:
        total = sum(agreement.cost_shares.values_list("percentage", flat=True), Decimal(0))
        if total != 100:
            raise ValidationError(
                {"cost_sharing": PERCENTAGES_NOT_100 % {"sum": f"{total:.2f}".replace(".", ",")}}
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


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, created: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1


def _money(value):
    return None if value is None else to_money(value)


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
                "target_to_work": row.get("target_to_work"),
            },
        )
        report.add("programma's", created)

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
                "status": row["status"],
                "success_criterion": row["success_criterion"],
                "start_date": row.get("start_date"),
                "end_date": row.get("end_date"),
                "aliases": row.get("aliases", []),
                "takes_participants": row.get("takes_participants", True),
            },
        )
        report.add("projecten", created)

    for row in data.get("agreements", []):
        agreement, created = Agreement.objects.get_or_create(
            project=projects[row["project"]],
            year=row["year"],
            defaults={
                "joint_project_costs": to_money(row.get("joint_project_costs", "0")),
                "estimated_participants": row.get("estimated_participants"),
                "target_trajectories": row.get("target_trajectories"),
                "target_success_rate": row.get("target_success_rate"),
                "target_text": row.get("target_text", ""),
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

    # Billing rule 12, "naar inwoners": inhabitants on 1 January per municipality and year.
    for row in data.get("inhabitants", []):
        _obj, created = MunicipalityInhabitants.objects.get_or_create(
            municipality=Municipality.objects.get(slug=row["municipality"]),
            year=row["year"],
            defaults={"inhabitants": row["inhabitants"]},
        )
        report.add("inwonertallen", created)

    for row in data.get("decisions", []):
        _obj, created = Decision.objects.get_or_create(
            project=projects[row["project"]],
            date=row["date"],
            body=row["body"],
            decision=row["decision"],
            defaults={"advice": row.get("advice", "")},
        )
        report.add("besluiten", created)

    for row in data.get("budgets", []):
        budget, created = Budget.objects.get_or_create(
            programme=programmes[row["programme"]],
            year=row["year"],
            defaults={"title": row["title"]},
        )
        report.add("begrotingen", created)
        if created:
            # One by one, not bulk_create: budget lines are in the audit trail, which
            # django-auditlog writes on save (a handful of lines per year).
            lines = [
                BudgetLine.objects.create(
                    budget=budget,
                    kind=line["kind"],
                    category=line["category"],
                    project=projects.get(line.get("project")),
                    planned=_money(line.get("planned")),
                    realised=_money(line.get("realised")),
                    order=order,
                )
                for order, line in enumerate(row.get("lines", []), start=1)
            ]
            report.created["begrotingsregels"] = report.created.get("begrotingsregels", 0) + len(
                lines
            )
    return report


@transaction.atomic
def budget_line_delete(*, line: BudgetLine) -> None:
    """Remove a budget line; its budget's totals follow, as they are always computed."""
    line.delete()
