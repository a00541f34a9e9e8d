"""The coordinator's start page as a work list: each item a count with the filtered list behind
it, read in a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.services import participation_budget_set
from participants.services import referral_submit, referral_withdraw
from tests.factories import (
    AgreementFactory,
    CohortFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.selectors import coordinator_work_list, last_ended_quarter

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 15)  # the last ended quarter is 2025-Q4


@pytest.fixture
def project(db):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf", expected_months=6)
    agreement = AgreementFactory(project=project, year=2025)
    TariffOptionFactory(agreement=agreement, price_per_participant=Decimal("3000.00"))
    return project


def _items(user, today=TODAY):
    return {item.key: item for item in coordinator_work_list(user=user, today=today)}


def _trajectory(project, municipality, *, last_name, enrolled, started=None, **extra):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality, last_name=last_name),
        project=project,
        enrolment_date=enrolled,
        start_date=started,
        **extra,
    )


def _referral(user, project, last_name="de Wit"):
    return referral_submit(
        user=user,
        municipality=user.municipality,
        project=project,
        first_name="Sanne",
        last_name=last_name,
        date_of_birth=dt.date(1988, 4, 12),
        motivation="Past goed.",
    )


def test_the_last_ended_quarter_of_january_is_the_fourth_of_last_year():
    assert str(last_ended_quarter(dt.date(2026, 1, 15))) == "2025-Q4"
    assert str(last_ended_quarter(dt.date(2026, 5, 2))) == "2026-Q1"


def test_the_work_list_counts_referrals_to_handle(
    coordinator, huizen_case_manager, project, client_for
):
    _referral(huizen_case_manager, project, last_name="Open")
    handled = _referral(huizen_case_manager, project, last_name="Ingetrokken")
    referral_withdraw(user=huizen_case_manager, referral=handled)

    item = _items(coordinator)["referrals"]
    listing = client_for(coordinator).get(item.url).content.decode()

    assert item.count == 1
    assert "Open" in listing and "Ingetrokken" not in listing


def test_the_work_list_counts_enrolments_not_started_after_eight_weeks(
    coordinator, project, huizen, client_for, settings
):
    settings.WORKLIST_NOT_STARTED_WEEKS = 8
    today = dt.date.today()
    _trajectory(project, huizen, last_name="Wachtlang", enrolled=today - dt.timedelta(weeks=9))
    _trajectory(project, huizen, last_name="Netaangemeld", enrolled=today - dt.timedelta(weeks=7))
    _trajectory(
        project,
        huizen,
        last_name="Albegonnen",
        enrolled=today - dt.timedelta(weeks=20),
        started=today - dt.timedelta(weeks=19),
    )

    item = _items(coordinator, today=today)["not_started"]
    listing = client_for(coordinator).get(item.url).content.decode()

    assert item.count == 1
    assert "8 weken" in item.label
    assert "Wachtlang" in listing
    assert "Netaangemeld" not in listing and "Albegonnen" not in listing


def test_the_waiting_time_is_a_setting(coordinator, project, huizen, settings):
    settings.WORKLIST_NOT_STARTED_WEEKS = 4
    _trajectory(project, huizen, last_name="Vijfweken", enrolled=TODAY - dt.timedelta(weeks=5))

    assert _items(coordinator)["not_started"].count == 1


def test_the_work_list_counts_trajectories_past_their_projects_duration(
    coordinator, project, huizen, client_for
):
    today = dt.date.today()
    _trajectory(
        project,
        huizen,
        last_name="Telang",
        enrolled=today - dt.timedelta(days=250),
        started=today - dt.timedelta(days=240),
    )
    _trajectory(
        project,
        huizen,
        last_name="Optijd",
        enrolled=today - dt.timedelta(days=100),
        started=today - dt.timedelta(days=90),
    )
    variable = ProjectFactory(expected_months=None)
    _trajectory(
        variable,
        huizen,
        last_name="Variabel",
        enrolled=today - dt.timedelta(days=900),
        started=today - dt.timedelta(days=890),
    )

    item = _items(coordinator, today=today)["past_duration"]
    listing = client_for(coordinator).get(item.url).content.decode()

    assert item.count == 1
    assert "Telang" in listing
    assert "Optijd" not in listing and "Variabel" not in listing


def test_the_work_list_counts_groups_starting_soon_below_their_minimum(
    coordinator, project, huizen, client_for
):
    today = dt.date.today()
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=today.year), min_group_size=3
    )
    soon = CohortFactory(
        tariff_option=option,
        status="planned",
        name="Klas snel",
        start_date=today + dt.timedelta(days=10),
    )
    CohortFactory(
        tariff_option=option,
        status="planned",
        name="Klas later",
        start_date=today + dt.timedelta(days=60),
    )
    full = CohortFactory(
        tariff_option=option,
        status="planned",
        name="Klas vol",
        start_date=today + dt.timedelta(days=5),
    )
    for n in range(3):
        _trajectory(project, huizen, last_name=f"Vol{n}", enrolled=today, cohort=full)
    _trajectory(project, huizen, last_name="Eentje", enrolled=today, cohort=soon)

    item = _items(coordinator, today=today)["groups_below_minimum"]
    listing = client_for(coordinator).get(item.url).content.decode()

    assert item.count == 1
    assert "Klas snel" in listing
    assert "Klas later" not in listing and "Klas vol" not in listing


def test_the_work_list_counts_unbilled_starts_and_budgets_a_run_would_exceed(
    coordinator, project, huizen, laren
):
    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("3000.00"))
    for municipality in (huizen, huizen, laren):
        _trajectory(
            project,
            municipality,
            last_name="Gestart",
            enrolled=dt.date(2025, 10, 6),
            started=dt.date(2025, 11, 3),
        )

    items = _items(coordinator)

    assert items["unbilled"].count == 3
    assert "tot en met het vierde kwartaal 2025" in items["unbilled"].label
    assert "2025-Q4" not in items["unbilled"].label
    assert items["unbilled"].url == reverse("billing:run") + "?period=2025-Q4"
    assert items["over_budget"].count == 1


def test_nothing_to_bill_means_no_budget_is_exceeded(coordinator, project, huizen):
    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("1.00"))

    items = _items(coordinator)

    assert items["unbilled"].count == 0
    assert items["over_budget"].count == 0


def test_the_work_list_counts_parties_with_missing_invoice_data(coordinator, huizen, laren):
    laren.oin = ""
    laren.kvk = ""
    laren.save()

    item = _items(coordinator)["missing_invoice_data"]

    assert item.count == 1
    assert item.url == reverse("municipalities")


def test_the_start_page_shows_the_work_list_and_the_shortcuts_to_the_coordinator(
    client_for, coordinator
):
    content = client_for(coordinator).get("/").content.decode()

    assert "Werklijst" in content
    for url in ("participants:enrol", "participants:import", "billing:run", "monitor:editions"):
        assert f'href="{reverse(url)}"' in content


def test_the_start_page_leaves_out_work_list_lines_with_nothing_to_do(client_for, coordinator):
    content = client_for(coordinator).get("/").content.decode()

    assert 'id="werk-referrals"' not in content
    assert "Er ligt niets op de werklijst." in content


def test_the_start_page_lists_a_line_with_work_to_do(client_for, coordinator, huizen):
    huizen.oin = huizen.kvk = ""
    huizen.save()

    content = client_for(coordinator).get("/").content.decode()

    assert 'id="werk-missing_invoice_data"' in content
    assert "Er ligt niets op de werklijst." not in content


def test_the_start_page_shows_no_work_list_to_a_municipality(client_for, huizen_user):
    content = client_for(huizen_user).get("/").content.decode()

    assert "Werklijst" not in content
    assert reverse("billing:run") not in content


def _work_list_queries(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        coordinator_work_list(user=user, today=TODAY)
    return len(queries)


def test_the_work_list_reads_a_bounded_number_of_queries(
    coordinator, huizen_case_manager, project, huizen, laren, django_assert_max_num_queries
):
    def add_data(n):
        for i in range(n):
            municipality = huizen if i % 2 else laren
            _trajectory(
                project,
                municipality,
                last_name=f"Rij{n}-{i}",
                enrolled=dt.date(2025, 10, 6),
                started=dt.date(2025, 11, 3),
            )
            _trajectory(ProjectFactory(expected_months=3), municipality, last_name=f"Wacht{n}-{i}",
                        enrolled=dt.date(2025, 6, 2))  # fmt: skip
            _referral(huizen_case_manager, project, last_name=f"Verwezen{n}-{i}")

    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("1.00"))
    add_data(2)
    small = _work_list_queries(coordinator)
    add_data(8)

    with django_assert_max_num_queries(small):
        items = _items(coordinator)

    assert items["unbilled"].count == 10
    assert items["referrals"].count == 10
