"""Right of access (AVG art. 15): everything stored about one participant as one JSON file."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.constants import AccessAction
from audit.selectors import accesses_for, entry_kind
from tests.factories import ParticipantFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(huizen, laren):
    participant = ParticipantFactory(
        municipality=huizen, first_name="Mila", last_name="Kok", client_number="H-12"
    )
    TrajectoryFactory(
        participant=participant,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 2, 3),
        notes="Start na de zomer.",
    )
    # An earlier trajectory, paid by Laren before the move to Huizen.
    TrajectoryFactory(
        participant=participant, municipality_at_start=laren, enrolment_date=dt.date(2023, 3, 1)
    )
    return participant


def export(client, participant):
    return client.get(reverse("participants:export", args=[participant.pk]))


def test_coordinator_downloads_everything_about_a_participant_as_json(
    client_for, coordinator, participant
):
    response = export(client_for(coordinator), participant)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    dossier = json.loads(response.content)
    assert dossier["participant"]["last_name"] == "Kok"
    assert dossier["participant"]["client_number"] == "H-12"
    assert len(dossier["trajectories"]) == 2
    assert dossier["trajectories"][1]["notes"] == "Start na de zomer."
    assert {entry["action"] for entry in dossier["audit_trail"]} >= {"aangemaakt"}


def test_the_export_is_in_the_access_log(client_for, coordinator, participant):
    export(client_for(coordinator), participant)

    entry = accesses_for([participant]).get()
    assert (entry.actor, entry_kind(entry)) == (coordinator, AccessAction.EXPORT)


def test_the_municipality_of_residence_exports_only_its_own_trajectories(
    client_for, huizen_case_manager, participant
):
    dossier = json.loads(export(client_for(huizen_case_manager), participant).content)

    assert [t["municipality_at_start"] for t in dossier["trajectories"]] == ["Huizen"]


def test_a_former_municipality_cannot_export(client_for, laren_case_manager, participant):
    assert export(client_for(laren_case_manager), participant).status_code == 404
    assert not accesses_for([participant]).exists()


def test_the_board_cannot_export(client_for, board_member, participant):
    assert export(client_for(board_member), participant).status_code == 403


def test_the_export_link_is_on_the_participant_page(client_for, coordinator, participant):
    page = client_for(coordinator).get(participant.get_absolute_url()).content.decode()

    assert reverse("participants:export", args=[participant.pk]) in page


def _refer(case_manager, **names):
    from participants.services import referral_submit
    from tests.factories import ProjectFactory

    return referral_submit(
        user=case_manager,
        municipality=case_manager.municipality,
        project=ProjectFactory(),
        date_of_birth=dt.date(1990, 5, 1),
        motivation="Wil de zorg in.",
        **names,
    )


def test_the_file_holds_the_referrals_that_became_the_persons_trajectories(
    client_for, coordinator, huizen_case_manager
):
    from participants.services import referral_place

    referral = referral_place(
        user=coordinator,
        referral=_refer(huizen_case_manager, first_name="Mila", last_name="Kok"),
    )
    participant = referral.trajectory.participant

    dossier = json.loads(export(client_for(coordinator), participant).content)

    (item,) = dossier["referrals"]
    assert (item["id"], item["status"], item["trajectory"]) == (
        referral.pk,
        "geplaatst",
        referral.trajectory_id,
    )
    assert item["motivation"] == "Wil de zorg in."
    assert any(row["record"] == str(referral) for row in dossier["audit_trail"])


def test_the_file_holds_an_unplaced_referral_of_the_same_person_and_no_one_elses(
    client_for, coordinator, huizen, huizen_case_manager
):
    from participants.services import referral_decline

    participant = ParticipantFactory(
        municipality=huizen, first_name="Mila", last_name="Kok", date_of_birth=dt.date(1990, 5, 1)
    )
    declined = referral_decline(
        user=coordinator,
        referral=_refer(huizen_case_manager, first_name="mila", last_name="Kok"),
        reason="Vol.",
    )
    _refer(huizen_case_manager, first_name="Mila", last_name="Anders")

    dossier = json.loads(export(client_for(coordinator), participant).content)

    assert [(r["id"], r["decline_reason"]) for r in dossier["referrals"]] == [(declined.pk, "Vol.")]


def test_a_klantmanager_reads_no_referral_of_another_municipality_in_the_file(
    client_for, huizen, laren_case_manager, huizen_case_manager
):
    participant = ParticipantFactory(
        municipality=huizen, first_name="Mila", last_name="Kok", date_of_birth=dt.date(1990, 5, 1)
    )
    # Laren referred her before she moved to Huizen; Huizen's file does not show Laren's.
    from participants.models import Referral

    laren_referral = _refer(laren_case_manager, first_name="Mila", last_name="Kok")

    dossier = json.loads(export(client_for(huizen_case_manager), participant).content)

    assert dossier["referrals"] == []
    assert Referral.objects.filter(pk=laren_referral.pk).exists()
