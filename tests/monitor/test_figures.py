"""Monitor figures for 2025-H1 on a hand-made set, compared with hand-counted values."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from monitor.selectors import period_figures, traffic_light
from projects.models import Agreement
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

H1 = Period.parse("2025-H1")
D = dt.date


@pytest.fixture
def hand_made(huizen, laren, coordinator):
    from participants.services import trajectory_withdraw

    a = ProjectFactory(name="A Opleiding", success_criterion="qualification_or_work")
    b = ProjectFactory(name="B Training", success_criterion="completed")

    def make(project, municipality, enrolled, start=None, end=None, outcome=""):
        return TrajectoryFactory(
            participant=ParticipantFactory(municipality=municipality),
            project=project,
            municipality_at_start=municipality,
            enrolment_date=enrolled,
            start_date=start,
            end_date=end,
            outcome=outcome,
        )

    make(a, huizen, D(2024, 9, 20), D(2024, 10, 1))  # 1 earlier start, still active
    make(a, huizen, D(2025, 1, 20), D(2025, 2, 1), D(2025, 5, 1), "diploma")  # 2
    make(a, laren, D(2025, 2, 20), D(2025, 3, 1), D(2025, 6, 15), "gestopt")  # 3 dropped out
    make(a, laren, D(2024, 8, 20), D(2024, 9, 1), D(2025, 1, 20), "werk")  # 4 to work
    make(a, huizen, D(2025, 1, 2), D(2025, 1, 10), D(2025, 6, 1), "leerwerkbaan")  # 5
    withdrawn = make(a, huizen, D(2025, 1, 20), D(2025, 2, 1))  # 6 withdrawn
    trajectory_withdraw(user=coordinator, trajectory=withdrawn, reason="Dubbel")
    make(b, huizen, D(2024, 2, 20), D(2024, 3, 1), D(2024, 12, 1), "afgerond")  # 7 earlier
    make(b, laren, D(2025, 3, 20), D(2025, 4, 1), D(2025, 7, 5), "diploma+werk")  # 8 ends after
    make(b, huizen, D(2025, 5, 1))  # 9 enrolled, never started
    make(a, laren, D(2025, 6, 20), D(2025, 6, 30))  # 10 starts on the last day
    return a, b


def counts(row):
    keys = [
        "started", "active_at_end", "ended", "completed", "dropped_out", "to_work", "successful",
        "started_cumulative", "ended_cumulative", "successful_cumulative",
    ]  # fmt: skip
    return [row[k] for k in keys]


def test_project_figures_match_the_hand_count(hand_made):
    figures = period_figures(period=H1)

    by_name = {row["project"]: row for row in figures.projects}
    assert counts(by_name["A Opleiding"]) == [4, 2, 4, 3, 1, 1, 2, 6, 4, 2]
    assert by_name["A Opleiding"]["success_rate"] == Decimal("0.50")
    assert counts(by_name["B Training"]) == [1, 1, 0, 0, 0, 0, 0, 2, 1, 1]
    assert by_name["B Training"]["success_rate"] == Decimal("1.00")


def test_totals_match_the_hand_count(hand_made):
    totals = period_figures(period=H1).totals

    assert counts(totals) == [5, 3, 4, 3, 1, 1, 2, 8, 5, 3]
    assert totals["success_rate"] == Decimal("0.60")


def test_municipality_figures_match_the_hand_count(hand_made):
    by_name = {row["municipality"]: row for row in period_figures(period=H1).municipalities}

    assert counts(by_name["Huizen"]) == [2, 1, 2, 2, 0, 0, 1, 4, 3, 2]
    assert counts(by_name["Laren"]) == [3, 2, 2, 1, 1, 1, 1, 4, 2, 1]


def test_success_rate_is_none_when_nothing_ended(huizen):
    project = ProjectFactory()
    TrajectoryFactory(
        project=project,
        participant=ParticipantFactory(municipality=huizen),
        enrolment_date=D(2025, 1, 6),
        start_date=D(2025, 1, 7),
    )

    [row] = period_figures(period=H1).projects

    assert row["success_rate"] is None


def test_figures_take_a_fixed_number_of_queries(hand_made, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        period_figures(period=H1)


@pytest.mark.parametrize(
    ("rate", "ended", "target", "light"),
    [
        ("0.85", 10, "80", "groen"),
        ("0.72", 10, "80", "oranje"),
        ("0.60", 10, "80", "rood"),
        ("0.90", 4, "80", None),
    ],
)
def test_traffic_light_against_a_success_target(rate, ended, target, light):
    agreement = Agreement(target_success_rate=Decimal(target))
    row = {"successful_cumulative": round(Decimal(rate) * ended), "ended_cumulative": ended}

    assert traffic_light(row=row, agreement=agreement, period=H1, started_in_year=0) == light


@pytest.mark.parametrize(("started", "light"), [(34, "groen"), (26, "oranje"), (25, "rood")])
def test_traffic_light_against_a_trajectory_target_pro_rata(started, light):
    agreement = Agreement(target_trajectories=68)  # half a year: 34 expected

    assert traffic_light(row={}, agreement=agreement, period=H1, started_in_year=started) == light


def test_no_target_no_colour():
    assert traffic_light(row={}, agreement=None, period=H1, started_in_year=3) is None


def test_command_prints_the_figures_as_json(hand_made, capsys):
    a, _b = hand_made
    AgreementFactory(project=a, year=2025, target_trajectories=4)

    call_command("monitor_figures", "--period", "2025-H1", "--json")

    result = json.loads(capsys.readouterr().out)
    assert result["period"] == "2025-H1"
    project_a = next(p for p in result["projects"] if p["project"] == "A Opleiding")
    assert project_a["started"] == 4
    assert project_a["success_rate"] == 0.5
    assert project_a["traffic_light"] == "groen"  # 4 started in H1 ≥ 4 × 6/12
    assert {m["municipality"] for m in result["municipalities"]} == {"Huizen", "Laren"}
    assert result["totals"]["successful_cumulative"] == 3


@pytest.mark.parametrize("period", ["2025-Q1", "2025", "2025-H3", "nonsense"])
def test_command_refuses_anything_but_a_half_year_with_exit_2(period, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("monitor_figures", "--period", period, "--json")

    assert exit_info.value.code == 2
    assert capsys.readouterr().err


def test_traffic_light_compares_the_exact_rate_not_the_rounded_one():
    agreement = Agreement(target_success_rate=Decimal("80"))
    row = {"successful_cumulative": 159, "ended_cumulative": 200}  # 79,5 %, shown as 80 %

    assert traffic_light(row=row, agreement=agreement, period=H1, started_in_year=0) == "oranje"
