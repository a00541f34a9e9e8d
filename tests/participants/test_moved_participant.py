"""Of a participant who moved away, the former municipality sees the name and the trajectories
it paid for, nothing more; the new municipality sees nothing of the former one's time. One rule
(participants.selectors.participant_visibility) behind the list, search, filters, pages, files
and invoices."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import InvoiceLine
from participants.selectors import (
    participant_dossier,
    participant_list_for,
    participants_for,
    trajectories_for,
)
from participants.services import referral_place, referral_submit
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _main(html: str) -> str:
    """The page without its layout (the footer names every municipality of the region)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_former_municipality_lists_the_name_without_residence_details(
    client_for, huizen_case_manager, moves
):
    content = client_for(huizen_case_manager).get("/deelnemers/").content.decode()

    assert "Verhuisd" in content
    assert "LA-777001" not in content
    assert "23-11-1977" not in content
    assert "Laren" not in _main(content)


def test_current_municipality_lists_its_resident_in_full(client_for, laren_case_manager, moves):
    content = client_for(laren_case_manager).get("/deelnemers/").content.decode()

    assert "LA-777001" in content
    assert "23-11-1977" in content


@pytest.mark.parametrize("query", ["LA-777001", "23-11-1977", "1977-11-23", "Mees 23-11-1977"])
def test_former_municipality_cannot_find_a_person_by_a_hidden_detail(
    client_for, huizen_case_manager, moves, query
):
    content = client_for(huizen_case_manager).get("/deelnemers/", {"q": query}).content.decode()

    assert "Verhuisd" not in content


def test_former_municipality_finds_a_person_by_name(client_for, huizen_case_manager, moves):
    content = (
        client_for(huizen_case_manager).get("/deelnemers/", {"q": "Verhuisd"}).content.decode()
    )

    assert "Verhuisd" in content


def test_current_municipality_finds_its_resident_by_klantnummer_and_birth_date(
    laren_case_manager, moves
):
    found = participant_list_for(user=laren_case_manager, query="LA-777001 23-11-1977")

    assert [p.last_name for p in found] == ["Verhuisd"]


@pytest.mark.parametrize("sort", ["date_of_birth", "-municipality", "client_number"])
def test_sorting_on_a_hidden_detail_shows_nothing_of_it(
    client_for, huizen_case_manager, moves, sort
):
    response = client_for(huizen_case_manager).get("/deelnemers/", {"sort": sort})

    assert response.status_code == 200
    assert "LA-777001" not in response.content.decode()


def test_a_hidden_detail_sorts_as_empty(huizen_case_manager, moves):
    mees = participant_list_for(user=huizen_case_manager).get(pk=moves["to_laren"].participant.pk)

    assert (mees.sort_date_of_birth, mees.sort_municipality, mees.sort_client_number) == (
        None,
        None,
        None,
    )


def test_the_right_of_access_file_reads_through_the_rule(huizen_case_manager, moves):
    dossier = participant_dossier(
        user=huizen_case_manager, participant=moves["to_laren"].participant, now=timezone.now()
    )

    assert dossier["participant"]["client_number"] == ""
    assert dossier["participant"]["date_of_birth"] is None
    assert dossier["participant"]["municipality"] is None
    assert [t["id"] for t in dossier["trajectories"]] == [moves["to_laren"].former_trajectory.pk]


def test_a_former_municipality_reads_masked_participants(huizen_case_manager, moves):
    mees = participants_for(user=huizen_case_manager).get(pk=moves["to_laren"].participant.pk)

    assert mees.details_visible is False
    assert (mees.date_of_birth, mees.municipality_id, mees.client_number) == (None, None, "")
    assert (mees.benefit_type, mees.is_refugee, mees.is_psychologically_vulnerable) == (
        "",
        None,
        None,
    )
    assert mees.first_name == "Mees"


def test_trajectories_carry_masked_participants_to_the_former_municipality(
    huizen_case_manager, moves
):
    (trajectory,) = trajectories_for(user=huizen_case_manager).filter(
        participant=moves["to_laren"].participant
    )

    assert trajectory.participant.client_number == ""
    assert trajectory.participant.date_of_birth is None


