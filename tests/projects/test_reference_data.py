"""The reference data from the documents, loaded by load_reference_data."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Agreement, Decision, Project, TariffOption
from projects.selectors import agreement_totals
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
