import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from participants.importing import MAX_SHOWN_ERRORS
from waw import health, selectors, services, twofactor
from waw.exports import csv_response
from waw.forms import MunicipalityInvoiceDataForm, TokenForm
from waw.models import Municipality
from waw.roles import Role, RoleRequiredMixin


class HomeView(TemplateView):
    """The start page: what this user can do, by role."""

    template_name = "waw/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = selectors.home_overview(user=self.request.user)
        return context


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for the load balancer; says nothing about the data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a Dutch page, 429 Too Many Requests."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    # No context processors that touch the database: the failure may be the database.
    return HttpResponseServerError(loader.get_template("500.html").render())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


class TwoFactorSetupView(RoleRequiredMixin, View):
    """Set up TOTP: scan the code (or type the key) into an authenticator app, confirm with the
    first six-digit code."""

    allowed_roles = (Role.COORDINATOR, Role.ADMINISTRATOR)
    template_name = "registration/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and twofactor.confirmed_device(user) is not None
            and not user.is_verified()
        ):
            # Replacing a device needs the old one first, or a stolen password would do.
            return redirect(f"{reverse('two-factor-verify')}?next={reverse('two-factor-setup')}")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200):
        device = twofactor.two_factor_setup_device(user=self.request.user)
        uri = device.config_url
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "otpauth_uri": uri,
                # segno draws the QR code here as inline SVG: nothing leaves the server.
                "qr_svg": mark_safe(segno.make(uri, error="m").svg_inline(scale=5)),  # noqa: S308
                "secret": uri.split("secret=", 1)[1].split("&", 1)[0],
                "has_device": twofactor.confirmed_device(self.request.user) is not None,
                "required": settings.TWO_FACTOR_REQUIRED,
                "next": _next_url(self.request),
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = twofactor.two_factor_setup_device(user=request.user)
            if twofactor.two_factor_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            ):
                messages.success(
                    request,
                    _("Tweestapsverificatie is ingesteld; voortaan vraagt inloggen om een code."),
                )
                return redirect(_next_url(request))
            form.add_error("token", _("Deze code klopt niet. Probeer de volgende code uit de app."))
        return self.render_page(form, status=400)


class TwoFactorVerifyView(RoleRequiredMixin, View):
    """The second step after the password: the current code from the authenticator app."""

    allowed_roles = (Role.COORDINATOR, Role.ADMINISTRATOR)
    template_name = "registration/two_factor_verify.html"

    def render_page(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "next": _next_url(self.request)},
            status=status,
        )

    def get(self, request):
        if request.user.is_verified():
            return redirect(_next_url(request))
        if twofactor.confirmed_device(request.user) is None:
            return redirect(f"{reverse('two-factor-setup')}?next={_next_url(request)}")
        return self.render_page(TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            if twofactor.two_factor_verify(request=request, token=form.cleaned_data["token"]):
                return redirect(_next_url(request))
            form.add_error(
                "token",
                _("Deze code klopt niet (of er zijn te veel pogingen gedaan; wacht even)."),
            )
        return self.render_page(form, status=400)


class MunicipalityListView(RoleRequiredMixin, View):
    """The municipalities with their invoice data, and what each still lacks for a run."""

    allowed_roles = (Role.COORDINATOR, Role.ADMINISTRATOR)

    def get(self, request):
        rows = [
            (m, selectors.municipality_invoice_data_problems(m))
            for m in Municipality.objects.order_by("name")
        ]
        return render(
            request,
            "waw/municipality_list.html",
            {"rows": rows, "breadcrumbs": [("", _("Gemeenten"))]},
        )


class MunicipalityInvoiceDataView(RoleRequiredMixin, View):
    """Enter a municipality's invoice address, identifiers, department and e-mail."""

    allowed_roles = (Role.COORDINATOR, Role.ADMINISTRATOR)

    def get_municipality(self):
        try:
            return Municipality.objects.get(slug=self.kwargs["slug"])
        except Municipality.DoesNotExist:
            raise Http404 from None

    def render_page(self, municipality, form, status=200):
        return render(
            self.request,
            "waw/municipality_invoice_data.html",
            {
                "form": form,
                "municipality": municipality,
                "title": _("Factuurgegevens van gemeente %(m)s") % {"m": municipality.name},
                "problems": selectors.municipality_invoice_data_problems(municipality),
                "cancel_url": reverse("municipalities"),
                "breadcrumbs": [
                    (reverse("municipalities"), _("Gemeenten")),
                    ("", municipality.name),
                ],
            },
            status=status,
        )

    def get(self, request, slug):
        municipality = self.get_municipality()
        return self.render_page(municipality, MunicipalityInvoiceDataForm(instance=municipality))

    def post(self, request, slug):
        municipality = self.get_municipality()
        form = MunicipalityInvoiceDataForm(request.POST, instance=municipality)
        if not form.is_valid():
            return self.render_page(self.get_municipality(), form, status=400)
        services.municipality_invoice_data_set(
            municipality=self.get_municipality(),
            data={name: form.cleaned_data[name] for name in services.INVOICE_DATA_FIELDS},
        )
        messages.success(
            request, _("De factuurgegevens van %(m)s zijn opgeslagen.") % {"m": municipality.name}
        )
        return redirect("municipalities")


@method_decorator(never_cache, name="dispatch")
class HealthView(RoleRequiredMixin, TemplateView):
    """The detailed health page for the beheerder (waw/health.py); /healthz stays the probe."""

    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "waw/health.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["verdict"], context["checks"] = health.run_checks()
        context["verdict_label"] = health.STATUS_LABELS[context["verdict"]]
        return context


# --- jobs (waw/jobs.py) ---------------------------------------------------------------------

JOB_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


class JobListView(RoleRequiredMixin, ListView):
    """The user's own jobs, newest first, with their status and progress."""

    allowed_roles = JOB_ROLES
    template_name = "waw/job_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return selectors.jobs_of(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [("", _("Taken"))]
        context["polling"] = any(job.is_active for job in context["jobs"])
        return context


class JobMixin(RoleRequiredMixin):
    allowed_roles = JOB_ROLES

    def get_job(self):
        job = selectors.job_for(user=self.request.user, pk=self.kwargs["pk"])
        if job is None:
            raise Http404
        return job


@method_decorator(never_cache, name="dispatch")
class JobDetailView(JobMixin, TemplateView):
    """A job's progress while it runs; its summary, or its row errors, afterwards."""

    template_name = "waw/job_detail.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        outcome = job.outcome or {}
        errors = outcome.get("errors") or []
        return super().get_context_data(
            job=job,
            outcome=outcome,
            shown_errors=errors[:MAX_SHOWN_ERRORS],
            errors_not_shown=max(0, len(errors) - MAX_SHOWN_ERRORS),
            error_count=len(errors),
            breadcrumbs=[(reverse("jobs"), _("Taken")), ("", str(job))],
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class JobProgressView(JobMixin, View):
    """The job page's script polls this (static/js/job-progress.js)."""

    def get(self, request, pk):
        return JsonResponse(selectors.job_progress(self.get_job()))


class JobErrorsView(JobMixin, View):
    """Every row error of a failed import, as a spreadsheet."""

    def get(self, request, pk):
        job = self.get_job()
        errors = (job.outcome or {}).get("errors") or []
        if not errors:
            raise Http404
        return csv_response(
            filename=f"problemen-taak-{job.pk}.csv",
            header=[_("regel"), _("kolom"), _("probleem")],
            rows=errors,
        )
