"""Bulk import of groups (klassen) from CSV or Excel, all or nothing (billing rules 10, 11).

The file is read by the trajectory import's reader (participants.importing.read_table), so both
imports accept the same formats. A row for an existing group (same project and name) updates
it, so a planning file can be imported again with new statuses: a start or a cancellation goes
through the same decision services as on the group page.
"""

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participants.importing import (
    DUPLICATE_COLUMN,
    FILE_UNREADABLE,
    ImportFileError,
    ImportReport,
    RowError,
    _date,
    _Lookup,
    _shown,
    _text,
    read_table,
)
from participants.services import cohort_cancel, cohort_start
from projects.constants import CohortStatus
from projects.models import NO_PARTICIPANTS, Cohort, Project, TariffOption
from projects.services import cohort_save
from waw.money import parse_amount
from waw.text import normalise

GROUP_COLUMNS = ("project", "groep", "startdatum", "tariefoptie", "status", "reden", "capaciteit")
GROUP_REQUIRED = ("project", "groep", "startdatum", "tariefoptie")
STATUSES = {
    **{str(status.label): status.value for status in CohortStatus},
    **{status.value: status.value for status in CohortStatus},
}


@dataclass
class GroupImportResult(ImportReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    started: int = 0
    cancelled: int = 0


@dataclass
class ParsedGroup:
    number: int
    project: Project
    name: str
    start_date: dt.date
    option: TariffOption
    status: str
    reason: str
    capacity: int | None


def _price(text: str) -> Decimal | None:
    try:
        return parse_amount(text)
    except (ValueError, InvalidOperation):
        return None


def _option_for(project: Project, start: dt.date, wanted: str) -> TariffOption | str:
    """The tariff option named by its label, or by its price per participant in force on the
    start date, within the agreement of the start date's year; else the problem in words."""
    options = list(
        TariffOption.objects.filter(agreement__project=project, agreement__year=start.year)
        .select_related("agreement")
        .prefetch_related("later_prices")
    )
    if not options:
        return _("%(project)s heeft geen jaarafspraak voor %(year)s") % {
            "project": project.name,
            "year": start.year,
        }
    by_label = [o for o in options if normalise(o.label) == normalise(wanted)]
    if by_label:
        return by_label[0]
    price = _price(wanted)
    by_price = [
        o for o in options if price is not None and any(s.price == price for s in o.price_history())
    ]
    if len(by_price) == 1:
        return by_price[0]
    if len(by_price) > 1:
        return _(
            "meer dan één tariefoptie van %(project)s %(year)s heeft de prijs “%(value)s”; "
            "noem de optie bij haar naam"
        ) % {"project": project.name, "year": start.year, "value": _shown(wanted)}
    return _(
        "“%(value)s” is geen tariefoptie van de jaarafspraak %(project)s %(year)s (kies uit: "
        "%(choices)s)"
    ) % {
        "value": _shown(wanted),
        "project": project.name,
        "year": start.year,
        "choices": "; ".join(o.label for o in options),
    }


def _check(number, values, lookup, errors, seen) -> ParsedGroup | None:
    def fail(column, message):
        errors.append(RowError(number, column, message))

    texts = {column: _text(values.get(column)) for column in GROUP_COLUMNS}
    for column in GROUP_REQUIRED:
        if not texts[column]:
            fail(column, _("verplicht veld is leeg"))
    project = lookup.projects.get(normalise(texts["project"]))
    if texts["project"] and project is None:
        fail("project", _("onbekend project “%(value)s”") % {"value": _shown(texts["project"])})
    elif project is not None and not project.takes_participants:
        fail("project", str(NO_PARTICIPANTS % {"project": project.name}))
        project = None
    start = None
    if texts["startdatum"]:
        try:
            start = _date(values.get("startdatum"))
        except ValueError:
            fail(
                "startdatum",
                _("“%(value)s” is geen datum (dd-mm-jjjj of jjjj-mm-dd)")
                % {"value": _shown(texts["startdatum"])},
            )
    status = STATUSES.get(texts["status"].lower() or "gepland")
    if status is None:
        fail(
            "status",
            _("onbekende status “%(value)s” (gepland, gestart of geannuleerd)")
            % {"value": _shown(texts["status"])},
        )
    capacity = None
    if texts["capaciteit"]:
        if not texts["capaciteit"].isdigit() or int(texts["capaciteit"]) < 1:
            fail("capaciteit", _("capaciteit is een heel getal vanaf 1"))
        else:
            capacity = int(texts["capaciteit"])
    if status == CohortStatus.CANCELLED and not texts["reden"]:
        fail("reden", _("een reden is verplicht om een groep te annuleren"))
    option = None
    if project is not None and start is not None and texts["tariefoptie"]:
        found = _option_for(project, start, texts["tariefoptie"])
        if isinstance(found, str):
            fail("tariefoptie", found)
        else:
            option = found
    if project is not None and texts["groep"]:
        key = (project.pk, normalise(texts["groep"]))
        if key in seen:
            fail("groep", _("groep staat al op regel %(row)s") % {"row": seen[key]})
        seen.setdefault(key, number)
    if any(error.row == number for error in errors):
        return None
    return ParsedGroup(
        number=number,
        project=project,
        name=texts["groep"],
        start_date=start,
        option=option,
        status=status,
        reason=texts["reden"],
        capacity=capacity,
    )


class _Rollback(Exception):
    pass


def _apply(*, user, row: ParsedGroup, result: GroupImportResult) -> None:
    cohort = Cohort.objects.filter(project=row.project, name__iexact=row.name).first()
    if cohort is None:
        cohort = cohort_save(
            cohort=Cohort(
                project=row.project,
                name=row.name,
                start_date=row.start_date,
                tariff_option=row.option,
                capacity=row.capacity,
            )
        )
        result.created += 1
        changed = True
    else:
        wanted = {
            "start_date": row.start_date,
            "tariff_option_id": row.option.pk,
            "capacity": row.capacity,
        }
        changes = {k: v for k, v in wanted.items() if getattr(cohort, k) != v}
        for key, value in changes.items():
            setattr(cohort, key, value)
        if changes:
            cohort_save(cohort=cohort)
        changed = bool(changes)
        if changed:
            result.updated += 1
    if row.status == cohort.status:
        if not changed:
            result.unchanged += 1
        return
    if row.status == CohortStatus.STARTED:
        cohort_start(user=user, cohort=cohort, reason=row.reason)
        result.started += 1
    elif row.status == CohortStatus.CANCELLED:
        cohort_cancel(user=user, cohort=cohort, reason=row.reason)
        result.cancelled += 1
    else:
        raise ValidationError(
            _("Groep %(group)s is al %(status)s en kan niet terug naar gepland.")
            % {"group": cohort.name, "status": cohort.get_status_display()}
        )


def import_groups(
    *, user, name: str, data: bytes | None = None, path=None, progress=None
) -> GroupImportResult:
    """Import groups from a CSV or XLSX file, all or nothing.

    Every row is checked first; a file with any problem changes nothing and names each problem
    with its row and column. A row for an existing group (same project and name) updates it,
    and a new status is the start or cancel decision, with the same rules as on the group page.
    """
    result = GroupImportResult()
    try:
        if data is None:
            data = Path(path).read_bytes()
        header, table = read_table(name=name, data=data, columns=GROUP_COLUMNS)
    except (ImportFileError, UnicodeDecodeError, csv.Error) as error:
        message = str(error) if isinstance(error, ImportFileError) else ""
        result.errors.append(RowError(1, "", message or str(FILE_UNREADABLE)))
        return result
    missing = [column for column in GROUP_REQUIRED if column not in header]
    for column in missing:
        result.errors.append(RowError(1, column, _("kolom ontbreekt in de kopregel")))
    for column in sorted({c for c in header if c in GROUP_COLUMNS and header.count(c) > 1}):
        result.errors.append(RowError(1, column, DUPLICATE_COLUMN))
    if result.errors:
        return result
    if not table:
        result.errors.append(RowError(2, "", _("het bestand bevat geen regels")))
        return result
    result.rows = len(table)
    lookup = _Lookup()
    seen: dict = {}
    parsed = []
    for done, (number, values) in enumerate(table, start=1):
        parsed.append(_check(number, values, lookup, result.errors, seen))
        if progress is not None:
            progress(done, result.rows)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in parsed:
                try:
                    with transaction.atomic():
                        _apply(user=user, row=row, result=result)
                except ValidationError as error:
                    for message in error.messages:
                        result.errors.append(RowError(row.number, "", message))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.unchanged = 0
        result.started = result.cancelled = 0
    return result
