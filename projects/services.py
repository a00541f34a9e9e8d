"""Writes to the project catalogue, tariffs, decisions and budgets."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Agreement,
    Budget,
    BudgetLine,
    Category,
    Decision,
    Programme,
    Project,
    TariffOption,
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


@transaction.atomic
def agreement_save(
    *,
    agreement: Agreement,
    tariff_options: list[TariffOption],
    removed_options: list[TariffOption] = (),
) -> Agreement:
    """Save a yearly agreement with its tariff options: at least one, exactly one default."""
    if not tariff_options:
        raise ValidationError(AT_LEAST_ONE_TARIFF)
    if sum(1 for option in tariff_options if option.is_default) != 1:
        raise ValidationError(ONE_DEFAULT_TARIFF)
    record_save(record=agreement)
    for option in removed_options:
        if option.pk:
            option.delete()
    # Clear the old default first so the one-default constraint holds after every statement.
    for option in tariff_options:
        option.agreement = agreement
        if option.pk and not option.is_default:
            record_save(record=option)
    for option in tariff_options:
        if not option.pk or option.is_default:
            record_save(record=option)
    return agreement


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
            },
        )
        report.add("jaarafspraken", created)
        if created:
            for option in row.get("tariff_options", []):
                TariffOption.objects.create(
                    agreement=agreement,
                    label=option.get("label", "Standaard"),
                    price_per_participant=to_money(option["price_per_participant"]),
                    project_costs=_money(option.get("project_costs")),
                    min_group_size=option.get("min_group_size"),
                    is_default=option.get("is_default", False),
                )
                report.add("tariefopties", True)

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
