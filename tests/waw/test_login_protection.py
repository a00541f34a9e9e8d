"""Login protection through the real login page: lock-out after repeated failures (django-axes)
and two-factor authentication with TOTP (django-otp) for coordinators and beheerders."""

import datetime as dt
import re
import secrets

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory
from tests.waw.test_environment import manage
from waw.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"  # the factories' password


def login(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)


# --- lock-out ---------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_even_for_the_right_password(client, coordinator):
    for _ in range(5):
        assert login(client, "coordinator", "verkeerd").status_code in (200, 429)

    response = login(client, "coordinator")

    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert "15 minuten" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_four_failed_logins_do_not_lock_the_account(client, coordinator):
    for _ in range(4):
        login(client, "coordinator", "verkeerd")

    assert login(client, "coordinator").status_code == 302


def test_the_lock_is_per_account_not_for_everyone(client, coordinator, huizen_user):
    for _ in range(5):
        login(client, "coordinator", "verkeerd")

    assert login(client, "gemeente-huizen").status_code == 302


def test_a_username_locked_from_one_address_still_logs_in_from_another(client, coordinator):
    for _ in range(5):
        login(client, "coordinator", "verkeerd", address="203.0.113.66")
    assert login(client, "coordinator", address="203.0.113.66").status_code == 429

    assert login(client, "coordinator", address="198.51.100.7").status_code == 302


def test_an_address_that_tries_many_usernames_gets_locked(
    client, settings, coordinator, huizen_user
):
    usernames = [f"medewerker{n}" for n in range(10)]
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        login(client, usernames[n % 10], "verkeerd", address="203.0.113.66")
    assert login(client, "coordinator", address="203.0.113.66").status_code == 302
    client.post(reverse("logout"))

    response = login(client, "gemeente-huizen", "verkeerd", address="203.0.113.66")

    assert response.status_code == 429  # the address's limit, though this username had none
    assert login(client, "gemeente-huizen", address="203.0.113.66").status_code == 429
    assert login(client, "gemeente-huizen", address="198.51.100.7").status_code == 302


def test_a_beheerder_unlocks_with_the_axes_command(client, coordinator):
    for _ in range(5):
        login(client, "coordinator", "verkeerd")

    call_command("axes_reset_username", "coordinator")

    assert login(client, "coordinator").status_code == 302


def test_the_lock_lifts_after_the_cool_off_period(client, coordinator):
    for _ in range(5):
        login(client, "coordinator", "verkeerd")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert login(client, "coordinator").status_code == 302


def test_a_successful_login_resets_the_count(client, coordinator):
    for _ in range(4):
        login(client, "coordinator", "verkeerd")
    assert login(client, "coordinator").status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        login(client, "coordinator", "verkeerd")
    assert login(client, "coordinator").status_code == 302


# --- passwords and sessions -----------------------------------------------------------------


def test_passwords_need_twelve_characters(coordinator):
    with pytest.raises(ValidationError):
        validate_password("Xk9#mQ2$vL7", user=coordinator)
    validate_password("Xk9#mQ2$vL7p", user=coordinator)


def test_common_and_all_digit_passwords_are_refused(coordinator):
    for password in ("password1234", "904718263549"):
        with pytest.raises(ValidationError):
            validate_password(password, user=coordinator)


def test_a_session_ends_after_eight_hours_and_when_the_browser_closes(client, coordinator):
    login(client, "coordinator")

    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()


def test_every_request_moves_the_session_expiry_on(client, coordinator):
    login(client, "coordinator")

    response = client.get(reverse("home"))

    assert "sessionid" in response.cookies  # a fresh expiry: the limit counts inactivity


# --- two-factor authentication ------------------------------------------------------------


def test_optional_mode_lets_a_coordinator_without_device_in(client, settings, coordinator):
    settings.TWO_FACTOR_REQUIRED = False
    login(client, "coordinator")

    assert client.get(reverse("participants:list")).status_code == 200