def test_a_masked_participant_cannot_be_saved(huizen_case_manager, moves):
    mees = participants_for(user=huizen_case_manager).get(pk=moves["to_laren"].participant.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        mees.save()


def test_coordinator_reads_everything(coordinator, moves):
    mees = participants_for(user=coordinator).get(pk=moves["to_laren"].participant.pk)

    assert mees.details_visible is True
    assert mees.client_number == "LA-777001"


@pytest.mark.parametrize(
    "query", ["name=LA-777001", "target_group=statushouder", "target_group=50plus"]
)
def test_former_municipality_cannot_filter_trajectories_on_a_hidden_detail(
    client_for, huizen_case_manager, moves, query
):
    content = client_for(huizen_case_manager).get(f"/trajecten/?{query}").content.decode()

    assert "Verhuisd" not in content


def test_current_municipality_filters_its_residents_on_target_group(
    client_for, laren_case_manager, moves
):
    content = (
        client_for(laren_case_manager).get("/trajecten/?target_group=statushouder").content.decode()
    )

    assert "Verhuisd" in content


def test_the_participant_page_of_the_former_municipality_hides_the_details(
    client_for, huizen_case_manager, moves
):
    content = (
        client_for(huizen_case_manager)
        .get(moves["to_laren"].participant.get_absolute_url())
        .content
    ).decode()

    assert "woont niet (meer) in uw gemeente" in content
    assert "LA-777001" not in content
    assert "notitie-van-laren" not in content


def test_the_former_municipality_cannot_download_the_right_of_access_file(
    client_for, huizen_case_manager, moves
):
    pk = moves["to_laren"].participant.pk

    assert client_for(huizen_case_manager).get(f"/deelnemers/{pk}/inzage.json").status_code == 404


def _dossier(client, move):
    return json.loads(client.get(f"/deelnemers/{move.participant.pk}/inzage.json").content)


def test_right_of_access_of_the_new_municipality_holds_nothing_of_the_former(
    client_for, huizen_case_manager, moves
):
    dossier = _dossier(client_for(huizen_case_manager), moves["to_huizen"])
    text = json.dumps(dossier, ensure_ascii=False)

    assert "LA-555002" not in text
    assert "Laren" not in text
    assert "klantmanager-laren" not in text
    assert "notitie-van-laren" not in text


def test_right_of_access_of_the_new_municipality_keeps_its_own_values_of_the_move(
    client_for, huizen_case_manager, moves
):
    dossier = _dossier(client_for(huizen_case_manager), moves["to_huizen"])

    moves_in = [
        change
        for row in dossier["audit_trail"]
        for change in row["changes"]
        if change["field"] == "klantnummer"
    ]
    assert moves_in == [{"field": "klantnummer", "old": None, "new": "HU-888002"}]


def test_right_of_access_of_the_coordinator_holds_the_whole_trail(client_for, coordinator, moves):
    text = json.dumps(_dossier(client_for(coordinator), moves["to_huizen"]))

    assert "LA-555002" in text
    assert "klantmanager-laren" in text


def test_an_invoice_names_a_participant_who_moved_away_by_initials(billed_moves):
    line = InvoiceLine.objects.get(invoice__municipality__slug="huizen")

    assert line.participant_reference == "M.V. (1977)"


# --- referrals of people who moved ---------------------------------------------------------------


def _refer_mees(user, project):
    return referral_submit(
        user=user,
        municipality=user.municipality,
        project=project,
        first_name="Mees",
        last_name="Verhuisd",
        date_of_birth=dt.date(1977, 11, 23),
        motivation="Wil een vak leren.",
    )


def test_the_new_municipality_refers_its_resident_onto_the_existing_record(
    client_for, coordinator, laren_case_manager, huizen_case_manager, moves
):
    mees = moves["to_laren"].participant
    referral = _refer_mees(laren_case_manager, ProjectFactory(name="Taalhuis"))

    referral_place(user=coordinator, referral=referral, existing=mees)

    referral.refresh_from_db()
    assert referral.trajectory.participant == mees
    assert referral.trajectory.municipality_at_start == mees.municipality
    former = client_for(huizen_case_manager)
    assert former.get(referral.get_absolute_url()).status_code == 404
    assert former.get(referral.trajectory.get_absolute_url()).status_code == 404
    assert "Taalhuis" not in _main(former.get("/aanmeldingen/").content.decode())


def test_the_former_municipality_cannot_place_a_referral_onto_a_person_who_moved_away(
    coordinator, huizen_case_manager, moves
):
    mees = moves["to_laren"].participant
    referral = _refer_mees(huizen_case_manager, ProjectFactory(name="Taalhuis"))

    with pytest.raises(ValidationError, match="woont volgens de administratie in Laren"):
        referral_place(user=coordinator, referral=referral, existing=mees)
