"""The reference data from the documents, loaded by load_reference_data."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Agreement, Decision, Indicator, Programme, Project, TariffOption
from projects.selectors import agreement_totals
from projects.services import load_reference_data
from waw.models import Municipality

pytestmark = pytest.mark.django_db

TABEL_2_PRICES = {
    "Bouw en Techniekstart": "3000.00",
    "Wijkleerbedrijf": "4000.00",
    "AI Annotatielab": "3000.00",
    "Zorgstart": "0.00",
    "Statushouders voor de klas": "5200.00",
    "Ik in de kinderopvang": "4150.00",
    "Motopp": "3500.00",
    "Regiotrainingen": "500.00",
}


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)


def test_the_seven_municipalities_are_loaded(loaded):
    assert sorted(Municipality.objects.values_list("name", flat=True)) == sorted(
        ["Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum", "Laren", "Eemnes"]
    )
    assert list(Municipality.objects.filter(is_central=True).values_list("name", flat=True)) == [
        "Hilversum"
    ]


@pytest.mark.parametrize(("project", "price"), TABEL_2_PRICES.items())
def test_2025_price_per_participant_is_as_in_tabel_2(loaded, project, price):
    option = TariffOption.objects.get(
        agreement__project__name=project, agreement__year=2025, is_default=True
    )

    assert option.price_per_participant == Decimal(price)


def test_2025_totals_equal_tabel_2(loaded):
    totals = agreement_totals(year=2025)

    assert totals == {
        "joint_project_costs": Decimal("391000.00"),
        "estimated_participants": 426,
        "participant_costs": Decimal("514200.00"),
        "total_costs": Decimal("905200.00"),
    }


def test_loading_twice_changes_nothing(loaded):
    counts = (
        Project.objects.count(),
        Agreement.objects.count(),
        TariffOption.objects.count(),
        Decision.objects.count(),
    )

    call_command("load_reference_data", verbosity=0)

    assert counts == (
        Project.objects.count(),
        Agreement.objects.count(),
        TariffOption.objects.count(),
        Decision.objects.count(),
    )


def test_reload_keeps_a_coordinators_change(loaded):
    option = TariffOption.objects.get(agreement__project__name="Motopp", agreement__year=2025)
    option.price_per_participant = Decimal("3600.00")
    option.save()

    call_command("load_reference_data", verbosity=0)

    option.refresh_from_db()
    assert option.price_per_participant == Decimal("3600.00")


def test_zorgstart_2026_fixed_costs_are_shared_centrally(loaded):
    agreement = Agreement.objects.get(project__slug="zorgstart", year=2026)

    assert agreement.cost_sharing == "central"


def test_every_2026_agreement_states_its_cost_sharing(loaded):
    assert set(Agreement.objects.filter(year=2026).values_list("cost_sharing", flat=True)) == {
        "central"
    }


def test_inhabitants_are_left_empty_until_entered(loaded):
    from projects.models import MunicipalityInhabitants

    assert not MunicipalityInhabitants.objects.exists()


# --- monitor targets, earlier results and indicators from the documents -----------------------


def test_programme_targets_of_werken_aan_werk_come_from_seed_004(db):
    load_reference_data()

    programme = Programme.objects.get(slug="werken-aan-werk")

    assert (
        programme.target_trajectories,
        programme.target_training_trajectories,
        programme.target_to_work,
    ) == (1200, 800, 500)
    assert programme.targets_source.startswith("Monitor eerste kwartaal 2022")


def test_earlier_results_of_werken_aan_werk_come_from_seeds_004_and_003(db):
    load_reference_data()

    baselines = Programme.objects.get(slug="werken-aan-werk").baselines.order_by("until")

    assert [
        (b.until, b.trajectories, b.training_trajectories, b.to_work, b.source.split(":")[0])
        for b in baselines
    ] == [
        ("2022-Q1", 600, None, 225, "Monitor eerste kwartaal 2022"),
        ("2024-H2", None, 800, 500, "Routekaart arbeidsmarktinfrastructuur 2026–2030, Voorstel 2"),
    ]
    assert "ruim 600" in baselines[0].source and "meer dan 800" in baselines[1].source


def test_2025_agreements_have_the_expected_participants_as_trajectory_target(db):
    load_reference_data()

    targets = dict(
        Agreement.objects.filter(year=2025).values_list("project__slug", "target_trajectories")
    )
    sources = set(Agreement.objects.filter(year=2025).values_list("target_source", flat=True))

    assert targets == {
        "bouw-en-techniekstart": 25,
        "wijkleerbedrijf": 36,
        "ai-annotatielab": 24,
        "zorgstart": 200,
        "statushouders-voor-de-klas": 6,
        "ik-in-de-kinderopvang": 30,
        "motopp": 5,
        "regiotrainingen": 100,
    }
    assert sources == {
        "Voorstel verlenging Werken aan Werk en begroting 2025, Tabel 2 (verwacht aantal deelnemers 2025)"
    }


def test_seed_001_targets_become_indicators_with_yearly_targets_and_source(db):
    load_reference_data()

    events = Indicator.objects.get(project__slug="baan-talent-events", name="Events")

    assert list(events.targets.values_list("year", "target")) == [(2023, 7), (2024, 8)]
    assert all(
        t.source.startswith("Voorstel Werken aan Werk van 16 november 2023")
        for t in events.targets.all()
    )
    assert Indicator.objects.get(project__slug="ai-annotatielab").targets.get().target == 6


def test_scholing_projects_are_marked(db):
    load_reference_data()

    assert Project.objects.get(slug="wijkleerbedrijf").is_training
    assert not Project.objects.get(slug="regiotrainingen").is_training


def test_reloading_adds_no_second_baseline_or_indicator(db):
    load_reference_data()
    report = load_reference_data()

    assert "eerdere resultaten" not in report.created and "tellers" not in report.created
