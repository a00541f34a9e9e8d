"""Settings come from the environment; bad configuration fails in one clear line."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "WAW_MODE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
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
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_mode_runs_without_any_configuration():
    result = manage("check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_debug_flag_that_is_not_a_boolean_is_refused(value):
    result = manage("check", DEBUG=value)

    assert result.returncode != 0
    assert "DEBUG" in result.stderr
