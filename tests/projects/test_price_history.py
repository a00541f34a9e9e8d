"""Billing rule 8 in the catalogue: the agreement page shows each option's price history, the
agreement form takes a new price from a date, the reference data carries dated prices."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.models import TariffOption, TariffPrice
from projects.services import load_reference_data, tariff_price_add
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def motopp_option():
    project = ProjectFactory(name="Motopp", slug="motopp")
    return TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        label="Standaard",
        price_per_participant=Decimal("0.00"),
    )


def update_post(option, **extra):
    agreement = option.agreement
    data = {
        "year": str(agreement.year),
        "joint_project_costs": "0.00",
        "estimated_participants": "10",
        "target_trajectories": "",
        "target_success_rate": "",
        "target_text": "",
        "notes": "",
        "vat_treatment": "outside_scope",
        "tarief-TOTAL_FORMS": "1",
        "tarief-INITIAL_FORMS": "1",
        "tarief-MIN_NUM_FORMS": "0",
        "tarief-MAX_NUM_FORMS": "1000",
        "tarief-0-id": str(option.pk),
        "tarief-0-agreement": str(agreement.pk),
        "tarief-0-label": option.label,
        "tarief-0-price_per_participant": str(option.price_per_participant),
        "tarief-0-price_from": "",
        "tarief-0-project_costs": "",
        "tarief-0-min_group_size": "",
        "tarief-0-is_default": "on",
        "prijs-option": "",
        "prijs-valid_from": "",
        "prijs-price": "",
    }
    data.update(extra)
    return data


def url(option):
    return f"/projecten/motopp/jaarafspraak/{option.agreement.pk}/"


def test_agreement_page_shows_each_options_price_history(client_for, coordinator, motopp_option):
    tariff_price_add(option=motopp_option, valid_from=dt.date(2026, 7, 1), price=Decimal("2400"))

    response = client_for(coordinator).get("/projecten/motopp/")

    text = response.content.decode()
    assert "vanaf 01-01-2026" in text and "vanaf 01-07-2026" in text
    assert "2.400,00" in text


def test_agreement_form_adds_a_new_price_from_a_date(client_for, coordinator, motopp_option):
    response = client_for(coordinator).post(
        url(motopp_option),
        update_post(
            motopp_option,
            **{
                "prijs-option": str(motopp_option.pk),
                "prijs-valid_from": "2026-07-01",
                "prijs-price": "2.400,00",
            },
        ),
    )

    assert response.status_code == 302
    later = TariffPrice.objects.get(option=motopp_option)
    assert (later.valid_from, later.price) == (dt.date(2026, 7, 1), Decimal("2400.00"))


def test_agreement_form_refuses_a_new_price_without_its_date(
    client_for, coordinator, motopp_option
):
    response = client_for(coordinator).post(
        url(motopp_option),
        update_post(motopp_option, **{"prijs-option": str(motopp_option.pk), "prijs-price": "5"}),
    )

    assert response.status_code == 200
    assert "de datum en de prijs in" in response.content.decode()
    assert not TariffPrice.objects.exists()


def test_agreement_form_refuses_to_change_an_applied_price(client_for, coordinator, motopp_option):
    TariffOption.objects.filter(pk=motopp_option.pk).update(price_applied_until=dt.date(2026, 2, 3))

    response = client_for(coordinator).post(
        url(motopp_option), update_post(motopp_option, **{"tarief-0-price_per_participant": "9"})
    )

    assert response.status_code == 200
    assert "al toegepast" in response.content.decode()
    motopp_option.refresh_from_db()
    assert motopp_option.price_per_participant == Decimal("0.00")


def test_reference_data_loads_an_options_first_price_date_and_later_prices(tmp_path):
    path = tmp_path / "reference.toml"
    path.write_text(
        """
[[programmes]]
slug = "p"
name = "P"

[[projects]]
slug = "motopp"
name = "Motopp"
programme = "p"
status = "running"
success_criterion = "work"

[[agreements]]
project = "motopp"
year = 2026
  [[agreements.tariff_options]]
  label = "Standaard"
  price_per_participant = "0.00"
  price_from = 2026-01-01
  is_default = true
  later_prices = [{ valid_from = 2026-07-01, price = "2400.00" }]
""",
        encoding="utf-8",
    )

    load_reference_data(path=path)

    [step_1, step_2] = TariffOption.objects.get(label="Standaard").price_history()
    assert (step_1.valid_from, step_1.price) == (dt.date(2026, 1, 1), Decimal("0.00"))
    assert (step_2.valid_from, step_2.price) == (dt.date(2026, 7, 1), Decimal("2400.00"))


def test_agreement_form_refuses_fixed_percentages_that_do_not_add_up_to_100(
    client_for, coordinator, motopp_option
):
    from tests.factories import MunicipalityFactory

    huizen = MunicipalityFactory(name="Huizen", slug="huizen")
    laren = MunicipalityFactory(name="Laren", slug="laren")

    response = client_for(coordinator).post(
        url(motopp_option),
        update_post(
            motopp_option,
            cost_sharing="fixed",
            **{f"percentage_{huizen.pk}": "60", f"percentage_{laren.pk}": "30"},
        ),
    )

    assert response.status_code == 200
    assert "tellen op tot 90,00%" in response.content.decode()
    motopp_option.agreement.refresh_from_db()
    assert motopp_option.agreement.cost_sharing == "central"


def test_agreement_form_keeps_fixed_percentages_that_add_up_to_100(
    client_for, coordinator, motopp_option
):
    from tests.factories import MunicipalityFactory

    huizen = MunicipalityFactory(name="Huizen", slug="huizen")
    laren = MunicipalityFactory(name="Laren", slug="laren")

    response = client_for(coordinator).post(
        url(motopp_option),
        update_post(
            motopp_option,
            cost_sharing="fixed",
            **{f"percentage_{huizen.pk}": "62,5", f"percentage_{laren.pk}": "37.5"},
        ),
    )

    assert response.status_code == 302
    shares = dict(motopp_option.agreement.cost_shares.values_list("municipality", "percentage"))
    assert shares == {huizen.pk: Decimal("62.50"), laren.pk: Decimal("37.50")}


def test_agreement_form_with_an_impossible_year_shows_the_error_and_the_stored_prices(
    client_for, coordinator, motopp_option
):
    response = client_for(coordinator).post(
        url(motopp_option), update_post(motopp_option, year="9" * 40)
    )

    assert response.status_code == 200
    assert "vanaf 01-01-2026" in response.content.decode()
