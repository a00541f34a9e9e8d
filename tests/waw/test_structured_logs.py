"""Structured logs (waw/logs.py): JSON lines with the request id and the user id, no personal
data; the request id is also the response's X-Request-ID header."""

import io
import json
import logging
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the configured console handler (settings.LOGGING) writes, one parsed line each."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_a_request_logs_a_json_line_with_request_id_and_user_id_and_no_personal_data(
    client, coordinator, huizen, log_lines
):
    participant = ParticipantFactory(
        first_name="Mees", last_name="Zonneveld", client_number="HU-888002", municipality=huizen
    )
    client.force_login(coordinator)

    response = client.get(reverse("participants:list") + "?q=Zonneveld+HU-888002")
    client.get(reverse("participants:detail", kwargs={"pk": participant.pk}))

    lines = log_lines()
    (line,) = [line for line in lines if line.get("view") == "participants:list"]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == coordinator.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/deelnemers/", 200)
    everything = json.dumps(lines)
    for personal in ("Mees", "Zonneveld", "HU-888002", "888002", "coordinator"):
        assert personal not in everything


def test_a_line_logged_inside_a_view_carries_the_request_id_of_the_load_balancer(
    client, coordinator, log_lines
):
    client.force_login(coordinator)
    real_cursor = connection.cursor

    def cursor_that_logs():
        logging.getLogger("waw.views").warning("something to trace")
        return real_cursor()

    with mock.patch("waw.views.connection.cursor", side_effect=cursor_that_logs):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")

    assert response["X-Request-ID"] == "lb-1234abcd"
    traced = [line for line in log_lines() if line["message"] == "something to trace"]
    assert {line["request_id"] for line in traced} == {"lb-1234abcd"}
    # Once authentication has looked the user up (the view's own query and after), by id.
    assert traced[-1]["user_id"] == coordinator.pk


def test_a_request_id_from_outside_that_is_not_a_plain_token_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"user_id": 1}')

    assert len(response["X-Request-ID"]) == 32
    assert "\n" not in response["X-Request-ID"]


def test_an_exception_is_logged_by_type_and_stack_without_its_message(log_lines):
    client_number = "HU-" + "888002"  # not in the source line the stack shows
    try:
        raise ValueError(f"Key (client_number)=({client_number}) already exists")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /deelnemers/")

    (line,) = log_lines()
    assert line["exception"]["type"] == "builtins.ValueError"
    assert "HU-888002" not in json.dumps(line)
