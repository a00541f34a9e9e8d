"""Security headers that Django's SecurityMiddleware does not set, a guard on addresses, and
the busy page for a database that stays locked."""

import logging
import sys

import auditlog.middleware
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from waw.addresses import client_address, client_port

logger = logging.getLogger(__name__)

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


# What the busy page asks the browser (and a client that reads the header) to wait: a minute,
# as the page says. A 20,000-row import holds the write lock for a few seconds
# (bench/import-results.md), so a minute is ample for all but the largest files.
BUSY_RETRY_AFTER_SECONDS = 60


def is_database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked": another connection (in practice a large job of the task
    worker) held the write lock for longer than this connection's busy timeout. Every other
    database error is a fault and stays a 500."""
    return isinstance(error, OperationalError) and str(error).startswith("database is locked")


def database_busy_response() -> HttpResponse:
    # Rendered without the request: its context processors would read the session and the
    # user from the database that is locked.
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged once, as a warning (_log_busy): Django would log every 5xx as an error, and this
    # is an expected busy moment, not a fault.
    response._has_been_logged = True
    return response


def _log_busy(request) -> None:
    logger.warning(
        "database locked: answered 503 (a long write, such as a large import, holds it)",
        extra={"method": request.method, "path": request.path},
    )


def _note_database_busy(sender, request=None, **kwargs):
    """An exception the views did not raise (a middleware's, such as the session's save on the
    way out) reaches Django's handler for uncaught exceptions, which sends this signal from
    inside its ``except``: the request is marked, and DatabaseBusyMiddleware swaps the 500 it
    gets back for the busy page."""
    if request is not None and is_database_busy(sys.exc_info()[1]):
        request.database_busy = True
        _log_busy(request)


class DatabaseBusyMiddleware:
    """A request that meets a locked database answers 503 with a Dutch page and Retry-After,
    instead of a 500: on SQLite one writer at a time holds the lock, and a large job's write
    (an import of tens of thousands of rows, all or nothing) can hold it longer than a request
    waits (the busy timeout, waw/env.py). Placed before the session middleware, so that the
    session's save and everything after it are covered."""

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_busy, dispatch_uid="waw.database_busy")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_busy", False):
            return database_busy_response()
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            _log_busy(request)
            return database_busy_response()
        return None
