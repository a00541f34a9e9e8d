"""Two-factor authentication (TOTP, django-otp) for coordinators and beheerders.

The rule: it applies to coordinators and beheerders, who can see and change everything. Once
such a user has set it up, every login asks for a code. In production mode
(``settings.TWO_FACTOR_REQUIRED``) they must set it up before they can use anything else.
"""

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from waw.roles import Role, has_role

# Pages a user who still has to verify (or set up) may open.
OPEN_VIEWS = {"two-factor-setup", "two-factor-verify", "logout", "login", "healthz", "admin:logout"}


def two_factor_applies(user) -> bool:
    return user.is_authenticated and has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_setup_device(*, user) -> TOTPDevice:
    """The unconfirmed device a user is setting up; the same one until it is confirmed, so
    reloading the page does not change the secret the authenticator app has scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code; it replaces any earlier device."""
    if not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def two_factor_verify(*, request, token: str) -> bool:
    """Check a code after the password login; the session counts as verified from then on."""
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(token):
        return False
    otp_login(request, device)
    return True


class TwoFactorMiddleware:
    """Sends a coordinator or beheerder who has not passed the second step to the code page,
    or in production mode, without a device, to the setup page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not two_factor_applies(user) or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if confirmed_device(user) is not None:
            target = "two-factor-verify"
        elif settings.TWO_FACTOR_REQUIRED:
            target = "two-factor-setup"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
