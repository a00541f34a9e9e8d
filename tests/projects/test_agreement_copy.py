"""Copy last year's agreements into a new year, after which the coordinator changes what
differs: a confirmation page lists what will be copied; a project that already has an
agreement for the new year is refused; each copy is in the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from projects.models import Agreement
from projects.services import agreements_copy_from_previous_year, tariff_price_add
from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    TariffOptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement_2025():
    """Wijkleerbedrijf 2025 under the Werkcentrum: two tariff options, the default raised
    from € 4.000 to € 4.200 on 1 July, and a fixed split of the project costs."""
    from projects.models import AgreementCostShare

    programme = ProgrammeFactory(name="Regionaal Werkcentrum")
    agreement = AgreementFactory(
        project=ProjectFactory(name="Wijkleerbedrijf"),
        year=2025,
        programme=programme,
        joint_project_costs=Decimal("100000.00"),
        estimated_participants=30,
        target_text="80% diplomarendement",
        cost_sharing="fixed",
    )
    default = TariffOptionFactory(
        agreement=agreement,
        label="Met projectkosten",
        price_per_participant=Decimal("4000.00"),
        min_group_size=10,
    )
    TariffOptionFactory(
        agreement=agreement,
        label="Zonder projectkosten",
        is_default=False,
        price_per_participant=Decimal("6838.00"),
        min_group_size=15,
    )
    tariff_price_add(option=default, valid_from=dt.date(2025, 7, 1), price=Decimal("4200.00"))
    for name, percentage in (("Hilversum", "60.00"), ("Huizen", "40.00")):
        AgreementCostShare.objects.create(
            agreement=agreement,
            municipality=MunicipalityFactory(name=name, slug=name.lower()),
            percentage=Decimal(percentage),
        )
    return agreement


def test_copy_takes_costs_targets_programme_cost_shares_and_tariff_options(
    agreement_2025, coordinator
):
    [copy] = agreements_copy_from_previous_year(year=2026, user=coordinator).copied

    assert (copy.year, copy.project, copy.programme) == (
        2026,
        agreement_2025.project,
        agreement_2025.programme,
    )
    assert copy.joint_project_costs == Decimal("100000.00")
    assert (copy.estimated_participants, copy.target_text) == (30, "80% diplomarendement")
    assert copy.cost_sharing == "fixed"
    assert sorted(copy.cost_shares.values_list("municipality__name", "percentage")) == [
        ("Hilversum", Decimal("60.00")),
        ("Huizen", Decimal("40.00")),
    ]
    options = {o.label: o for o in copy.tariff_options.all()}
    assert options["Met projectkosten"].is_default
    assert options["Zonder projectkosten"].min_group_size == 15
    assert options["Zonder projectkosten"].price_per_participant == Decimal("6838.00")


def test_copy_prices_each_option_at_the_price_in_force_at_the_end_of_the_old_year(
    agreement_2025, coordinator
):
    [copy] = agreements_copy_from_previous_year(year=2026, user=coordinator).copied

    option = copy.tariff_options.get(label="Met projectkosten")
    assert option.price_per_participant == Decimal("4200.00")
    assert option.first_price_from == dt.date(2026, 1, 1)
    assert not option.later_prices.exists()


def test_copy_refuses_a_project_that_already_has_an_agreement_for_the_new_year(
    agreement_2025, coordinator
):
    existing = AgreementFactory(project=agreement_2025.project, year=2026)
    other = AgreementFactory(project=ProjectFactory(name="Motopp"), year=2025)
    TariffOptionFactory(agreement=other)

    result = agreements_copy_from_previous_year(year=2026, user=coordinator)

    assert [a.project.name for a in result.copied] == ["Motopp"]
    assert result.refused == [
        "Wijkleerbedrijf heeft al een jaarafspraak voor 2026; die wordt niet overschreven. "
        "Pas hem aan op de projectpagina."
    ]
    existing.refresh_from_db()
    assert existing.joint_project_costs == Decimal("0.00")  # untouched


def test_copy_with_every_project_taken_or_nothing_to_copy_is_refused_in_dutch(
    agreement_2025, coordinator
):
    AgreementFactory(project=agreement_2025.project, year=2026)

    with pytest.raises(ValidationError, match="heeft al een jaarafspraak voor 2026"):
        agreements_copy_from_previous_year(year=2026, user=coordinator)
    with pytest.raises(ValidationError, match="geen jaarafspraken van 2030"):
        agreements_copy_from_previous_year(year=2031, user=coordinator)


def test_each_copy_is_in_the_audit_trail_with_its_origin(agreement_2025, coordinator):
    [copy] = agreements_copy_from_previous_year(year=2026, user=coordinator).copied

    entry = LogEntry.objects.get_for_object(copy).get()
    assert entry.actor == coordinator
    assert entry.action == LogEntry.Action.CREATE
    assert entry.changes_dict["overgenomen van"] == [None, "Wijkleerbedrijf 2025"]


def test_confirmation_page_lists_what_will_be_copied_and_what_is_refused(
    agreement_2025, client_for, coordinator
):
    taken = AgreementFactory(project=ProjectFactory(name="Motopp"), year=2026)
    TariffOptionFactory(agreement=AgreementFactory(project=taken.project, year=2025))

    response = client_for(coordinator).get("/projecten/jaarafspraken/2026/overnemen/")
    content = response.content.decode()

    assert "Wijkleerbedrijf" in content and "Met projectkosten: €\u00a04.200,00" in content
    assert "al een jaarafspraak voor 2026" in content and "Motopp" in content
    assert Agreement.objects.filter(year=2026).count() == 1  # nothing copied by looking


def test_confirming_copies_and_sends_the_coordinator_to_the_projects(
    agreement_2025, client_for, coordinator
):
    response = client_for(coordinator).post("/projecten/jaarafspraken/2026/overnemen/")

    assert response.status_code == 302
    assert Agreement.objects.filter(year=2026, project=agreement_2025.project).exists()


def test_a_refused_copy_shows_the_reason_on_the_page(agreement_2025, client_for, coordinator):
    AgreementFactory(project=agreement_2025.project, year=2026)

    response = client_for(coordinator).post("/projecten/jaarafspraken/2026/overnemen/")

    assert response.status_code == 200
    assert "heeft al een jaarafspraak voor 2026" in response.content.decode()
