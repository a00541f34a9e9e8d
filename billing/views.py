from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from audit import selectors as audit_selectors
from audit import services as audit_services
from audit.constants import AccessAction
from billing import selectors, services
from billing.filters import InvoiceFilter
from billing.forms import CreditForm, IssueForm, ParticipationBudgetForm, PeriodForm
from billing.models import Invoice
from billing.tables import InvoiceTable
from waw import jobs, pagination
from waw.exports import csv_response
from waw.mixins import BreadcrumbsMixin, UserFilterMixin
from waw.models import Job
from waw.roles import Role, RoleRequiredMixin, is_coordinator

READERS = (Role.COORDINATOR, Role.MUNICIPALITY)
MIN_YEAR, MAX_YEAR = 2000, 2100


def _invoices_crumb():
    return (reverse("billing:list"), _("Facturen"))


class InvoiceListView(
    RoleRequiredMixin, BreadcrumbsMixin, UserFilterMixin, SingleTableMixin, FilterView
):
    allowed_roles = READERS
    table_class = InvoiceTable
    filterset_class = InvoiceFilter
    template_name = "billing/invoice_list.html"
    table_pagination = pagination.table_pagination(per_page=25)

    def get_queryset(self):
        return selectors.invoices_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_coordinator(self.request.user)
        return context

    def get_breadcrumbs(self):
        return [_invoices_crumb()]


class InvoiceMixin(RoleRequiredMixin):
    allowed_roles = READERS

    def get_object(self, queryset=None):
        try:
            return (
                selectors.invoices_for(user=self.request.user)
                .prefetch_related("lines")
                .get(number=self.kwargs["number"])
            )
        except Invoice.DoesNotExist:
            raise Http404 from None


class InvoiceDetailView(InvoiceMixin, BreadcrumbsMixin, DetailView):
    template_name = "billing/invoice_detail.html"
    context_object_name = "invoice"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_credit"] = is_coordinator(self.request.user) and self.object.kind == "invoice"
        if is_coordinator(self.request.user):
            context["trail"] = audit_selectors.trail_rows(
                audit_selectors.entries_for([self.object])
            )
        return context

    def get_breadcrumbs(self):
        return [_invoices_crumb(), (self.object.get_absolute_url(), self.object.number)]


class ArchivedFileView(InvoiceMixin, View):
    """Serves one of the files archived when the document was issued; an issued invoice is
    never rendered again. Each download is in the access log."""

    field: str
    extension: str
    content_type: str

    def get(self, request, number):
        invoice = self.get_object()
        archived = getattr(invoice, self.field)
        if not archived:  # documents issued before e-invoices existed have no XML
            raise Http404
        audit_services.access_record(user=request.user, obj=invoice, action=AccessAction.DOWNLOAD)
        return FileResponse(
            archived.open("rb"),
            as_attachment=True,
            filename=f"{invoice.get_kind_display()}-{invoice.number}.{self.extension}",
            content_type=self.content_type,
        )


class InvoicePdfView(ArchivedFileView):
    field, extension, content_type = "pdf", "pdf", "application/pdf"


class InvoiceXmlView(ArchivedFileView):
    """The e-invoice (UBL XML) of the same document."""

    field, extension, content_type = "xml", "xml", "application/xml"


class RunView(RoleRequiredMixin, BreadcrumbsMixin, View):
    """Preview a period's run, then issue it after an explicit confirmation."""

    allowed_roles = (Role.COORDINATOR,)
    template_name = "billing/run.html"

    def render_page(self, form, preview=None, issue_form=None, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "preview": preview,
                "budget_warnings": selectors.budget_warnings(preview=preview) if preview else [],
                "einvoice_warnings": (
                    selectors.einvoice_warnings(preview=preview) if preview else []
                ),
                "missing_data": (
                    selectors.missing_invoice_data(
                        municipalities=[draft.municipality for draft in preview.invoices],
                        year=preview.period.year,
                    )
                    if preview
                    else []
                ),
                "issue_form": issue_form,
                "breadcrumbs": [_invoices_crumb(), ("", _("Factuurrun"))],
            },
            status=status,
        )

    def get(self, request):
        if "period" not in request.GET:
            return self.render_page(PeriodForm())
        form = PeriodForm(request.GET)
        if not form.is_valid():
            return self.render_page(form, status=400)
        period = form.cleaned_data["period"]
        preview = selectors.run_preview(period=period, today=timezone.localdate())
        return self.render_page(form, preview, IssueForm(initial={"period": str(period)}))

    def post(self, request):
        issue_form = IssueForm(request.POST)
        if not issue_form.is_valid():
            form = PeriodForm({"period": request.POST.get("period", "")})
            preview = None
            if form.is_valid():
                preview = selectors.run_preview(
                    period=form.cleaned_data["period"], today=timezone.localdate()
                )
            return self.render_page(form, preview, issue_form, status=400)
        period = issue_form.cleaned_data["period"]
        # Issued by a task worker; the job page shows the invoices rendered and the outcome (a
        # refusal names its reasons there). One run of a period at a time.
        try:
            job = jobs.start_job(
                kind=Job.Kind.INVOICE_RUN,
                key=jobs.job_key(Job.Kind.INVOICE_RUN, scope=str(period)),
                user=request.user,
                title=_("Factuurrun %(period)s uitgeven") % {"period": period.in_words},
                params={"period": str(period)},
            )
        except jobs.JobAlreadyRunning as running:
            messages.error(request, running.message)
            return redirect(reverse("billing:run") + f"?period={period}")
        return redirect(job.get_absolute_url())


