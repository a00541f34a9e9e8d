"""A request that meets a locked database (SQLite, a large import holding the write lock)
gets the busy page, 503 with Retry-After, not a 500; every other database error stays a 500."""

import logging
import sqlite3

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.urls import path

from waw.middleware import is_database_busy

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BUSY_PAGE_TEXT = "Het systeem is bezig met een grote taak"


@pytest.fixture
def locked_file(tmp_path):
    """A SQLite file whose write lock a second connection holds, as the worker's import does,
    and a Django connection to it that does not wait (busy timeout 0)."""
    name = str(tmp_path / "locked.sqlite3")
    holder = sqlite3.connect(name, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": name,
                "OPTIONS": {"timeout": 0},
            }
        }
    )
    yield handler["default"]
    handler.close_all()
    holder.execute("ROLLBACK")
    holder.close()


LOCKED = {}


@login_not_required
def writes_to_locked_file(request):
    with LOCKED["connection"].cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    return HttpResponse("ok")


@login_not_required
def other_database_error(request):
    raise OperationalError("no such table: waw_job")


@login_not_required
def saves_the_session(request):
    request.session["seen"] = True  # saved by the session middleware, after the view
    return HttpResponse("ok")


urlpatterns = [
    path("locked/", writes_to_locked_file),
    path("other/", other_database_error),
    path("session/", saves_the_session),
]


def test_a_real_locked_database_is_recognised_as_busy(locked_file):
    with pytest.raises(OperationalError) as raised, locked_file.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")

    assert is_database_busy(raised.value)


def test_a_request_that_meets_a_locked_database_gets_the_busy_page(client, locked_file, caplog):
    LOCKED["connection"] = locked_file

    with caplog.at_level(logging.WARNING, logger="waw.middleware"):
        response = client.get("/locked/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert BUSY_PAGE_TEXT in page
    assert "Probeer het over een minuut opnieuw" in page
    assert [r.levelname for r in caplog.records] == ["WARNING"]


def test_the_busy_page_keeps_the_security_headers(client, locked_file):
    LOCKED["connection"] = locked_file

    response = client.get("/locked/")

    assert "Content-Security-Policy" in response.headers
    assert "no-store" in response["Cache-Control"]


def test_a_locked_database_while_saving_the_session_gets_the_busy_page(client, monkeypatch):
    def locked(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    client.raise_request_exception = False

    response = client.get("/session/")

    assert response.status_code == 503
    assert BUSY_PAGE_TEXT in response.content.decode()


def test_any_other_database_error_stays_a_server_error(client):
    client.raise_request_exception = False

    response = client.get("/other/")

    assert response.status_code == 500
    assert BUSY_PAGE_TEXT not in response.content.decode()
