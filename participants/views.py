from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_tables2 import SingleTableView

from participants import selectors
from participants.tables import ParticipantTable
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin

PERSONAL_DATA_READERS = (Role.COORDINATOR, Role.MUNICIPALITY)


class ParticipantListView(RoleRequiredMixin, BreadcrumbsMixin, SingleTableView):
    allowed_roles = PERSONAL_DATA_READERS
    table_class = ParticipantTable
    template_name = "participants/participant_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.participants_for(user=self.request.user)

    def get_breadcrumbs(self):
        return [(reverse("participants:list"), _("Deelnemers"))]


class ParticipantDetailView(RoleRequiredMixin, BreadcrumbsMixin, DetailView):
    """A participant's page; another municipality's participant answers 404, not 403, so that
    a gemeente user cannot even learn that the record exists."""

    allowed_roles = PERSONAL_DATA_READERS
    template_name = "participants/participant_detail.html"
    context_object_name = "participant"

    def get_queryset(self):
        return selectors.participants_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["trajectories"] = selectors.trajectories_for(user=self.request.user).filter(
            participant=self.object
        )
        return context

    def get_breadcrumbs(self):
        return [
            (reverse("participants:list"), _("Deelnemers")),
            (self.object.get_absolute_url(), str(self.object)),
        ]
