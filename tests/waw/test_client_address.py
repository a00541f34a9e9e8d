"""The client's address in the audit trail and the lock-out: from the trusted proxies only,
always a valid IP address, never a 500 (waw/addresses.py)."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from tests.audit.test_trail import participant_form
from tests.factories import ParticipantFactory
from waw.addresses import client_address, client_port

pytestmark = pytest.mark.django_db

HOSTILE_HEADERS = [
    {"HTTP_X_FORWARDED_FOR": "not-an-address"},
    {"HTTP_X_FORWARDED_FOR": "203.0.113.66"},
    {"HTTP_X_FORWARDED_FOR": "203.0.113.66, 198.51.100.1"},
    {"HTTP_X_FORWARDED_FOR": "x" * 5000},
    {"HTTP_X_FORWARDED_FOR": "fe80::1%eth0"},
    {"HTTP_X_FORWARDED_FOR": "'; DROP TABLE auditlog_logentry; --"},
    {"HTTP_X_FORWARDED_PORT": str(2**31 + 5)},
    {"HTTP_X_FORWARDED_PORT": "-1"},
    {"HTTP_X_FORWARDED_PORT": "²"},
    {"HTTP_X_FORWARDED_FOR": "::ffff:999.1.1.1", "HTTP_X_FORWARDED_PORT": "99999"},
]


@pytest.mark.parametrize("headers", HOSTILE_HEADERS)
def test_without_trusted_proxies_the_log_records_the_connections_own_address(
    client_for, coordinator, huizen, headers
):
    participant = ParticipantFactory(municipality=huizen, last_name="Jansen")
    client = client_for(coordinator)

    response = client.post(
        reverse("participants:update", args=[participant.pk]),
        participant_form(participant, last_name="Janssen"),
        **headers,
    )
    viewed = client.get(reverse("participants:detail", args=[participant.pk]), **headers)

    assert response.status_code == 302 and viewed.status_code == 200
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE)
    assert entry.remote_addr == "127.0.0.1"
    assert entry.remote_port is None
    assert LogEntry.objects.get(action=LogEntry.Action.ACCESS).remote_addr == "127.0.0.1"


@pytest.mark.parametrize("headers", HOSTILE_HEADERS)
def test_behind_one_proxy_the_log_records_what_that_proxy_saw_or_the_connection(
    settings, client_for, coordinator, huizen, headers
):
    settings.TRUSTED_PROXY_COUNT = 1
    participant = ParticipantFactory(municipality=huizen, last_name="Jansen")

    response = client_for(coordinator).post(
        reverse("participants:update", args=[participant.pk]),
        participant_form(participant, last_name="Janssen"),
        **headers,
    )

    assert response.status_code == 302
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE)
    forwarded = headers.get("HTTP_X_FORWARDED_FOR", "")
    expected = {"203.0.113.66": "203.0.113.66", "203.0.113.66, 198.51.100.1": "198.51.100.1"}
    assert entry.remote_addr == expected.get(forwarded, "127.0.0.1")
    assert entry.remote_port is None


def _request(settings, proxies, **meta):
    settings.TRUSTED_PROXY_COUNT = proxies
    return RequestFactory().get("/", **{"REMOTE_ADDR": "10.0.0.2", **meta})


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy: the header is the client's own claim
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the forged first entry is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: not our proxies' header
        (1, "203.0.113.5:4711", "203.0.113.5"),
        (1, "[2001:db8::1]:4711", "2001:db8::1"),
        (1, "2001:DB8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_address_rule(settings, proxies, forwarded, expected):
    request = _request(settings, proxies, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_an_invalid_connection_address_is_no_address(settings):
    assert client_address(_request(settings, 0, REMOTE_ADDR="unix:/run/gunicorn.sock")) is None


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_PORT": "51234", "HTTP_X_FORWARDED_PORT": "443"}, 51234),
        (1, {"REMOTE_PORT": "51234", "HTTP_X_FORWARDED_PORT": "443"}, 443),
        (1, {"HTTP_X_FORWARDED_PORT": str(2**31)}, None),
        (1, {"HTTP_X_FORWARDED_PORT": "0"}, None),
        (1, {"HTTP_X_FORWARDED_PORT": "٣"}, None),  # an Arabic-Indic digit passes isdigit()
        (0, {}, None),
    ],
)
def test_the_port_rule(settings, proxies, meta, expected):
    assert client_port(_request(settings, proxies, **meta)) == expected


def test_the_lock_out_counts_against_the_same_address(client, coordinator):
    client.post(
        reverse("login"),
        {"username": "coordinator", "password": "verkeerd"},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )

    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"
