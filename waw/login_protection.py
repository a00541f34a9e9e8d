"""Glue for django-axes (lock-out after failed logins)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

# django-axes stores the username it counts against in a column of 255 characters. Django's
# login forms put no length limit on what is typed (the limit is only a browser attribute), so
# a longer or binary "username" would make the failure record itself fail (a 500 on
# PostgreSQL). No account has such a name; the shortened one counts just as well.
USERNAME_STORED = 150


def username_for_lockout(request, credentials=None) -> str:
    """The username a login attempt is counted against (django-axes' AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials or getattr(request, "POST", {})
    username = source.get(field)
    return (username or "").replace("\x00", "")[:USERNAME_STORED]


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second limit. axes locks a username *from one
    address* after AXES_FAILURE_LIMIT failures (AXES_LOCKOUT_PARAMETERS), so nobody can lock a
    coordinator out by typing their name from elsewhere; this adds a lock of the address
    alone after AXES_ADDRESS_FAILURE_LIMIT failures for any usernames together, so one address
    cannot try a few passwords for every account either. Both last AXES_COOLOFF_TIME."""

    def address_failures(self, request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return 0
        attempts = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0

    def address_locked(self, request) -> bool:
        return self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or (
            settings.AXES_LOCK_OUT_AT_FAILURE and self.address_locked(request)
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address limit gets the lock-out page at once, as the
        # one that reaches the username's limit does.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and settings.AXES_LOCK_OUT_AT_FAILURE
            and self.address_locked(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials
