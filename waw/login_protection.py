"""Glue for django-axes (lock-out after failed logins)."""

from django.conf import settings

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
