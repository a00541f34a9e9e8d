from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView
from django.views.generic.edit import FormMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from projects import selectors, services
from projects.filters import ProjectFilter
from projects.forms import (
    AgreementForm,
    BudgetForm,
    BudgetLineForm,
    DecisionForm,
    NewPriceForm,
    ProgrammeForm,
    ProjectForm,
    TariffOptionFormSet,
)
from projects.models import Agreement, Budget, BudgetLine, Decision, Programme, Project
from projects.tables import ProjectTable
from waw import pagination
from waw.exports import SafeExportMixin
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin, is_coordinator

READERS = (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)
# A klantmanager reads the catalogue to refer residents; budgets are not its business.
CATALOGUE_READERS = (*READERS, Role.CASE_MANAGER)
EDITORS = (Role.COORDINATOR,)


def _projects_crumb():
    return (reverse("projects:list"), _("Projecten"))


class ProjectListView(
    RoleRequiredMixin, BreadcrumbsMixin, SafeExportMixin, SingleTableMixin, FilterView
):
    allowed_roles = CATALOGUE_READERS
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    # django-tables2 paginates (forgiving bad page numbers); FilterView must not as well.
    table_pagination = pagination.table_pagination(per_page=25)
    export_formats = ("csv", "xlsx")
    export_name = "projecten"

    def get_queryset(self):
        return selectors.project_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_coordinator(self.request.user)
        return context

    def get_breadcrumbs(self):
        return [_projects_crumb()]


class ProjectDetailView(RoleRequiredMixin, BreadcrumbsMixin, DetailView):
    allowed_roles = CATALOGUE_READERS
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        try:
            return selectors.project_detail(slug=self.kwargs["slug"])
        except Project.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_coordinator(self.request.user)
        context["agreement_years"] = sorted(a.year for a in self.object.agreements.all())
        return context

    def get_breadcrumbs(self):
        return [_projects_crumb(), (self.object.get_absolute_url(), self.object.name)]


class EditorFormMixin(RoleRequiredMixin, BreadcrumbsMixin):
    """A coordinator's form: saved through a service that validates every rule; a rule broken at
    save time shows as a form error, never as a crash, and nothing is lost from the form."""

    allowed_roles = EDITORS
    template_name = "projects/form.html"
    success_message = ""
    title = ""

    def save(self, form):
        return services.record_save(record=form.instance)

    def form_valid(self, form):
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": self.object})
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        # The form has written the rejected input into its instance (say an empty slug); the
        # page's title, breadcrumbs and cancel link describe the record as it is stored.
        stored = getattr(self, "object", None)
        if stored is not None and stored.pk:
            self.object = type(stored).objects.get(pk=stored.pk)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.get_title()
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get_title(self):
        return self.title

    def get_cancel_url(self):
        return reverse("projects:list")

    def get_breadcrumbs(self):
        return [_projects_crumb(), ("", self.get_title())]


class ProjectCreateView(EditorFormMixin, CreateView):
    form_class = ProjectForm
    title = _("Nieuw project")
    success_message = _("Project %(object)s is opgeslagen.")

    def save(self, form):
        return services.project_save(project=form.instance)


class ProjectUpdateView(EditorFormMixin, UpdateView):
    form_class = ProjectForm
    model = Project
    success_message = _("Project %(object)s is opgeslagen.")

    def save(self, form):
        return services.project_save(project=form.instance)

    def get_title(self):
        return _("%(project)s bewerken") % {"project": self.object}

    def get_cancel_url(self):
        return self.object.get_absolute_url()


class ProjectChildMixin:
    """Forms for a record that belongs to the project in the URL. The project is looked up
    only after the role check, so a reader learns nothing from 404 versus 403."""

    @cached_property
    def project(self):
        return get_object_or_404(Project, slug=self.kwargs["slug"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            kwargs["instance"] = self.model(project=self.project)
        return kwargs

    def get_success_url(self):
        return self.project.get_absolute_url()

    def get_cancel_url(self):
        return self.project.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            _projects_crumb(),
            (self.project.get_absolute_url(), self.project.name),
            ("", self.get_title()),
        ]


class AgreementFormMixin(ProjectChildMixin, EditorFormMixin):
    """The yearly agreement with its tariff options in one form."""

    model = Agreement
    form_class = AgreementForm
    template_name = "projects/agreement_form.html"
    success_message = _("Jaarafspraak %(object)s is opgeslagen.")

    def get_formset(self):
        instance = self.object if self.object else Agreement(project=self.project)
        if self.request.method == "POST":
            return TariffOptionFormSet(self.request.POST, instance=instance, prefix="tarief")
        return TariffOptionFormSet(instance=instance, prefix="tarief")

    def get_new_price_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return NewPriceForm(data, agreement=self.object, prefix="prijs")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        if self.object and self.object.pk:
            context.setdefault("new_price_form", self.get_new_price_form())
            # As stored, not as typed: a re-shown form may hold an invalid year.
            context["price_histories"] = selectors.price_histories_of(agreement_id=self.object.pk)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if "pk" in kwargs else None
        form = self.get_form()
        formset = self.get_formset()
        new_price = self.get_new_price_form() if self.object else None
        valid = form.is_valid() and formset.is_valid()
        valid = (new_price is None or new_price.is_valid()) and valid
        if not valid:
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset, new_price_form=new_price)
            )
        kept = [
            f.instance
            for f in formset.forms
            if f.has_changed() or f.instance.pk
            if f not in formset.deleted_forms
        ]
        removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
        try:
            with transaction.atomic():
                self.object = services.agreement_save(
                    agreement=form.instance,
                    tariff_options=kept,
                    removed_options=removed,
                    percentages=form.percentages(),
                )
                if new_price is not None and new_price.cleaned_data["wanted"]:
                    services.tariff_price_add(
                        option=new_price.cleaned_data["option"],
                        valid_from=new_price.cleaned_data["valid_from"],
                        price=new_price.cleaned_data["price"],
                    )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(
                self.get_context_data(form=form, formset=formset, new_price_form=new_price)
            )
        messages.success(request, self.success_message % {"object": self.object})
        return redirect(self.get_success_url())


