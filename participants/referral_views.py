"""Referrals (aanmeldingen) in the browser: a klantmanager refers a resident of its own
municipality and follows the referral; the coordinator places it or declines it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from audit import services as audit_services
from audit.constants import AccessAction
from participants import selectors, services
from participants.forms import (
    ReferralDeclineForm,
    ReferralForm,
    ReferralPlaceForm,
    ReferralStatusFilterForm,
    add_service_error,
)
from participants.group_views import fill_level
from participants.models import Referral
from waw.mixins import BreadcrumbsMixin
from waw.roles import Role, RoleRequiredMixin, is_coordinator

READERS = (Role.COORDINATOR, Role.CASE_MANAGER)
REFERRERS = (Role.CASE_MANAGER,)
HANDLERS = (Role.COORDINATOR,)
PER_PAGE = 50


def _referrals_crumb():
    return (reverse("participants:referrals"), _("Aanmeldingen"))


class ReferralListView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    """The referrals the user may see, by status; for a klantmanager also how full each
    planned group is (counts only)."""

    allowed_roles = READERS
    template_name = "participants/referral_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filter_form = ReferralStatusFilterForm(self.request.GET or None)
        status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
        groups = list(selectors.planned_groups_fill(user=self.request.user))
        for cohort in groups:
            cohort.fill_level = fill_level(cohort)
        context.update(
            page=Paginator(
                selectors.referrals_for(user=self.request.user, status=status), PER_PAGE
            ).get_page(self.request.GET.get("page")),
            filter_form=filter_form,
            groups=groups,
            can_refer=not is_coordinator(self.request.user)
            and self.request.user.has_perm("participants.add_referral"),
        )
        return context

    def get_breadcrumbs(self):
        return [(self.request.path, _("Aanmeldingen"))]


class ReferralCreateView(RoleRequiredMixin, BreadcrumbsMixin, FormView):
    allowed_roles = REFERRERS
    form_class = ReferralForm
    template_name = "participants/referral_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "municipality": self.request.user.municipality}

    def form_valid(self, form):
        try:
            referral = services.referral_submit(user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            _("De aanmelding van %(name)s is ingediend; de Regio handelt haar af.")
            % {"name": f"{referral.first_name} {referral.last_name}"},
        )
        return redirect(referral.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_breadcrumbs(self):
        return [_referrals_crumb(), (self.request.path, _("Nieuwe aanmelding"))]


class ReferralMixin(RoleRequiredMixin):
    """One referral the user may see (404 for another municipality's)."""

    allowed_roles = READERS

    def get_referral(self) -> Referral:
        referral = selectors.referrals_for(user=self.request.user).filter(pk=self.kwargs["pk"])
        referral = referral.first()
        if referral is None:
            raise Http404
        return referral

    def render_referral(self, referral, *, status=200, **forms):
        coordinator = is_coordinator(self.request.user)
        candidates = services.referral_duplicates(referral) if coordinator else []
        context = {
            "referral": referral,
            "candidates": candidates,
            "can_handle": coordinator and referral.is_open,
            "can_withdraw": not coordinator and referral.is_open,
            "breadcrumbs": [_referrals_crumb(), (referral.get_absolute_url(), str(referral))],
        }
        if context["can_handle"]:
            context["place_form"] = forms.get("place_form") or ReferralPlaceForm(
                referral=referral, candidates=candidates
            )
            context["decline_form"] = forms.get("decline_form") or ReferralDeclineForm()
        errors = list(forms.get("errors", []))
        if not context["can_handle"]:
            # Handled meanwhile: the forms are gone, their refusal is shown above the page.
            for name in ("place_form", "decline_form"):
                if name in forms:
                    errors += [
                        e for field_errors in forms[name].errors.values() for e in field_errors
                    ]
        context["errors"] = errors
        return render(self.request, "participants/referral_detail.html", context, status=status)


class ReferralDetailView(ReferralMixin, View):
    def get(self, request, pk):
        referral = self.get_referral()
        response = self.render_referral(referral)
        audit_services.access_record(user=request.user, obj=referral, action=AccessAction.VIEW)
        return response


class ReferralPlaceView(ReferralMixin, View):
    allowed_roles = HANDLERS

    def post(self, request, pk):
        referral = self.get_referral()
        if not referral.is_open:
            # Handled meanwhile (by someone else, or this form posted twice).
            refusal = services.REFERRAL_REFUSED[referral.status]
            return self.render_referral(referral, status=400, errors=[refusal])
        candidates = services.referral_duplicates(referral)
        form = ReferralPlaceForm(request.POST, referral=referral, candidates=candidates)
        if form.is_valid():
            try:
                referral = services.referral_place(
                    user=request.user,
                    referral=referral,
                    cohort=form.cleaned_data["cohort"],
                    existing=form.cleaned_data.get("existing"),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("De aanmelding is geplaatst; het traject is aangemaakt."),
                )
                return redirect(referral.trajectory.get_absolute_url())
        return self.render_referral(self.get_referral(), status=400, place_form=form)


class ReferralDeclineView(ReferralMixin, View):
    allowed_roles = HANDLERS

    def post(self, request, pk):
        referral = self.get_referral()
        form = ReferralDeclineForm(request.POST)
        if form.is_valid():
            try:
                services.referral_decline(
                    user=request.user, referral=referral, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De aanmelding is afgewezen."))
                return redirect(referral.get_absolute_url())
        return self.render_referral(self.get_referral(), status=400, decline_form=form)


WITHDRAW_NOT_CONFIRMED = _(
    "Vink aan dat u de aanmelding wilt intrekken; intrekken kan niet ongedaan worden gemaakt."
)


class ReferralWithdrawView(ReferralMixin, View):
    allowed_roles = REFERRERS

    def post(self, request, pk):
        referral = self.get_referral()
        if request.POST.get("confirm") != "ja" and referral.is_open:
            # Withdrawing cannot be undone: the box next to the button says so and must be ticked.
            return self.render_referral(referral, status=400, errors=[WITHDRAW_NOT_CONFIRMED])
        try:
            services.referral_withdraw(user=request.user, referral=referral)
        except ValidationError as error:
            return self.render_referral(self.get_referral(), status=400, errors=error.messages)
        messages.success(request, _("De aanmelding is ingetrokken."))
        return redirect(referral.get_absolute_url())
