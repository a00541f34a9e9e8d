from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from board import reports
from board import selectors as board
from projects import selectors as projects
from projects.models import Meeting
from waw.exports import xlsx_bytes
from waw.mixins import BreadcrumbsMixin
from waw.pdf import render_to_pdf
from waw.roles import Role, RoleRequiredMixin

# The board's tables hold aggregates only (no personal data): for coordinators and bestuurders.
BOARD_READERS = (Role.COORDINATOR, Role.BOARD)
EXPORT_FORMATS = ("xlsx", "pdf")
# A button says what it does, in Dutch: "Excel downloaden", not "Download XLSX".
EXPORT_LABELS = {"xlsx": gettext_lazy("Excel downloaden"), "pdf": gettext_lazy("PDF downloaden")}
YEARS = range(2000, 2101)  # as Agreement.year and Budget.year allow


def _board_crumb():
    return (reverse("board:index"), _("Bestuurstabellen"))


class BoardIndexView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    allowed_roles = BOARD_READERS
    template_name = "board/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(years=projects.agreement_years(), meetings=projects.meetings())
        return context

    def get_breadcrumbs(self):
        return [_board_crumb()]


class BoardTablesMixin(RoleRequiredMixin, BreadcrumbsMixin):
    """A page of board tables, with the same tables as Excel and PDF downloads."""

    allowed_roles = BOARD_READERS
    template_name = "board/tables.html"
    export_url_name = ""

    def get_title(self) -> str:
        raise NotImplementedError

    def get_tables(self) -> list[reports.Table]:
        raise NotImplementedError

    def get_filename(self) -> str:
        raise NotImplementedError

    def export_kwargs(self) -> dict:
        return dict(self.kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            tables=self.get_tables(),
            exports=[
                (
                    EXPORT_LABELS[fmt],
                    reverse(self.export_url_name, kwargs={**self.kwargs, "fmt": fmt}),
                )
                for fmt in EXPORT_FORMATS
            ],
        )
        return context

    def get_breadcrumbs(self):
        return [_board_crumb(), ("", self.get_title())]


class BoardExportMixin:
    """``…/xlsx/`` or ``…/pdf/`` of a board page: formula-safe Excel, WeasyPrint PDF."""

    def get(self, request, *args, fmt, **kwargs):
        if fmt not in EXPORT_FORMATS:
            raise Http404
        tables = self.get_tables()
        filename = self.get_filename()
        if fmt == "xlsx":
            content = xlsx_bytes(
                title=self.get_title(), header=_header(tables), rows=_spreadsheet_rows(tables)
            )
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, _html = render_to_pdf(
                "board/tables_pdf.html", {"title": self.get_title(), "tables": tables}
            )
            content_type = "application/pdf"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response


def _header(tables: list[reports.Table]) -> list[str]:
    return tables[0].header if tables else [_("Geen gegevens")]


def _spreadsheet_rows(tables: list[reports.Table]) -> list[list]:
    """One sheet: the first table under the header row, each further one under its title and
    its own header."""
    rows = []
    for index, table in enumerate(tables):
        if index:
            rows += [[], [table.title], table.header]
        rows += table.spreadsheet_rows()
    return rows


def _year(kwargs) -> int:
    year = kwargs["year"]
    if year not in YEARS:
        raise Http404
    return year


class CostSplitMixin(BoardTablesMixin):
    export_url_name = "board:cost-split-export"

    def get_title(self):
        return _("Kostenverdeling per project %(year)s") % {"year": self.kwargs["year"]}

    def get_filename(self):
        return f"kostenverdeling-{self.kwargs['year']}"

    def get_tables(self):
        year = _year(self.kwargs)
        split = projects.cost_split(year=year)
        if not split["rows"]:
            raise Http404  # a year without agreements has no cost split
        return [reports.cost_split_table(year=year, split=split)]


class RealisationMixin(BoardTablesMixin):
    export_url_name = "board:realisation-export"

    def get_title(self):
        return _("Realisatie per project %(year)s") % {"year": self.kwargs["year"]}

    def get_filename(self):
        return f"realisatie-{self.kwargs['year']}"

    def get_tables(self):
        return reports.realisation_tables(figures=board.realisation(year=_year(self.kwargs)))


class MeetingMixin(BoardTablesMixin):
    export_url_name = "board:meeting-export"

    @property
    def meeting(self):
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        return self._meeting

    def get_title(self):
        return _("Besluiten %(meeting)s") % {"meeting": self.meeting}

    def get_filename(self):
        return f"besluiten-{self.meeting.body.lower().replace(' ', '-')}-{self.meeting.date}"

    def get_tables(self):
        decisions = projects.meeting_decisions(meeting=self.meeting)
        return [reports.meeting_table(meeting=self.meeting, decisions=decisions)]


class CostSplitView(CostSplitMixin, TemplateView):
    pass


class CostSplitExportView(BoardExportMixin, CostSplitMixin, TemplateView):
    pass


class RealisationView(RealisationMixin, TemplateView):
    pass


class RealisationExportView(BoardExportMixin, RealisationMixin, TemplateView):
    pass


class MeetingView(MeetingMixin, TemplateView):
    pass


class MeetingExportView(BoardExportMixin, MeetingMixin, TemplateView):
    pass
