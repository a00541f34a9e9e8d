"""Two sessions doing the same thing at the same moment (issue 13, items 5, 6 and 8).

Needs real concurrent transactions, so it runs against PostgreSQL (as CI does); on SQLite the
database serialises writers anyway and the tests are skipped. Each thread is a session of its
own (its own client and database connection) going through the real pages. A barrier inside
the request makes every session pass its check before any of them writes, which is the
interleaving that went wrong; without it the race shows in four rounds out of five.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from participants import services
from participants.models import Participant, Trajectory
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory, UserFactory
from tests.participants.test_enrolment import enrol_data
from waw.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = 3


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")


def all_check_before_any_writes(monkeypatch, name, sessions):
    """Wrap ``services.<name>`` so that each session's first call waits for the others."""
    real = getattr(services, name)
    barrier = threading.Barrier(sessions)
    seen = threading.local()

    def wrapped(*args, **kwargs):
        result = real(*args, **kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait(timeout=30)
        return result

    monkeypatch.setattr(services, name, wrapped)


def in_sessions(posts):
    """Run each (user, url, data) as its own session at once; (status, html) of each."""
    results = [None] * len(posts)

    def session(index, user, url, data):
        try:
            client = Client()
            client.force_login(user)
            response = client.post(url, data)
            results[index] = (response.status_code, response.content.decode())
        except Exception as error:  # noqa: BLE001 - a server error is what we look for
            results[index] = (500, repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=session, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def coordinators(n):
    return [UserFactory(username=f"coordinator{i}", role=Role.COORDINATOR) for i in range(n)]


def test_the_same_new_person_enrolled_in_several_sessions_at_once_is_one_participant(
    monkeypatch, huizen
):
    project = ProjectFactory()
    all_check_before_any_writes(monkeypatch, "participant_duplicates", SESSIONS)
    data = enrol_data(project, huizen)

    results = in_sessions([(u, "/trajecten/aanmelden/", data) for u in coordinators(SESSIONS)])

    winner = Participant.objects.get()
    assert sorted(status for status, _html in results) == [302] + [400] * (SESSIONS - 1)
    for status, html in results:
        if status == 400:
            assert "Deze deelnemer bestaat al." in html
            assert f'value="{winner.pk}"' in html
    assert Trajectory.objects.count() == 1


def test_the_same_klantnummer_entered_in_two_sessions_at_once_offers_the_winner(
    monkeypatch, huizen
):
    project = ProjectFactory()
    all_check_before_any_writes(monkeypatch, "participant_duplicates", 2)
    first, second = coordinators(2)
    posts = [
        (first, "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-client_number": "K-9"})),
        (
            second,
            "/trajecten/aanmelden/",
            enrol_data(project, huizen, **{"p-first_name": "Sandra", "p-client_number": "K-9"}),
        ),
    ]

    results = in_sessions(posts)

    winner = Participant.objects.get()
    assert sorted(status for status, _html in results) == [302, 400]
    loser_html = next(html for status, html in results if status == 400)
    assert "Deze deelnemer bestaat al." in loser_html
    assert f'value="{winner.pk}"' in loser_html


def test_one_participant_enrolled_in_one_project_from_two_sessions_runs_it_once(
    monkeypatch, huizen
):
    participant = ParticipantFactory(municipality=huizen)
    project = ProjectFactory()
    all_check_before_any_writes(monkeypatch, "_open_trajectory_of", 2)
    url = f"/deelnemers/{participant.pk}/aanmelden/"
    data = {"t-project": project.pk, "t-enrolment_date": "2025-02-01"}

    results = in_sessions([(u, url, data) for u in coordinators(2)])

    trajectory = Trajectory.objects.get()
    assert sorted(status for status, _html in results) == [302, 400]
    loser_html = next(html for status, html in results if status == 400)
    assert "heeft al een lopend traject in" in loser_html
    assert f'href="{trajectory.get_absolute_url()}"' in loser_html


def test_a_trajectory_started_from_two_sessions_at_once_starts_once(monkeypatch):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    first = UserFactory(username="kim", first_name="Kim", last_name="Bos", role=Role.COORDINATOR)
    second = UserFactory(username="ali", first_name="Ali", last_name="Kaya", role=Role.COORDINATOR)
    url = f"/trajecten/{trajectory.pk}/starten/"
    # Both pages were loaded, and the trajectory read, before either start reaches the service.
    real = services.trajectory_start
    barrier = threading.Barrier(2)

    def start_when_both_are_here(**kwargs):
        barrier.wait(timeout=30)
        return real(**kwargs)

    monkeypatch.setattr(services, "trajectory_start", start_when_both_are_here)

    results = in_sessions(
        [
            (first, url, {"start_date": "2025-01-13"}),
            (second, url, {"start_date": "2025-01-20"}),
        ]
    )

    trajectory.refresh_from_db()
    assert sorted(status for status, _html in results) == [302, 409]
    winner = first if results[0][0] == 302 else second
    loser_html = next(html for status, html in results if status == 409)
    assert f"intussen al gestart door {winner.get_full_name()}" in loser_html
    expected = dt.date(2025, 1, 13) if winner == first else dt.date(2025, 1, 20)
    assert trajectory.start_date == expected
    assert trajectory.changes.filter(field="startdatum").count() == 1