class AgreementCreateView(AgreementFormMixin, CreateView):
    def get_title(self):
        return _("Nieuwe jaarafspraak voor %(project)s") % {"project": self.project}


class AgreementUpdateView(AgreementFormMixin, UpdateView):
    def get_queryset(self):
        return Agreement.objects.filter(project=self.project)

    def get_title(self):
        return _("Jaarafspraak %(year)s bewerken") % {"year": self.object.year}


class DecisionCreateView(ProjectChildMixin, EditorFormMixin, CreateView):
    model = Decision
    form_class = DecisionForm
    success_message = _("Het besluit is vastgelegd.")

    def get_title(self):
        return _("Nieuw besluit over %(project)s") % {"project": self.project}


class DecisionUpdateView(ProjectChildMixin, EditorFormMixin, UpdateView):
    model = Decision
    form_class = DecisionForm
    success_message = _("Het besluit is opgeslagen.")

    def get_queryset(self):
        return Decision.objects.filter(project=self.project)

    def get_title(self):
        return _("Besluit van %(date)s bewerken") % {"date": self.object.date.strftime("%d-%m-%Y")}


class ProgrammeFormMixin(EditorFormMixin):
    model = Programme
    form_class = ProgrammeForm
    success_message = _("Programma %(object)s is opgeslagen.")

    def get_success_url(self):
        return reverse("projects:list")


class ProgrammeCreateView(ProgrammeFormMixin, CreateView):
    title = _("Nieuw programma")


class ProgrammeUpdateView(ProgrammeFormMixin, UpdateView):
    def get_title(self):
        return _("Programma %(programme)s bewerken") % {"programme": self.object}


def _budgets_crumb():
    return (reverse("projects:budget-index"), _("Begrotingen"))


class BudgetIndexView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    """The most recent budget year, or an empty state when there is no budget yet."""

    allowed_roles = READERS
    template_name = "projects/budget_year.html"

    def get(self, request, *args, **kwargs):
        years = selectors.budget_years()
        if years:
            return redirect("projects:budget-year", year=years[0])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(budgets=[], years=[], can_edit=is_coordinator(self.request.user))
        return context

    def get_breadcrumbs(self):
        return [_budgets_crumb()]


class BudgetYearView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    allowed_roles = READERS
    template_name = "projects/budget_year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        budgets = selectors.budgets_of_year(year=year)
        years = selectors.budget_years()
        if not budgets and year not in years:
            raise Http404
        context.update(
            year=year, budgets=budgets, years=years, can_edit=is_coordinator(self.request.user)
        )
        return context

    def get_breadcrumbs(self):
        return [_budgets_crumb(), ("", str(self.kwargs["year"]))]


class BudgetCreateView(EditorFormMixin, CreateView):
    model = Budget
    form_class = BudgetForm
    title = _("Nieuwe begroting")
    success_message = _("Begroting %(object)s is aangemaakt.")

    def get_success_url(self):
        return reverse("projects:budget-year", kwargs={"year": self.object.year})

    def get_cancel_url(self):
        return reverse("projects:budget-index")

    def get_breadcrumbs(self):
        return [_budgets_crumb(), ("", self.get_title())]


class BudgetLineMixin(EditorFormMixin):
    model = BudgetLine
    form_class = BudgetLineForm
    success_message = _("Begrotingsregel %(object)s is opgeslagen.")

    @cached_property
    def budget(self):
        return get_object_or_404(Budget, pk=self.kwargs["budget"])

    def get_queryset(self):
        return BudgetLine.objects.filter(budget=self.budget)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs.get("instance") is None:
            kwargs["instance"] = BudgetLine(budget=self.budget)
        return kwargs

    def get_success_url(self):
        return reverse("projects:budget-year", kwargs={"year": self.budget.year})

    get_cancel_url = get_success_url

    def get_breadcrumbs(self):
        return [
            _budgets_crumb(),
            (self.get_success_url(), str(self.budget)),
            ("", self.get_title()),
        ]


class BudgetLineCreateView(BudgetLineMixin, CreateView):
    def get_title(self):
        return _("Nieuwe regel in %(budget)s") % {"budget": self.budget}


class BudgetLineUpdateView(BudgetLineMixin, UpdateView):
    def get_title(self):
        return _("Regel %(line)s bewerken") % {"line": self.object.category}


class BudgetLineDeleteView(BudgetLineMixin, DeleteView):
    """Asks for confirmation (GET) before removing the line (POST)."""

    form_class = Form
    template_name = "projects/confirm_delete.html"

    def get_form_kwargs(self):
        return FormMixin.get_form_kwargs(self)

    def get_title(self):
        return _("Regel %(line)s verwijderen") % {"line": self.object.category}

    def form_valid(self, form):
        line = self.object
        services.budget_line_delete(line=line)
        messages.success(
            self.request, _("Begrotingsregel %(line)s is verwijderd.") % {"line": line}
        )
        return redirect(self.get_success_url())
