from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_tables2 import SingleTableView

from projects import selectors
from projects.models import Project
from projects.tables import ProjectTable
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin

READERS = (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)


class ProjectListView(RoleRequiredMixin, BreadcrumbsMixin, SingleTableView):
    allowed_roles = READERS
    table_class = ProjectTable
    template_name = "projects/project_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.project_list()

    def get_breadcrumbs(self):
        return [(reverse("projects:list"), _("Projecten"))]


class ProjectDetailView(RoleRequiredMixin, BreadcrumbsMixin, DetailView):
    allowed_roles = READERS
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        try:
            return selectors.project_detail(slug=self.kwargs["slug"])
        except Project.DoesNotExist:
            raise Http404 from None

    def get_breadcrumbs(self):
        return [
            (reverse("projects:list"), _("Projecten")),
            (self.object.get_absolute_url(), self.object.name),
        ]
