"""Security headers that Django's SecurityMiddleware does not set, and a guard on addresses."""

import auditlog.middleware
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
from django.utils.translation import gettext

from waw.addresses import client_address, client_port

# Everything from our own origin only: the app works on a closed network and loads nothing
# from elsewhere. No inline scripts at all; inline styles only because the Django admin uses a
# few style attributes. frame-ancestors repeats X-Frame-Options for current browsers.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the address answers 400. It is in no valid path or search, and
    PostgreSQL refuses it in a query, so a lookup with it would end in a 500. (Form fields
    reject it themselves: Django's form fields do not accept NUL characters.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return HttpResponseBadRequest(
                "Ongeldig teken in het adres.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware, with the client's address and port from the one rule in
    waw.addresses instead of its own: it believes the first X-Forwarded-For entry, so any
    client could write any address into the trail, and a value that is not an address (or a
    port above 2**31) made every page that writes the log fail."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return client_port(request)


class RequestBodyLimitMiddleware:
    """Refuses a request body over REQUEST_BODY_LIMIT with 413 before anything reads it; only
    a signed-in user posting to an upload page (UPLOAD_URL_NAMES, the import) may send up to
    UPLOAD_BODY_LIMIT, where the page's own limit (5 MB) gives the form error. Without this,
    anyone could post hundreds of megabytes to the login page, which Django would read and
    spool to a temporary file. (A body without a Content-Length is read as empty by Django's
    WSGI request, so the declared length is the whole story; the proxy in front limits too.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return HttpResponseBadRequest(
                "Ongeldige Content-Length.", content_type="text/plain; charset=utf-8"
            )
        if length > settings.REQUEST_BODY_LIMIT:
            limit = settings.REQUEST_BODY_LIMIT
            if self._upload_allowed(request):
                limit = settings.UPLOAD_BODY_LIMIT
            if length > limit:
                return HttpResponse(
                    gettext("Het verzoek is te groot: hoogstens %(mb)s MB.")
                    % {"mb": f"{limit / 1024 / 1024:.0f}"},
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)

    @staticmethod
    def _upload_allowed(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        user = getattr(request, "user", None)
        return match.view_name in settings.UPLOAD_URL_NAMES and bool(user and user.is_authenticated)
