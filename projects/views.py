from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
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
    IndicatorForm,
    IndicatorTargetForm,
    IndicatorValueForm,
    NewPriceForm,
    ProgrammeForm,
    ProjectForm,
    TariffOptionFormSet,
)
from projects.models import (
    Agreement,
    Budget,
    BudgetLine,
    Decision,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Programme,
    Project,
)
from projects.tables import ProjectTable
from waw import pagination
from waw.exports import SafeExportMixin
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin, is_coordinator, sees_personal_data

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
        years = selectors.agreement_years()
        context["copy_to_year"] = years[0] + 1 if years and years[0] < 2100 else None
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
        # The group pages name participants: linked only for the roles that may open them.
        context["can_see_groups"] = sees_personal_data(self.request.user)
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

    def save(self, form):
        return services.decision_save(decision=form.instance)

    def get_title(self):
        return _("Nieuw besluit over %(project)s") % {"project": self.project}


class DecisionUpdateView(ProjectChildMixin, EditorFormMixin, UpdateView):
    model = Decision
    form_class = DecisionForm
    success_message = _("Het besluit is opgeslagen.")

    def save(self, form):
        return services.decision_save(decision=form.instance)

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
            year=year,
            budgets=budgets,
            years=years,
            # A combined view only when there is something to combine.
            combined=selectors.combined_totals(budgets=budgets) if len(budgets) > 1 else None,
            programmes=list({budget.programme: None for budget in budgets}),
            can_edit=is_coordinator(self.request.user),
        )
        return context

    def get_breadcrumbs(self):
        return [_budgets_crumb(), ("", str(self.kwargs["year"]))]


class ProgrammeBudgetsView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    """A programme's budgets across the years, its multi-year series and cost tables."""

    allowed_roles = READERS
    template_name = "projects/programme_budgets.html"

    @cached_property
    def programme(self):
        return get_object_or_404(Programme, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            programme=self.programme, **selectors.programme_budgets(programme=self.programme)
        )
        return context

    def get_breadcrumbs(self):
        return [_budgets_crumb(), ("", str(self.programme))]


class BudgetFormMixin(EditorFormMixin):
    model = Budget
    form_class = BudgetForm

    def get_success_url(self):
        return reverse("projects:budget-year", kwargs={"year": self.object.year})

    def get_cancel_url(self):
        return reverse("projects:budget-index")

    def get_breadcrumbs(self):
        return [_budgets_crumb(), ("", self.get_title())]


class BudgetCreateView(BudgetFormMixin, CreateView):
    title = _("Nieuwe begroting")
    success_message = _("Begroting “%(object)s” is aangemaakt.")


class BudgetUpdateView(BudgetFormMixin, UpdateView):
    success_message = _("Begroting “%(object)s” is opgeslagen.")

    def get_title(self):
        return _("%(budget)s bewerken") % {"budget": self.object}

    def get_cancel_url(self):
        return reverse("projects:budget-year", kwargs={"year": self.object.year})


class BudgetLineMixin(EditorFormMixin):
    model = BudgetLine
    form_class = BudgetLineForm
    success_message = _("Begrotingsregel “%(object)s” is opgeslagen.")

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
        return _("Regel “%(line)s” bewerken") % {"line": self.object.category}


class BudgetLineDeleteView(BudgetLineMixin, DeleteView):
    """Asks for confirmation (GET) before removing the line (POST)."""

    form_class = Form
    template_name = "projects/confirm_delete.html"

    def get_form_kwargs(self):
        return FormMixin.get_form_kwargs(self)

    def get_title(self):
        return _("Regel “%(line)s” verwijderen") % {"line": self.object.category}

    def form_valid(self, form):
        line = self.object
        services.budget_line_delete(line=line)
        messages.success(
            self.request, _("Begrotingsregel “%(line)s” is verwijderd.") % {"line": line}
        )
        return redirect(self.get_success_url())


