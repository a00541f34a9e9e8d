from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit import selectors
from audit.filters import LogEntryFilter
from audit.tables import LogEntryTable
from waw import pagination
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin


class LogView(RoleRequiredMixin, BreadcrumbsMixin, SingleTableMixin, FilterView):
    """The whole audit trail and access log, searchable; for the beheerder only."""

    allowed_roles = (Role.ADMINISTRATOR,)
    table_class = LogEntryTable
    filterset_class = LogEntryFilter
    template_name = "audit/log.html"
    table_pagination = pagination.table_pagination(per_page=50)

    def get_queryset(self):
        return selectors.log_entries()

    def get_breadcrumbs(self):
        return [("", _("Logboek"))]
