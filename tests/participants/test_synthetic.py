"""The synthetic data set: reproducible, the requested size, and valid by every rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F

from billing.selectors import run_preview
from participants.models import Participant, Trajectory
from participants.synthetic import (
    LAST_DAY,
    MAX_MUNICIPALITIES,
    SUCCESS_RATES,
    generate_synthetic,
    synthetic_municipality_names,
)
from projects.models import Agreement
from waw.models import Municipality
from waw.periods import Period

pytestmark = pytest.mark.django_db

FIELDS = (
    "participant__client_number",
    "participant__first_name",
    "participant__last_name",
    "participant__date_of_birth",
    "participant__municipality__slug",
    "project__slug",
    "enrolment_date",
    "start_date",
    "end_date",
    "outcome",
    "withdrawn_at",
)


def _snapshot():
    return list(
        Trajectory.objects.order_by(
            "participant__client_number", "enrolment_date", "project__slug"
        ).values_list(*FIELDS)
    )


def _wipe():
    Trajectory.objects.all().delete()
    Participant.objects.all().delete()


def test_the_same_seed_gives_the_same_data():
    generate_synthetic(participants=60, years=3, municipalities=12, seed=7)
    first = _snapshot()
    _wipe()
    generate_synthetic(participants=60, years=3, municipalities=12, seed=7)
    assert _snapshot() == first


def test_another_seed_gives_other_data():
    generate_synthetic(participants=60, years=3, municipalities=12, seed=7)
    first = _snapshot()
    _wipe()
    generate_synthetic(participants=60, years=3, municipalities=12, seed=8)
    assert _snapshot() != first


def test_creates_the_requested_participants_and_reports_the_trajectories():
    report = generate_synthetic(participants=150, years=2, municipalities=9, seed=1)
    assert Participant.objects.count() == 150 == report.participants
    assert Trajectory.objects.count() == report.trajectories
    # Every participant has one trajectory, some a second one in another project.
    assert 150 <= report.trajectories <= 300


def test_uses_the_region_first_then_invented_municipalities():
    report = generate_synthetic(participants=400, years=2, municipalities=10, seed=1)
    used = set(Participant.objects.values_list("municipality__name", flat=True).distinct())
    assert report.municipalities == 10
    assert "Hilversum" in used
    assert used <= {
        "Hilversum",
        "Gooise Meren",
        "Huizen",
        "Wijdemeren",
        "Blaricum",
        "Laren",
        "Eemnes",
        *synthetic_municipality_names(3),
    }
    assert Municipality.objects.count() == 10


def test_invented_municipality_names_suffice_for_the_whole_country():
    names = synthetic_municipality_names(MAX_MUNICIPALITIES - 7)
    assert len(set(names)) == MAX_MUNICIPALITIES - 7


def test_dates_are_in_order_and_within_the_data_set():
    generate_synthetic(participants=300, years=3, municipalities=7, seed=3)
    trajectories = Trajectory.objects.all()
    assert not trajectories.filter(start_date__lt=F("enrolment_date")).exists()
    assert not trajectories.filter(end_date__lt=F("start_date")).exists()
    assert not trajectories.filter(end_date__isnull=False, start_date__isnull=True).exists()
    assert not trajectories.filter(enrolment_date__gt=LAST_DAY).exists()
    assert not trajectories.filter(end_date__gt=LAST_DAY).exists()
    assert not trajectories.filter(enrolment_date__lt=dt.date(LAST_DAY.year - 2, 1, 1)).exists()


def test_an_outcome_exactly_when_ended():
    generate_synthetic(participants=300, years=3, municipalities=7, seed=3)
    assert not Trajectory.objects.filter(end_date__isnull=True).exclude(outcome="").exists()
    assert not Trajectory.objects.filter(end_date__isnull=False, outcome="").exists()


def test_participants_are_adults_of_working_age_at_enrolment():
    generate_synthetic(participants=300, years=3, municipalities=7, seed=3)
    for trajectory in Trajectory.objects.select_related("participant"):
        assert 16 <= trajectory.participant.age_on(trajectory.enrolment_date) <= 66


def test_each_trajectory_is_paid_by_the_participants_municipality():
    generate_synthetic(participants=200, years=2, municipalities=20, seed=4)
    assert not Trajectory.objects.exclude(
        municipality_at_start=F("participant__municipality")
    ).exists()


def test_success_rates_follow_the_documents():
    generate_synthetic(participants=3000, years=4, municipalities=7, seed=5)
    ended = Trajectory.objects.filter(project__slug="zorgstart", end_date__isnull=False)
    dropped = ended.filter(outcome="gestopt").count()
    # Zorgstart counts "succesvol afgerond": everything but dropping out (documents: 81 %).
    rate = 1 - dropped / ended.count()
    assert abs(rate - SUCCESS_RATES["zorgstart"]) < 0.05


def test_every_year_of_the_data_set_has_a_tariff_so_runs_can_be_issued():
    generate_synthetic(participants=300, years=4, municipalities=7, seed=6)
    first_year = LAST_DAY.year - 3
    preview = run_preview(period=Period.parse(f"{LAST_DAY.year}-Q4"), today=dt.date(2026, 1, 5))
    assert preview.attention == []
    assert preview.invoices
    assert Agreement.objects.filter(year=first_year).exists()


def test_refuses_a_database_that_holds_trajectories():
    generate_synthetic(participants=5, years=1, municipalities=7, seed=1)
    with pytest.raises(ValidationError):
        generate_synthetic(participants=5, years=1, municipalities=7, seed=1)


@pytest.mark.parametrize(
    ("participants", "years", "municipalities"),
    [(0, 1, 7), (5, 0, 7), (5, 1, 0), (5, 26, 7), (5, 1, 343)],
)
def test_refuses_sizes_out_of_range(participants, years, municipalities):
    with pytest.raises(ValidationError):
        generate_synthetic(participants=participants, years=years, municipalities=municipalities)


def test_command_reports_what_it_created(capsys):
    call_command(
        "generate_synthetic", "--participants", "20", "--years", "1", "--municipalities", "8"
    )
    out = capsys.readouterr().out
    assert "20 deelnemers" in out
    assert Participant.objects.count() == 20
