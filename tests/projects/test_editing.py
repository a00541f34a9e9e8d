"""Coordinators keep the catalogue; every rule is checked with a Dutch message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import Agreement, BudgetLine, Decision, Project, TariffOption
from tests.factories import (
    AgreementFactory,
    DecisionFactory,
    ProgrammeFactory,
    ProjectFactory,
    TariffOptionFactory,
)

pytestmark = pytest.mark.django_db


def agreement_post(year, *options, **extra):
    data = {
        "year": str(year),
        "joint_project_costs": "1000.00",
        "estimated_participants": "10",
        "target_trajectories": "",
        "target_success_rate": "",
        "target_text": "",
        "notes": "",
        "vat_treatment": "outside_scope",
        "tarief-TOTAL_FORMS": str(len(options)),
        "tarief-INITIAL_FORMS": "0",
        "tarief-MIN_NUM_FORMS": "0",
        "tarief-MAX_NUM_FORMS": "1000",
    }
    for i, (label, price, default) in enumerate(options):
        data[f"tarief-{i}-label"] = label
        data[f"tarief-{i}-price_per_participant"] = price
        data[f"tarief-{i}-project_costs"] = ""
        data[f"tarief-{i}-min_group_size"] = ""
        if default:
            data[f"tarief-{i}-is_default"] = "on"
    data.update(extra)
    return data


def test_coordinator_creates_a_project_with_a_slug_from_its_name(client_for, coordinator):
    programme = ProgrammeFactory()

    response = client_for(coordinator).post(
        "/projecten/nieuw/",
        {
            "name": "Groene Banen",
            "slug": "",
            "programme": programme.pk,
            "status": "running",
            "success_criterion": "work",
            "aliases": "Groen, GB",
        },
    )

    project = Project.objects.get(name="Groene Banen")
    assert response.status_code == 302
    assert project.slug == "groene-banen"
    assert project.aliases == ["Groen", "GB"]


def test_second_project_with_the_same_name_is_refused(client_for, coordinator):
    existing = ProjectFactory(name="Motopp")

    response = client_for(coordinator).post(
        "/projecten/nieuw/",
        {
            "name": "Motopp",
            "programme": existing.programme.pk,
            "status": "running",
            "success_criterion": "work",
        },
    )

    assert response.status_code == 200
    assert Project.objects.filter(name="Motopp").count() == 1
    assert "Deze naam is al in gebruik; kies een andere." in response.content.decode()


def test_coordinator_adds_an_agreement_with_two_tariff_options(client_for, coordinator):
    project = ProjectFactory(slug="wijkleerbedrijf")

    response = client_for(coordinator).post(
        "/projecten/wijkleerbedrijf/jaarafspraak/nieuw/",
        agreement_post(2026, ("Vanaf 10", "4000.00", True), ("Vanaf 15", "6838.00", False)),
    )

    assert response.status_code == 302
    agreement = Agreement.objects.get(project=project, year=2026)
    assert sorted(agreement.tariff_options.values_list("price_per_participant", flat=True)) == [
        Decimal("4000.00"),
        Decimal("6838.00"),
    ]


def test_second_agreement_for_the_same_year_is_refused_with_a_clear_message(
    client_for, coordinator
):
    project = ProjectFactory(slug="motopp")
    TariffOptionFactory(agreement=AgreementFactory(project=project, year=2025))

    response = client_for(coordinator).post(
        "/projecten/motopp/jaarafspraak/nieuw/", agreement_post(2025, ("Standaard", "1.00", True))
    )

    assert response.status_code == 200
    assert "Dit project heeft al een jaarafspraak voor dit jaar." in response.content.decode()
    assert Agreement.objects.filter(project=project).count() == 1


def test_negative_price_is_refused(client_for, coordinator):
    ProjectFactory(slug="motopp")

    response = client_for(coordinator).post(
        "/projecten/motopp/jaarafspraak/nieuw/",
        agreement_post(2025, ("Standaard", "-100.00", True)),
    )

    assert response.status_code == 200
    assert not Agreement.objects.exists()
    assert "Zorg ervoor dat deze waarde minstens 0" in response.content.decode()


def test_negative_price_is_refused_by_the_service_too():
    agreement = AgreementFactory()
    option = TariffOption(agreement=agreement, label="X", price_per_participant=Decimal("-1"))

    with pytest.raises(ValidationError):
        services.agreement_save(agreement=agreement, tariff_options=[option])


def test_agreement_needs_exactly_one_default_tariff(client_for, coordinator):
    ProjectFactory(slug="motopp")

    response = client_for(coordinator).post(
        "/projecten/motopp/jaarafspraak/nieuw/",
        agreement_post(2025, ("A", "10.00", True), ("B", "20.00", True)),
    )

    assert response.status_code == 200
    assert str(services.ONE_DEFAULT_TARIFF) in response.content.decode()
    assert not Agreement.objects.exists()


def test_agreement_without_tariff_options_is_refused(client_for, coordinator):
    ProjectFactory(slug="motopp")

    response = client_for(coordinator).post(
        "/projecten/motopp/jaarafspraak/nieuw/", agreement_post(2025)
    )

    assert str(services.AT_LEAST_ONE_TARIFF) in response.content.decode()
    assert not Agreement.objects.exists()


def test_moving_the_default_to_another_option_keeps_one_default():
    agreement = AgreementFactory()
    old = TariffOptionFactory(agreement=agreement, label="Oud", is_default=True)
    new = TariffOption(agreement=agreement, label="Nieuw", price_per_participant=Decimal("5"))
    old.is_default, new.is_default = False, True

    services.agreement_save(agreement=agreement, tariff_options=[old, new])

    assert list(agreement.tariff_options.filter(is_default=True)) == [new]


def test_coordinator_records_a_decision(client_for, coordinator):
    project = ProjectFactory(slug="zorgstart")

    response = client_for(coordinator).post(
        "/projecten/zorgstart/besluit/nieuw/",
        {"date": "2024-09-27", "body": "PFHO", "decision": "Verlengen met 1 jaar", "advice": ""},
    )

    assert response.status_code == 302
    assert project.decisions.get().date == dt.date(2024, 9, 27)


def test_decision_with_an_impossible_date_shows_an_error_and_keeps_the_input(
    client_for, coordinator
):
    ProjectFactory(slug="zorgstart")

    response = client_for(coordinator).post(
        "/projecten/zorgstart/besluit/nieuw/",
        {"date": "31-02-2024", "body": "PFHO", "decision": "Verlengen", "advice": ""},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Vul een datum in als dd-mm-jjjj" in content
    assert 'value="31-02-2024"' in content
    assert "Verlengen" in content
    assert not Decision.objects.exists()


def test_project_end_before_start_is_refused(client_for, coordinator):
    project = ProjectFactory(slug="motopp")

    response = client_for(coordinator).post(
        "/projecten/motopp/bewerken/",
        {
            "name": project.name,
            "slug": "motopp",
            "programme": project.programme.pk,
            "status": "running",
            "success_criterion": "work",
            "start_date": "2025-01-01",
            "end_date": "2024-01-01",
        },
    )

    assert response.status_code == 200
    assert "De einddatum ligt vóór de startdatum." in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/projecten/nieuw/",
        "/projecten/programma/nieuw/",
        "/projecten/motopp/bewerken/",
        "/projecten/motopp/jaarafspraak/nieuw/",
        "/projecten/motopp/besluit/nieuw/",
        "/begrotingen/nieuw/",
    ],
)
@pytest.mark.parametrize("who", ["huizen_user", "board_member"])
def test_only_coordinators_may_open_edit_pages(request, client_for, path, who):
    ProjectFactory(slug="motopp")
    client = client_for(request.getfixturevalue(who))

    assert client.get(path).status_code == 403
    assert client.post(path, {"name": "X"}).status_code == 403


def test_gemeente_user_cannot_change_a_decision(client_for, huizen_user):
    decision = DecisionFactory(decision="Verlengen")
    path = f"/projecten/{decision.project.slug}/besluit/{decision.pk}/"

    response = client_for(huizen_user).post(
        path, {"date": "2024-01-01", "body": "X", "decision": "Beëindigen"}
    )

    decision.refresh_from_db()
    assert response.status_code == 403
    assert decision.decision == "Verlengen"


def test_gemeente_user_cannot_delete_a_budget_line(client_for, huizen_user):
    from tests.factories import BudgetLineFactory

    line = BudgetLineFactory()

    response = client_for(huizen_user).post(
        f"/begrotingen/{line.budget_id}/regel/{line.pk}/verwijderen/"
    )

    assert response.status_code == 403
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_deleting_a_budget_line_asks_for_confirmation_first(client_for, coordinator):
    from tests.factories import BudgetLineFactory

    line = BudgetLineFactory(category="Communicatie")
    client = client_for(coordinator)
    path = f"/begrotingen/{line.budget_id}/regel/{line.pk}/verwijderen/"

    confirmation = client.get(path)
    assert "Weet u zeker" in confirmation.content.decode()
    assert BudgetLine.objects.filter(pk=line.pk).exists()

    response = client.post(path)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_coordinator_adds_a_budget_line(client_for, coordinator):
    from tests.factories import BudgetFactory

    budget = BudgetFactory()

    response = client_for(coordinator).post(
        f"/begrotingen/{budget.pk}/regel/nieuw/",
        {
            "kind": "expense",
            "nature": "incidental",
            "category": "Communicatie",
            "planned": "2500.50",
            "order": "1",
        },
    )

    assert response.status_code == 302
    assert budget.lines.get().planned == Decimal("2500.50")


def test_coordinator_renames_a_programme(client_for, coordinator):
    programme = ProgrammeFactory(slug="waw", name="Werken aan Werk")

    response = client_for(coordinator).post(
        "/projecten/programma/waw/bewerken/",
        {"name": "Werken aan Werk (2020-2024)", "slug": "waw", "start_date": "2020-01-01"},
    )

    programme.refresh_from_db()
    assert response.status_code == 302
    assert programme.name == "Werken aan Werk (2020-2024)"


def test_programme_ending_before_it_starts_is_refused(client_for, coordinator):
    ProgrammeFactory(slug="waw")

    response = client_for(coordinator).post(
        "/projecten/programma/waw/bewerken/",
        {"name": "X", "slug": "waw", "start_date": "2020-01-01", "end_date": "2019-01-01"},
    )

    assert "De einddatum ligt vóór de startdatum." in response.content.decode()


def test_a_tampered_tariff_form_count_is_capped_and_refused(client_for, coordinator):
    ProjectFactory(slug="motopp")
    data = agreement_post(2025, ("Standaard", "1.00", True))
    total = next(key for key in data if key.endswith("TOTAL_FORMS"))
    data[total] = "9" * 40

    response = client_for(coordinator).post("/projecten/motopp/jaarafspraak/nieuw/", data)

    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= 20
    assert not Agreement.objects.exists()
