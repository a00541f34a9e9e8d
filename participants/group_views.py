"""Groups (klassen) in the browser (billing rules 10 and 11): the list with fill levels, the
group page with its participants and the start and cancel decisions, a new group, the upload."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from participants import selectors, services
from participants.forms import GroupCancelForm, GroupForm, GroupStartForm, ImportForm
from projects.constants import CohortStatus
from projects.models import Project
from projects.services import cohort_save
from waw import jobs
from waw.mixins import BreadcrumbsMixin
from waw.models import Job
from waw.roles import PERSONAL_DATA_ROLES, Role, RoleRequiredMixin, is_coordinator

# Who is in a group is personal data (finance reads the minimum purchase on its invoices).
READERS = PERSONAL_DATA_ROLES
EDITORS = (Role.COORDINATOR,)
# The work list's filter: planned groups starting within four weeks below their minimum.
BELOW_MINIMUM = "onder_minimum"


def _groups_crumb():
    return (reverse("participants:groups"), _("Groepen"))


def fill_level(cohort) -> str:
    """ "9 van minimaal 15" (and the capacity, if any): how full a group is."""
    text = str(cohort.started)
    if cohort.tariff_option.min_group_size:
        text = _("%(n)s van minimaal %(minimum)s") % {
            "n": cohort.started,
            "minimum": cohort.tariff_option.min_group_size,
        }
    if cohort.capacity:
        text += _(" (capaciteit %(capacity)s)") % {"capacity": cohort.capacity}
    return text


class GroupListView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    allowed_roles = READERS
    template_name = "participants/group_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = Project.objects.filter(slug=self.request.GET.get("project", "")).first()
        year = self.request.GET.get("jaar", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
        below_minimum = self.request.GET.get("aandacht") == BELOW_MINIMUM
        if below_minimum:
            groups = selectors.groups_below_minimum(
                user=self.request.user, today=timezone.localdate(), project=project, year=year
            )
        else:
            groups = selectors.groups_for(user=self.request.user, project=project, year=year)
        groups = list(groups)
        for cohort in groups:
            cohort.fill_level = fill_level(cohort)
        context.update(
            groups=groups,
            projects=Project.objects.filter(cohorts__isnull=False).distinct().order_by("name"),
            selected_project=project,
            selected_year=year,
            below_minimum=below_minimum,
            can_edit=is_coordinator(self.request.user),
        )
        return context

    def get_breadcrumbs(self):
        return [("", _("Groepen"))]


class GroupMixin(RoleRequiredMixin, BreadcrumbsMixin):
    allowed_roles = READERS

    def get_group(self):
        return get_object_or_404(selectors.groups_for(user=self.request.user), pk=self.kwargs["pk"])

    def render_group(self, cohort, *, start_form=None, cancel_form=None, status=200):
        from django.shortcuts import render

        cohort.fill_level = fill_level(cohort)
        return render(
            self.request,
            "participants/group_detail.html",
            {
                "group": cohort,
                "members": selectors.group_members_for(user=self.request.user, cohort=cohort),
                "can_edit": is_coordinator(self.request.user),
                "is_planned": cohort.status == CohortStatus.PLANNED,
                "start_form": start_form or GroupStartForm(),
                "cancel_form": cancel_form or GroupCancelForm(),
                "breadcrumbs": [_groups_crumb(), ("", cohort.name)],
            },
            status=status,
        )


class GroupDetailView(GroupMixin, View):
    def get(self, request, pk):
        return self.render_group(self.get_group())


class GroupStartView(GroupMixin, View):
    """The start decision: refused below the option's minimum without a reason."""

    allowed_roles = EDITORS

    def post(self, request, pk):
        cohort = self.get_group()
        form = GroupStartForm(request.POST)
        if form.is_valid():
            try:
                services.cohort_start(
                    user=request.user, cohort=cohort, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Groep %(g)s is gestart.") % {"g": cohort.name})
                return redirect(cohort.get_absolute_url())
        return self.render_group(cohort, start_form=form, status=400)


class GroupCancelView(GroupMixin, View):
    """Cancelling, after confirmation: the group's trajectories are withdrawn with the reason."""

    allowed_roles = EDITORS

    def post(self, request, pk):
        cohort = self.get_group()
        form = GroupCancelForm(request.POST)
        if form.is_valid():
            try:
                services.cohort_cancel(
                    user=request.user, cohort=cohort, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Groep %(g)s is geannuleerd.") % {"g": cohort.name})
                return redirect(cohort.get_absolute_url())
        return self.render_group(cohort, cancel_form=form, status=400)


class GroupCreateView(RoleRequiredMixin, BreadcrumbsMixin, FormView):
    allowed_roles = EDITORS
    form_class = GroupForm
    template_name = "projects/form.html"

    def form_valid(self, form):
        try:
            cohort = cohort_save(cohort=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Groep %(g)s is aangemaakt.") % {"g": cohort.name})
        return redirect(cohort.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Nieuwe groep"), cancel_url=reverse("participants:groups"))
        return context

    def get_breadcrumbs(self):
        return [_groups_crumb(), ("", _("Nieuwe groep"))]


class GroupImportView(RoleRequiredMixin, BreadcrumbsMixin, FormView):
    allowed_roles = EDITORS
    form_class = ImportForm
    template_name = "participants/group_import.html"

    def form_valid(self, form):
        # Read and imported by a task worker; the job page shows its progress and outcome.
        upload = form.cleaned_data["file"]
        try:
            job = jobs.start_job(
                kind=Job.Kind.GROUP_IMPORT,
                key=jobs.job_key(Job.Kind.GROUP_IMPORT, self.request.user),
                user=self.request.user,
                title=_("Groepen importeren"),
                upload=upload,
            )
        except jobs.JobAlreadyRunning as running:
            messages.error(self.request, running.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return redirect(job.get_absolute_url())

    def get_breadcrumbs(self):
        return [_groups_crumb(), ("", _("Importeren"))]
