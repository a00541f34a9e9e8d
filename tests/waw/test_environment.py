"""Settings come from the environment; bad configuration fails in one clear line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A sender whose settings are complete and well-formed (invented numbers, example IBAN).
COMPLETE_REGIO = {
    "REGIO_STREET": "Burgemeester de Withstraat",
    "REGIO_HOUSE_NUMBER": "12",
    "REGIO_POSTCODE": "1211aa",
    "REGIO_CITY": "Hilversum",
    "REGIO_KVK": "12345678",
    "REGIO_VAT": "NL123456789B01",
    "REGIO_IBAN": "NL91 ABNA 0417 1643 00",
    "REGIO_EMAIL": "debiteuren@regio.example",
}


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "WAW_MODE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
        and not k.startswith("REGIO_")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_invalid_database_url_fails_with_one_line_naming_the_variable():
    result = manage("check", DATABASE_URL="mysqlx://nobody@nowhere/db")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr


def test_database_url_without_database_name_is_refused():
    result = manage("check", DATABASE_URL="postgres://user@localhost")

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_without_secret_key_refuses_to_start():
    result = manage("check", WAW_MODE="production", ALLOWED_HOSTS="waw.example.nl")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_passes_the_deployment_checklist_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        WAW_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="waw.example.nl",
        **COMPLETE_REGIO,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_while_a_sender_setting_is_a_placeholder():
    incomplete = {**COMPLETE_REGIO, "REGIO_IBAN": "[IBAN]"}
    result = manage(
        "check",
        WAW_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="waw.example.nl",
        **incomplete,
    )

    assert result.returncode != 0
    assert "billing.E001" in result.stderr and "REGIO_IBAN" in result.stderr


def test_development_mode_warns_while_the_sender_is_incomplete():
    result = manage("check")

    assert result.returncode == 0
    assert "billing.W001" in result.stderr


def test_demo_sender_is_refused_in_production():
    result = manage(
        "check",
        WAW_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="waw.example.nl",
        REGIO_DEMO="true",
        **COMPLETE_REGIO,
    )

    assert result.returncode != 0
    assert "REGIO_DEMO" in result.stderr and "Traceback" not in result.stderr


def test_sender_settings_are_normalised(monkeypatch):
    from waw.env import invoice_sender

    for name, value in COMPLETE_REGIO.items():
        monkeypatch.setenv(name, value)

    sender = invoice_sender(production=True)

    assert (sender["postcode"], sender["iban"]) == ("1211 AA", "NL91ABNA0417164300")
    assert sender["demo"] is False


def test_demo_sender_is_complete_and_well_formed(monkeypatch):
    from billing.selectors import sender_problems
    from waw.env import invoice_sender

    monkeypatch.setenv("REGIO_DEMO", "true")

    sender = invoice_sender(production=False)

    assert sender["demo"] is True
    assert sender_problems(sender) == []


def test_development_mode_runs_without_any_configuration():
    result = manage("check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_debug_flag_that_is_not_a_boolean_is_refused(value):
    result = manage("check", DEBUG=value)

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.parametrize(("value", "seconds"), [(None, "20"), ("300", "300")])
def test_the_sqlite_busy_timeout_comes_from_the_environment(value, seconds):
    """The task worker is started with a longer wait for SQLite's write lock (Makefile)."""
    env = {} if value is None else {"SQLITE_BUSY_TIMEOUT_SECONDS": value}

    result = manage(
        "shell",
        "-c",
        "from django.db import connection; print(connection.settings_dict['OPTIONS']['timeout'])",
        **env,
    )

    assert result.stdout.strip().splitlines()[-1] == seconds
