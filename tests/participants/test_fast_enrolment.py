"""Enrolment as fast as a spreadsheet: the cursor where typing starts, dates in one box, the
next form keeps project, group and dates, and the message leads to the new trajectory."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from participants.models import Trajectory
from tests.factories import CohortFactory, ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


def enrol_data(project, municipality, **extra):
    return {
        "p-first_name": "Sanne",
        "p-last_name": "de Vries",
        "p-date_of_birth": "04031995",
        "p-municipality": municipality.pk,
        "p-benefit_type": "participatiewet",
        "t-project": project.pk,
        "t-enrolment_date": "10-01-2025",
        **extra,
    }


def _tag(html, name):
    return re.search(rf'<(input|select)[^>]*name="{name}"[^>]*>', html).group(0)


def test_the_cursor_starts_in_the_first_name(client_for, coordinator):
    html = client_for(coordinator).get("/trajecten/aanmelden/").content.decode()

    assert "autofocus" in _tag(html, "p-first_name")
    assert html.count("autofocus") == 1


def test_for_a_known_participant_the_cursor_starts_in_the_project(client_for, coordinator):
    participant = ParticipantFactory()

    html = (
        client_for(coordinator)
        .get(f"/deelnemers/{participant.pk}/aanmelden/")
        .content.decode()
    )

    assert "autofocus" in _tag(html, "t-project")


def test_after_an_error_the_focus_goes_to_the_error_summary(client_for, coordinator, huizen):
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-last_name": ""})
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<div class="form-errors"[^>]*id="form-errors"[^>]*autofocus', html)
    assert html.count("autofocus") == 1


def test_dates_are_one_text_box_and_typed_as_digits(client_for, coordinator, huizen):
    project = ProjectFactory()
    client = client_for(coordinator)

    html = client.get("/trajecten/aanmelden/").content.decode()
    response = client.post("/trajecten/aanmelden/", enrol_data(project, huizen))

    assert 'type="text"' in _tag(html, "p-date_of_birth")
    assert response.status_code == 302
    trajectory = Trajectory.objects.get()
    assert trajectory.participant.date_of_birth == dt.date(1995, 3, 4)
    assert trajectory.enrolment_date == dt.date(2025, 1, 10)


def test_an_implausible_typed_birth_date_is_still_refused(client_for, coordinator, huizen):
    response = client_for(coordinator).post(
        "/trajecten/aanmelden/",
        enrol_data(ProjectFactory(), huizen, **{"p-date_of_birth": "04031895"}),
    )

    assert response.status_code == 400
    assert "controleer het jaar" in response.content.decode()


def test_save_and_next_keeps_project_group_and_dates(client_for, coordinator, huizen):
    group = CohortFactory(status="planned")
    client = client_for(coordinator)

    response = client.post(
        "/trajecten/aanmelden/",
        enrol_data(
            group.project,
            huizen,
            **{"t-cohort": group.pk, "t-start_date": "03-02-2025", "next": "1"},
        ),
        follow=True,
    )

    html = response.content.decode()
    assert f'<option value="{group.project.pk}" selected>' in html
    assert f'<option value="{group.pk}" selected>' in html
    assert 'value="10-01-2025"' in _tag(html, "t-enrolment_date")
    assert 'value="03-02-2025"' in _tag(html, "t-start_date")
    assert 'value=""' in _tag(html, "p-first_name") or "value=" not in _tag(html, "p-first_name")


def test_the_success_message_links_to_the_trajectory_and_offers_to_start_it(
    client_for, coordinator, huizen
):
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, next="1"), follow=True
    )

    trajectory = Trajectory.objects.get()
    html = response.content.decode()
    assert f'<a href="{trajectory.get_absolute_url()}">Naar het traject</a>' in html
    assert f'<a href="{trajectory.get_absolute_url()}?starten=1">nu starten</a>' in html


def test_start_now_opens_the_start_form_with_today_ready_to_confirm(client_for, coordinator):
    trajectory = TrajectoryFactory()

    html = (
        client_for(coordinator)
        .get(f"/trajecten/{trajectory.pk}/?starten=1")
        .content.decode()
    )

    tag = _tag(html, "start_date")
    assert "autofocus" in tag
    assert f'value="{timezone.localdate():%d-%m-%Y}"' in tag
    assert 'id="starten"' in html


def test_enter_submits_the_enrolment_form_from_any_field(client_for, coordinator):
    html = client_for(coordinator).get("/trajecten/aanmelden/").content.decode()

    assert "data-enter-submits" in html
    assert "/static/js/forms.js" in html
