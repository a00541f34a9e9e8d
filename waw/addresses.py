"""The client's address and port, as far as they can be trusted: one rule for the audit trail
(django-auditlog) and the login lock-out (django-axes).

``X-Forwarded-For`` is written by whoever sends the request. Only the entries that our own
reverse proxies appended can be believed: with ``TRUSTED_PROXY_COUNT`` proxies in front of the
app, the client is the address the outermost of them saw, the n-th entry from the right; with
none (the default without ``BEHIND_TLS_PROXY``), it is the connection's own ``REMOTE_ADDR`` and
the header is ignored. Whatever comes out is checked to be an IP address, so a forged value can
neither be written to the log nor break it.
"""

import ipaddress

from django.conf import settings

# A TCP port; the audit log stores it in a PositiveIntegerField (and PostgreSQL's integer
# stops at 2**31 - 1), so anything outside this range is not written at all.
MAX_PORT = 65535


def _ip(text: str | None) -> str | None:
    """A valid IP address in its normal form, or None. IPv4 with a port (1.2.3.4:5) and IPv6
    in brackets ([::1]:5) are accepted as proxies write them; zone indices (fe80::1%eth0) are
    not, since no database column takes them."""
    value = (text or "").strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)


def client_address(request) -> str | None:
    """The client's IP address under the TRUSTED_PROXY_COUNT rule; None if it is not valid."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _ip(forwarded[-proxies]) or _ip(remote)
    return _ip(remote)


def client_port(request) -> int | None:
    """The client's port: from X-Forwarded-Port (as the nearest trusted proxy set it) when
    there are trusted proxies, else the connection's own; None when missing or not a port."""
    if settings.TRUSTED_PROXY_COUNT:
        raw = request.META.get("HTTP_X_FORWARDED_PORT", "").split(",")[-1]
    else:
        raw = request.META.get("REMOTE_PORT", "")
    raw = str(raw).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 5:
        return None
    port = int(raw)
    return port if 0 < port <= MAX_PORT else None