class CreditView(InvoiceMixin, BreadcrumbsMixin, View):
    """Credit whole or selected lines of an issued invoice with a credit note."""

    allowed_roles = (Role.COORDINATOR,)
    template_name = "billing/credit.html"

    def render_page(self, invoice, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "invoice": invoice,
                "form": form,
                "breadcrumbs": [
                    _invoices_crumb(),
                    (invoice.get_absolute_url(), invoice.number),
                    ("", _("Crediteren")),
                ],
            },
            status=status,
        )

    def get(self, request, number):
        invoice = self.get_object()
        return self.render_page(invoice, CreditForm(invoice=invoice))

    def post(self, request, number):
        invoice = self.get_object()
        form = CreditForm(request.POST, invoice=invoice)
        if not form.is_valid():
            return self.render_page(invoice, form, status=400)
        try:
            credit_note = services.credit_invoice(
                invoice=invoice,
                line_ids=form.cleaned_data["lines"],
                rebill_ids=form.cleaned_data["rebill"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(invoice, form, status=400)
        messages.success(
            request, _("Creditnota %(number)s is uitgegeven.") % {"number": credit_note.number}
        )
        return redirect(credit_note.get_absolute_url())


class InvoiceLinesCsvView(RoleRequiredMixin, View):
    """The lines of the (filtered) invoices as CSV for the financial system: one row per line,
    ';'-separated with decimal commas, as Dutch spreadsheet and bookkeeping software expect."""

    allowed_roles = READERS

    def get(self, request):
        invoices = InvoiceFilter(
            request.GET, queryset=selectors.invoices_for(user=request.user), user=request.user
        ).qs
        return csv_response(
            filename="factuurregels.csv",
            header=selectors.INVOICE_LINE_COLUMNS,
            rows=selectors.invoice_line_rows(invoices=invoices),
        )


class LedgerView(RoleRequiredMixin, BreadcrumbsMixin, View):
    """Per municipality and year: budget, invoiced, committed and what remains."""

    allowed_roles = READERS

    def get(self, request, year=None):
        if year is None:
            return redirect("billing:ledger-year", year=timezone.localdate().year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        rows = selectors.ledger(year=year, user=request.user)
        return render(
            request,
            "billing/ledger.html",
            {
                "year": year,
                "rows": rows,
                "can_edit": is_coordinator(request.user),
                "breadcrumbs": [
                    _invoices_crumb(),
                    ("", _("Participatiebudget %(y)s") % {"y": year}),
                ],
            },
        )


class ParticipationBudgetView(RoleRequiredMixin, BreadcrumbsMixin, View):
    allowed_roles = (Role.COORDINATOR,)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.year = kwargs["year"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not MIN_YEAR <= self.year <= MAX_YEAR:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_municipality(self):
        from waw.models import Municipality

        try:
            return Municipality.objects.get(slug=self.kwargs["slug"])
        except Municipality.DoesNotExist:
            raise Http404 from None

    def render_page(self, municipality, form, status=200):
        return render(
            self.request,
            "projects/form.html",
            {
                "form": form,
                "title": _("Participatiebudget %(y)s van %(m)s")
                % {"y": self.year, "m": municipality},
                "cancel_url": reverse("billing:ledger-year", kwargs={"year": self.year}),
                "breadcrumbs": [
                    _invoices_crumb(),
                    (
                        reverse("billing:ledger-year", kwargs={"year": self.year}),
                        _("Participatiebudget"),
                    ),
                    ("", str(municipality)),
                ],
            },
            status=status,
        )

    def get(self, request, year, slug):
        municipality = self.get_municipality()
        current = municipality.participation_budgets.filter(year=year).first()
        initial = (
            {"amount": current.amount, "reference": current.reference, "note": current.note}
            if current
            else {}
        )
        return self.render_page(municipality, ParticipationBudgetForm(initial=initial))

    def post(self, request, year, slug):
        municipality = self.get_municipality()
        form = ParticipationBudgetForm(request.POST)
        if not form.is_valid():
            return self.render_page(municipality, form, status=400)
        try:
            services.participation_budget_set(
                municipality=municipality,
                year=year,
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(municipality, form, status=400)
        messages.success(request, _("Het budget van %(m)s is opgeslagen.") % {"m": municipality})
        return redirect("billing:ledger-year", year=year)
