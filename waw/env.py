"""Reading the environment: the one place where settings come from outside (12-factor)."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class ConfigurationError(ImproperlyConfigured):
    """A setting from the environment is missing or invalid; the message names the variable."""


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ConfigurationError(f"{name} moet 'true' of 'false' zijn, niet {raw!r}.")


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} moet een geheel getal zijn, niet {raw!r}.") from None


def items(name: str, default: str = "") -> list[str]:
    """A comma-separated list, e.g. ALLOWED_HOSTS=waw.regio.nl,localhost."""
    return [item.strip() for item in text(name, default).split(",") if item.strip()]


# How long a web request waits for SQLite's write lock before it answers the busy page (503,
# waw.middleware.DatabaseBusyMiddleware). Requests write for milliseconds; what holds the lock
# longer is a job's all-or-nothing write (a 20,000-row import: a few seconds, see
# bench/import-results.md), which this rides out. Not longer: gunicorn kills a worker whose
# request takes 30 s (its default timeout, README "Productie") and then the user sees the
# proxy's error instead of ours, and with three workers every waiting request stalls a third
# of the site. The task worker waits longer (waw.jobs.JOB_SQLITE_BUSY_TIMEOUT_SECONDS): no one
# waits on a page for a job, and failing it would waste its work; its process is started with
# SQLITE_BUSY_TIMEOUT_SECONDS=300 (Makefile), since with the web's 20 s a web request holding
# the lock a little longer made db_worker's own queue poll fail and the worker exit.
SQLITE_BUSY_TIMEOUT_SECONDS = integer("SQLITE_BUSY_TIMEOUT_SECONDS", 20)


def database(name: str, default_sqlite_path) -> dict:
    """DATABASE_URL when set (postgres://… or sqlite:///…), else the embedded SQLite file."""
    raw = text(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # SQLite has one writer at a time. IMMEDIATE: a transaction takes the write lock
            # at its start, so it waits there (busy timeout) instead of failing halfway when
            # it reads first and writes later. A request waits SQLITE_BUSY_TIMEOUT_SECONDS.
            "OPTIONS": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "transaction_mode": "IMMEDIATE"},
        }
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # noqa: BLE001 - dj-database-url raises several types
        raise ConfigurationError(f"{name} is ongeldig ({error}).") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ConfigurationError(
            f"{name} moet een postgres://- of sqlite:///-adres zijn, niet {raw.split(':', 1)[0]}://…"
        )
    if engine == "django.db.backends.sqlite3":
        # The embedded file's rules (above) for a SQLite file named by its address too.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
        options.setdefault("transaction_mode", "IMMEDIATE")
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ConfigurationError(f"{name} noemt geen database (postgres://gebruiker@host/naam).")
    return config


# The sender on invoices (the Regio), each field from its own REGIO_* variable. Until the Regio
# sets them they are placeholders in brackets: a run refuses to issue with a placeholder, the
# system check warns in development and refuses to start in production (billing/checks.py).
SENDER_VARIABLES = {
    "name": ("REGIO_NAME", "Regio Gooi en Vechtstreek"),
    "street": ("REGIO_STREET", "[straat]"),
    "house_number": ("REGIO_HOUSE_NUMBER", "[huisnummer]"),
    "po_box": ("REGIO_PO_BOX", ""),
    "postcode": ("REGIO_POSTCODE", "[postcode]"),
    "city": ("REGIO_CITY", "[plaats]"),
    "kvk": ("REGIO_KVK", "[KvK-nummer]"),
    "vat": ("REGIO_VAT", "[btw-nummer]"),
    "iban": ("REGIO_IBAN", "[IBAN]"),
    "email": ("REGIO_EMAIL", "[e-mailadres debiteurenadministratie]"),
    # Organisatie-identificatienummer: the Regio's address for e-invoices over Peppol.
    "oin": ("REGIO_OIN", ""),
}
# REGIO_DEMO=true (`make run`): an invented but well-formed sender for what is not set, and every
# document marked as a demo. Never in production.
DEMO_SENDER = {
    "name": "Regio Gooi en Vechtstreek (demo)",
    "street": "Voorbeeldweg",
    "house_number": "1",
    "po_box": "",
    "postcode": "1211 AA",
    "city": "Hilversum",
    "kvk": "99990001",
    "vat": "NL999900001B01",
    "iban": "NL93DEMO0123456789",
    "email": "facturen@demo.invalid",
    "oin": "00000009999900000001",
}


def invoice_sender(*, production: bool) -> dict:
    """The sender's data from the REGIO_* variables, normalised to the form the documents use
    (postcode "1234 AB", IBAN and VAT id without spaces). Whether each value is complete and
    well-formed is checked where it matters: the system check and the run (billing)."""
    from waw import identifiers as ids

    demo = flag("REGIO_DEMO", False)
    if demo and production:
        raise ConfigurationError(
            "REGIO_DEMO kan niet in productie: demofacturen zijn geen facturen."
        )
    sender = {
        key: text(variable, DEMO_SENDER[key] if demo else default)
        for key, (variable, default) in SENDER_VARIABLES.items()
    }
    normalise = {
        "postcode": ids.normalise_postcode,
        "kvk": ids.normalise_digits,
        "oin": ids.normalise_digits,
        "vat": ids.normalise_vat_id,
        "iban": ids.normalise_iban,
    }
    for key, function in normalise.items():
        if not ids.is_missing(sender[key]):
            sender[key] = function(sender[key])
    sender["demo"] = demo
    return sender