def test_required_mode_sends_a_coordinator_without_device_to_the_setup_page(
    client, settings, coordinator
):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, "coordinator")

    response = client.get(reverse("participants:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-setup"))


def test_required_mode_applies_to_the_beheerder_and_the_admin(client, settings, administrator):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, "beheerder")

    assert client.get("/beheer/").status_code == 302
    assert client.get(reverse("audit:log"))["Location"].startswith(reverse("two-factor-setup"))


def test_required_mode_does_not_apply_to_gemeente_users(
    client, settings, huizen_user, huizen_case_manager
):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, "gemeente-huizen")
    assert client.get(reverse("billing:list")).status_code == 200

    client.logout()
    login(client, "klantmanager-huizen")
    assert client.get(reverse("participants:list")).status_code == 200


def test_production_mode_requires_two_factor_and_cannot_switch_it_off():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)",
        WAW_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="waw.example.nl",
        TWO_FACTOR_REQUIRED="false",
    )

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_setup_page_shows_the_otpauth_uri_and_a_local_qr_code(client, coordinator):
    login(client, "coordinator")

    page = client.get(reverse("two-factor-setup")).content.decode()

    assert "otpauth://totp/" in page
    assert "<svg" in page
    assert "http" not in re.search(r"<svg.*?</svg>", page, re.S).group(0).replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_setup_keeps_the_same_secret_until_it_is_confirmed(client, coordinator):
    login(client, "coordinator")
    client.get(reverse("two-factor-setup"))
    client.get(reverse("two-factor-setup"))

    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_setup_with_the_right_code_confirms_the_device_and_verifies_the_session(
    client, settings, coordinator
):
    settings.TWO_FACTOR_REQUIRED = True
    login(client, "coordinator")
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(
        reverse("two-factor-setup"), {"token": current_code(device), "next": "/deelnemers/"}
    )

    assert response["Location"] == "/deelnemers/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("participants:list")).status_code == 200


def test_setup_with_a_wrong_code_confirms_nothing(client, coordinator):
    login(client, "coordinator")
    client.get(reverse("two-factor-setup"))

    response = client.post(reverse("two-factor-setup"), {"token": "000000"})

    assert response.status_code == 400
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_a_user_with_a_device_must_enter_a_code_after_the_password_even_when_optional(
    client, settings, coordinator
):
    settings.TWO_FACTOR_REQUIRED = False
    device = confirmed_device(coordinator)
    login(client, "coordinator")

    redirected = client.get(reverse("participants:list"))
    assert redirected["Location"].startswith(reverse("two-factor-verify"))

    client.post(
        reverse("two-factor-verify"), {"token": current_code(device), "next": "/deelnemers/"}
    )
    assert client.get(reverse("participants:list")).status_code == 200


def test_a_wrong_code_after_the_password_keeps_the_user_out(client, coordinator):
    confirmed_device(coordinator)
    login(client, "coordinator")

    response = client.post(reverse("two-factor-verify"), {"token": "123456"})

    assert response.status_code == 400
    assert client.get(reverse("participants:list")).status_code == 302


def test_a_device_cannot_be_replaced_before_the_code_step(client, coordinator):
    confirmed_device(coordinator)
    login(client, "coordinator")

    response = client.get(reverse("two-factor-setup"))

    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_gemeente_users_have_no_two_factor_pages(client, huizen_user):
    login(client, "gemeente-huizen")

    assert client.get(reverse("two-factor-setup")).status_code == 403


def test_the_board_is_not_asked_for_a_code(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    UserFactory(username="pfho", role=Role.BOARD)
    login(client, "pfho")

    assert client.get(reverse("monitor:editions")).status_code == 200


def test_an_overlong_username_fails_like_any_wrong_login(client):
    response = login(client, "é" * 300)

    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "é" * 150


def test_the_beheerder_unlocks_accounts_and_resets_two_factor_in_the_admin(
    client, administrator, coordinator
):
    for _ in range(5):
        login(client, "coordinator", "verkeerd")
    confirmed_device(coordinator)
    client.force_login(administrator)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 200