class AgreementsCopyView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    """Copy last year's agreements into a new year: a confirmation page listing what will be
    copied and what is refused (GET), then the copy (POST); the coordinator changes what
    differs afterwards."""

    allowed_roles = EDITORS
    template_name = "projects/agreements_copy.html"

    def get_year(self) -> int:
        year = self.kwargs["year"]
        if not 2001 <= year <= 2100:  # as Agreement.year allows, and a year before it
            raise Http404
        return year

    def get_title(self):
        return _("Jaarafspraken %(old)s overnemen naar %(new)s") % {
            "old": self.get_year() - 1,
            "new": self.get_year(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            year=self.get_year(),
            previous_year=self.get_year() - 1,
            cancel_url=reverse("projects:list"),
            **selectors.agreement_copy_preview(year=self.get_year()),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            result = services.agreements_copy_from_previous_year(
                year=self.get_year(), user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data())
        messages.success(
            request,
            _("%(count)s jaarafspraken van %(old)s zijn overgenomen naar %(new)s.")
            % {"count": len(result.copied), "old": self.get_year() - 1, "new": self.get_year()},
        )
        for message in result.refused:
            messages.warning(request, message)
        return redirect("projects:list")

    def get_breadcrumbs(self):
        return [_projects_crumb(), ("", self.get_title())]


# --- indicators --------------------------------------------------------------------------------


class IndicatorCreateView(ProjectChildMixin, EditorFormMixin, CreateView):
    model = Indicator
    form_class = IndicatorForm
    success_message = _("Teller %(object)s is opgeslagen.")

    def get_title(self):
        return _("Nieuwe teller voor %(project)s") % {"project": self.project}

    def save(self, form):
        return services.indicator_save(indicator=form.instance)

    def get_success_url(self):
        return reverse(
            "projects:indicator", kwargs={"slug": self.project.slug, "pk": self.object.pk}
        )


class IndicatorMixin(RoleRequiredMixin, BreadcrumbsMixin):
    """A coordinator's page about one indicator of the project in the URL."""

    allowed_roles = EDITORS

    @cached_property
    def project(self):
        return get_object_or_404(Project, slug=self.kwargs["slug"])

    @cached_property
    def indicator(self):
        return get_object_or_404(Indicator, project=self.project, pk=self.kwargs["pk"])

    def indicator_url(self):
        return reverse(
            "projects:indicator", kwargs={"slug": self.project.slug, "pk": self.indicator.pk}
        )

    def crumbs(self, title):
        return [
            _projects_crumb(),
            (self.project.get_absolute_url(), self.project.name),
            (self.indicator_url(), self.indicator.name),
            ("", title),
        ]


class IndicatorView(IndicatorMixin, View):
    """The indicator's name and unit, its targets per year and its values per half-year (who
    entered each and when); each form posts its own ``action``."""

    forms = {"indicator": IndicatorForm, "target": IndicatorTargetForm, "value": IndicatorValueForm}

    def render_page(self, bound=None, status=200):
        forms = {
            "indicator": IndicatorForm(instance=self.indicator, prefix="indicator"),
            "target": IndicatorTargetForm(prefix="target"),
            "value": IndicatorValueForm(prefix="value", half_years=self.half_years()),
        }
        if bound:
            forms[bound[0]] = bound[1]
        return render(
            self.request,
            "projects/indicator.html",
            {
                "project": self.project,
                "indicator": self.indicator,
                "targets": self.indicator.targets.all(),
                "values": self.indicator.values.select_related("recorded_by"),
                "forms": forms,
                "breadcrumbs": [
                    _projects_crumb(),
                    (self.project.get_absolute_url(), self.project.name),
                    ("", self.indicator.name),
                ],
            },
            status=status,
        )

    def half_years(self):
        return selectors.indicator_half_years(indicator=self.indicator, today=timezone.localdate())

    def get(self, request, slug, pk):
        return self.render_page()

    def post(self, request, slug, pk):
        action = request.POST.get("action", "")
        if action not in self.forms:
            return self.render_page(status=400)
        if action == "indicator":
            form = IndicatorForm(request.POST, instance=self.indicator, prefix=action)
        elif action == "value":
            form = IndicatorValueForm(request.POST, prefix=action, half_years=self.half_years())
        else:
            form = self.forms[action](request.POST, prefix=action)
        if not form.is_valid():
            return self.render_page((action, form), status=400)
        data = form.cleaned_data
        try:
            if action == "indicator":
                services.indicator_save(indicator=form.instance)
            elif action == "target":
                services.indicator_target_set(indicator=self.indicator, **data)
            else:
                services.indicator_value_set(
                    indicator=self.indicator,
                    period_text=data["period"],
                    value=data["value"],
                    user=request.user,
                )
        except ValidationError as error:
            if action == "indicator":
                # The form wrote the rejected input into the instance: show the stored one.
                self.indicator.refresh_from_db()
            _add_errors(form, error)
            return self.render_page((action, form), status=400)
        messages.success(request, _("Opgeslagen."))
        return redirect(self.indicator_url())


def _add_errors(form, error: ValidationError) -> None:
    """A service's error beside the field it is about, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ConfirmRemoveView(IndicatorMixin, View):
    """Asks for confirmation (GET); removes only on a POST that carries the confirmation."""

    template_name = "confirm_remove.html"

    def get_object(self):
        raise NotImplementedError

    def question(self, obj) -> str:
        raise NotImplementedError

    def remove(self, obj) -> None:
        raise NotImplementedError

    def success_url(self):
        return self.indicator_url()

    def cancel_url(self):
        return self.indicator_url()

    def page(self, obj, status=200):
        title = _("Verwijderen bevestigen")
        return render(
            self.request,
            self.template_name,
            {
                "title": title,
                "question": self.question(obj),
                "cancel_url": self.cancel_url(),
                "breadcrumbs": self.crumbs(title),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.page(self.get_object())

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        if request.POST.get("confirm") != "ja":
            return self.page(obj, status=400)
        self.remove(obj)
        messages.success(request, _("Verwijderd."))
        return redirect(self.success_url())


class IndicatorRemoveView(ConfirmRemoveView):
    def get_object(self):
        return self.indicator

    def question(self, obj):
        return _(
            "Weet u zeker dat u de teller “%(name)s” van %(project)s wilt verwijderen, met al "
            "zijn doelen en ingevoerde aantallen? Gepubliceerde monitoredities houden hun cijfers."
        ) % {"name": obj.name, "project": self.project}

    def remove(self, obj):
        services.indicator_remove(indicator=obj)

    def success_url(self):
        return self.project.get_absolute_url()


class IndicatorTargetRemoveView(ConfirmRemoveView):
    def get_object(self):
        return get_object_or_404(IndicatorTarget, indicator=self.indicator, pk=self.kwargs["item"])

    def question(self, obj):
        return _("Weet u zeker dat u het doel %(year)s van “%(name)s” wilt verwijderen?") % {
            "year": obj.year,
            "name": self.indicator.name,
        }

    def remove(self, obj):
        services.indicator_target_remove(target=obj)


class IndicatorValueRemoveView(ConfirmRemoveView):
    def get_object(self):
        return get_object_or_404(IndicatorValue, indicator=self.indicator, pk=self.kwargs["item"])

    def question(self, obj):
        from waw.periods import Period

        return _(
            "Weet u zeker dat u het aantal van “%(name)s” over %(period)s (%(value)s) wilt "
            "verwijderen?"
        ) % {
            "name": self.indicator.name,
            "period": Period.parse(obj.period).in_words,
            "value": obj.value,
        }

    def remove(self, obj):
        services.indicator_value_remove(value=obj)
