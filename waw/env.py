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


def database(name: str, default_sqlite_path) -> dict:
    """DATABASE_URL when set (postgres://… or sqlite:///…), else the embedded SQLite file."""
    raw = text(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # Several requests may write at once under runserver; wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
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
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ConfigurationError(f"{name} noemt geen database (postgres://gebruiker@host/naam).")
    return config
