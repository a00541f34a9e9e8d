"""Structured logs: one JSON object per line, each with the request id and the user id.

Never personal data: the request line has the path without its query string (searches carry
names and klantnummers), the user is their database id, and an exception is logged by its type
and stack only; its message can quote values (a database error names the row it refused). The
request id is taken from the load balancer's X-Request-ID when it is a plain token, else made
here, and returned in the response's X-Request-ID header so a user's report can be traced.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import time
import traceback
import uuid

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,64}")
# The fields of a record that a line may carry besides the standard ones.
EXTRA_FIELDS = ("method", "path", "view", "status", "duration_ms")

_request = contextvars.ContextVar("waw_request", default=None)
request_logger = logging.getLogger("waw.request")


def _user_id(request):
    """The id of the request's user once authentication has looked them up; never a lookup
    of its own (logging must not add queries), never a name."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` of the request being handled to every record."""

    def filter(self, record):
        request = _request.get()
        record.request_id = getattr(request, "request_id", None)
        record.user_id = _user_id(request)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            line["exception"] = {
                "type": f"{kind.__module__}.{kind.__qualname__}",
                "stack": traceback.format_tb(trace),
            }
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """First in the chain: gives the request its id, logs one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = (
            incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
        )
        token = _request.set(request)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            match = request.resolver_match
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "view": match.view_name if match else None,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request.reset(token)
