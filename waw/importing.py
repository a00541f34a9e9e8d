"""The municipalities' invoice data in bulk (CSV or XLSX): every row checked, then all or nothing.

Entered once at installation: per municipality its invoice address, OIN and/or KvK number,
department and e-mail. A column left out of the file leaves that field as it is; a column that
is present sets the field, an empty cell included.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participants.importing import ImportFileError, RowError, read_table
from waw.models import Municipality
from waw.services import municipality_apply_invoice_data

# File column → model field.
COLUMNS = {
    "afdeling": "invoice_department",
    "straat": "invoice_street",
    "huisnummer": "invoice_house_number",
    "postbus": "invoice_po_box",
    "postcode": "invoice_postcode",
    "plaats": "invoice_city",
    "oin": "oin",
    "kvk": "kvk",
    "email": "invoice_email",
}
FIELD_COLUMNS = {model_field: column for column, model_field in COLUMNS.items()}
# Identifiers with leading zeros: a spreadsheet that took them for numbers has lost digits.
DIGIT_COLUMNS = {"oin": 20, "kvk": 8, "postbus": 0}


@dataclass
class MunicipalityImportResult:
    errors: list[RowError] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(column: str, value, number: int, errors: list[RowError]) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if column in DIGIT_COLUMNS and value >= 1e15:  # a float cannot hold 20 digits exactly
            errors.append(
                RowError(number, column, _("Zet deze kolom als tekst: het getal is afgerond."))
            )
            return ""
        if value.is_integer():
            value = int(value)
    if isinstance(value, int) and DIGIT_COLUMNS.get(column):
        return str(value).zfill(DIGIT_COLUMNS[column])
    return str(value).strip()


def import_municipality_data(*, name: str, data: bytes) -> MunicipalityImportResult:
    """Read the file and, only when every row is right, store every row's data."""
    result = MunicipalityImportResult()
    try:
        header, rows = read_table(name=name, data=data, columns=("gemeente", *COLUMNS))
    except ImportFileError as error:
        result.errors.append(RowError(1, "", str(error)))
        return result
    if "gemeente" not in header:
        result.errors.append(RowError(1, "gemeente", _("De kolom 'gemeente' ontbreekt.")))
        return result
    unknown = [c for c in header if c and c != "gemeente" and c not in COLUMNS]
    for column in unknown:
        result.errors.append(
            RowError(
                1,
                column,
                _("Onbekende kolom; verwacht: gemeente, %(columns)s.")
                % {"columns": ", ".join(COLUMNS)},
            )
        )
    if result.errors:
        return result
    by_name = {m.name.casefold(): m for m in Municipality.objects.all()}
    by_name.update({m.slug: m for m in by_name.values()})
    seen: dict[int, int] = {}
    checked = []
    for number, values in rows:
        label = _cell("gemeente", values.get("gemeente"), number, result.errors)
        municipality = by_name.get(label.casefold())
        if municipality is None:
            result.errors.append(
                RowError(number, "gemeente", _("Onbekende gemeente “%(name)s”.") % {"name": label})
            )
            continue
        if municipality.pk in seen:
            result.errors.append(
                RowError(
                    number,
                    "gemeente",
                    _("%(name)s staat ook al op regel %(row)s.")
                    % {"name": municipality.name, "row": seen[municipality.pk]},
                )
            )
            continue
        seen[municipality.pk] = number
        row_data = {
            COLUMNS[column]: _cell(column, values.get(column), number, result.errors)
            for column in header
            if column in COLUMNS
        }
        try:
            municipality_apply_invoice_data(municipality=municipality, data=row_data)
        except ValidationError as error:
            for model_field, messages in error.message_dict.items():
                column = FIELD_COLUMNS.get(model_field, "")
                for message in messages:
                    result.errors.append(RowError(number, column, message))
            continue
        checked.append(municipality)
    if result.errors:
        return result
    with transaction.atomic():
        for municipality in checked:
            municipality.save()
    result.updated = [m.name for m in checked]
    return result
