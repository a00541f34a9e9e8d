from unittest import mock

from django.db import OperationalError


def test_healthz_answers_ok_without_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unavailable_database_with_503(client, db):
    with mock.patch("waw.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get("/inloggen/")

    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_server_error_page_is_dutch_and_needs_no_database(rf):
    from waw.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
