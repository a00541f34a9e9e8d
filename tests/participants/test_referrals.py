"""Referrals (aanmeldingen): a klantmanager refers a resident of its own municipality, the
coordinator places the referral (through the enrolment and its duplicate rule) or declines it."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from participants import services
from participants.constants import ReferralStatus
from participants.models import Participant, Referral, Trajectory
from tests.factories import (
    CohortFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ProjectFactory,
    TrajectoryFactory,
    UserFactory,
)
from waw.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return CohortFactory(status="planned", name="Klas voorjaar", start_date=dt.date(2026, 3, 2))


def _refer(user, project, **extra):
    fields = {
        "municipality": user.municipality,
        "project": project,
        "first_name": "Sanne",
        "last_name": "de Wit",
        "date_of_birth": dt.date(1988, 4, 12),
        "motivation": "Wil graag aan het werk in de zorg.",
    }
    return services.referral_submit(user=user, **{**fields, **extra})


def _form(municipality, project, **extra):
    return {
        "municipality": municipality.pk,
        "project": project.pk,
        "first_name": "Sanne",
        "last_name": "de Wit",
        "date_of_birth": "12-04-1988",
        "motivation": "Wil graag aan het werk in de zorg.",
        **extra,
    }


# --- submitting ---------------------------------------------------------------------------------


def test_klantmanager_refers_a_resident_to_a_planned_group(
    client_for, huizen_case_manager, huizen, group
):
    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-create"), _form(huizen, group.project, cohort=group.pk)
    )

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.municipality, referral.cohort, referral.status) == (
        huizen,
        group,
        ReferralStatus.SUBMITTED,
    )
    assert referral.referred_by == huizen_case_manager


def test_a_referral_for_a_resident_of_another_municipality_is_refused(
    client_for, huizen_case_manager, laren, group
):
    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-create"), _form(laren, group.project)
    )

    assert response.status_code == 400
    assert (
        "U kunt alleen inwoners van Huizen aanmelden, niet van Laren" in response.content.decode()
    )
    assert not Referral.objects.exists()


def test_a_referral_to_an_ended_project_is_refused(client_for, huizen_case_manager, huizen):
    project = ProjectFactory(name="Oud project", status="ended")

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-create"), _form(huizen, project)
    )

    assert response.status_code == 400
    assert "Project Oud project is beëindigd" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_to_a_project_past_its_end_date_is_refused(huizen_case_manager):
    project = ProjectFactory(start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 12, 31))

    with pytest.raises(ValidationError, match="is beëindigd"):
        _refer(huizen_case_manager, project, today=dt.date(2026, 1, 5))


def test_a_referral_to_a_cancelled_group_is_refused(client_for, huizen_case_manager, huizen):
    cancelled = CohortFactory(status="cancelled", name="Klas geschrapt")

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-create"),
        _form(huizen, cancelled.project, cohort=cancelled.pk),
    )

    assert response.status_code == 400
    assert "Groep Klas geschrapt is geannuleerd" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_to_a_group_of_another_project_is_refused(huizen_case_manager, group):
    with pytest.raises(ValidationError, match="hoort bij een ander project"):
        _refer(huizen_case_manager, ProjectFactory(), cohort=group)


def _fill(group, n, **extra):
    for _ in range(n):
        TrajectoryFactory(
            project=group.project, cohort=group, enrolment_date=dt.date(2026, 1, 5), **extra
        )


def test_a_referral_to_a_full_planned_group_is_refused_in_dutch(
    client_for, huizen_case_manager, huizen, group
):
    group.capacity = 2
    group.save()
    _fill(group, 2)

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-create"), _form(huizen, group.project, cohort=group.pk)
    )

    assert response.status_code == 400
    assert (
        "Groep Klas voorjaar is vol (capaciteit 2); kies een andere groep of meld aan zonder groep."
        in response.content.decode()
    )
    assert not Referral.objects.exists()


def test_a_group_with_a_free_place_takes_a_referral(huizen_case_manager, group):
    group.capacity = 2
    group.save()
    _fill(group, 1)

    assert _refer(huizen_case_manager, group.project, cohort=group).cohort == group


def test_withdrawn_trajectories_and_open_referrals_take_no_place_in_a_group(
    huizen_case_manager, coordinator, group
):
    group.capacity = 1
    group.save()
    _fill(group, 1, withdrawn_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC), withdrawal_reason="Weg")
    _refer(huizen_case_manager, group.project, cohort=group)

    second = _refer(huizen_case_manager, group.project, cohort=group, first_name="Tweede")

    assert second.cohort == group


def test_the_referral_form_offers_only_running_projects_and_planned_groups(
    client_for, huizen_case_manager, group
):
    ProjectFactory(name="Afgelopen project", status="ended")
    CohortFactory(status="cancelled", name="Klas geschrapt")

    content = client_for(huizen_case_manager).get(reverse("participants:referral-create"))
    content = content.content.decode()

    assert "Klas voorjaar" in content
    assert "Afgelopen project" not in content and "Klas geschrapt" not in content


# --- placing and declining ------------------------------------------------------------------------


def test_placing_enrols_the_resident_in_the_group_linked_to_the_referral(
    coordinator, huizen_case_manager, huizen, group
):
    referral = _refer(huizen_case_manager, group.project, cohort=group)

    services.referral_place(user=coordinator, referral=referral, cohort=group)

    trajectory = Trajectory.objects.get()
    assert referral.status == ReferralStatus.PLACED and referral.trajectory == trajectory
    assert (trajectory.cohort, trajectory.project, trajectory.municipality_at_start) == (
        group,
        group.project,
        huizen,
    )
    assert trajectory.enrolment_date == referral.created_at.date()
    assert trajectory.participant.first_name == "Sanne"
    assert trajectory.changes.filter(field="aangemeld").exists()


def test_placing_a_known_person_requires_the_existing_record(
    coordinator, huizen_case_manager, huizen, group
):
    ParticipantFactory(
        first_name="sanne",
        last_name="De Wit",
        date_of_birth=dt.date(1988, 4, 12),
        municipality=huizen,
    )
    referral = _refer(huizen_case_manager, group.project)

    with pytest.raises(services.DuplicateParticipant):
        services.referral_place(user=coordinator, referral=referral)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert Participant.objects.count() == 1


def test_placing_a_known_person_uses_the_existing_record(
    client_for, coordinator, huizen_case_manager, huizen, group
):
    known = ParticipantFactory(
        first_name="Sanne",
        last_name="de Wit",
        date_of_birth=dt.date(1988, 4, 12),
        municipality=huizen,
    )
    referral = _refer(huizen_case_manager, group.project)
    client = client_for(coordinator)

    page = client.get(referral.get_absolute_url()).content.decode()
    response = client.post(
        reverse("participants:referral-place", kwargs={"pk": referral.pk}),
        {"cohort": group.pk, "existing": known.pk},
    )

    assert "lijkt al in de administratie te staan" in page
    assert response.status_code == 302
    assert Participant.objects.count() == 1
    assert Trajectory.objects.get().participant == known


def test_placing_as_someone_the_duplicate_rule_did_not_find_is_refused(
    coordinator, huizen_case_manager, huizen, group
):
    ParticipantFactory(first_name="Sanne", last_name="de Wit", date_of_birth=dt.date(1988, 4, 12))
    stranger = ParticipantFactory(municipality=huizen)
    referral = _refer(huizen_case_manager, group.project)

    with pytest.raises(ValidationError, match="Kies een van de bestaande deelnemers"):
        services.referral_place(user=coordinator, referral=referral, existing=stranger)


def test_placing_as_a_known_person_living_elsewhere_asks_to_update_the_residence(
    coordinator, huizen_case_manager, laren, group
):
    known = ParticipantFactory(
        first_name="Sanne",
        last_name="de Wit",
        date_of_birth=dt.date(1988, 4, 12),
        municipality=laren,
    )
    referral = _refer(huizen_case_manager, group.project)

    with pytest.raises(ValidationError, match="woont volgens de administratie in Laren"):
        services.referral_place(user=coordinator, referral=referral, existing=known)
    assert not Trajectory.objects.exists()


def test_placing_twice_is_refused(client_for, coordinator, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)
    services.referral_place(user=coordinator, referral=referral, cohort=group)

    response = client_for(coordinator).post(
        reverse("participants:referral-place", kwargs={"pk": referral.pk}), {"cohort": group.pk}
    )

    assert response.status_code == 400
    assert "Deze aanmelding is al geplaatst." in response.content.decode()
    assert Trajectory.objects.count() == 1


def test_a_stale_copy_cannot_place_a_referral_placed_meanwhile(
    coordinator, huizen_case_manager, group
):
    referral = _refer(huizen_case_manager, group.project)
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_place(user=coordinator, referral=referral)

    with pytest.raises(ValidationError, match="al geplaatst"):
        services.referral_place(user=coordinator, referral=stale)
    assert Trajectory.objects.count() == 1


def test_the_database_refuses_a_placed_referral_without_trajectory(huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)

    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.PLACED)


def test_a_declined_referral_cannot_be_placed(coordinator, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)
    services.referral_decline(user=coordinator, referral=referral, reason="Past niet bij de eisen.")

    with pytest.raises(ValidationError, match="afgewezen en kan niet meer worden geplaatst"):
        services.referral_place(user=coordinator, referral=referral)
    assert not Trajectory.objects.exists()


def test_declining_needs_a_reason(client_for, coordinator, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)

    response = client_for(coordinator).post(
        reverse("participants:referral-decline", kwargs={"pk": referral.pk}), {"reason": "  "}
    )

    referral.refresh_from_db()
    assert response.status_code == 400
    assert referral.status == ReferralStatus.SUBMITTED


def test_the_klantmanager_reads_the_reason_of_a_decline(
    client_for, coordinator, huizen_case_manager, group
):
    referral = _refer(huizen_case_manager, group.project)
    services.referral_decline(user=coordinator, referral=referral, reason="Groep is al vol.")

    content = client_for(huizen_case_manager).get(referral.get_absolute_url()).content.decode()

    assert "afgewezen" in content and "Groep is al vol." in content


def test_the_klantmanager_withdraws_a_submitted_referral(client_for, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-withdraw", kwargs={"pk": referral.pk}), {"confirm": "ja"}
    )

    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.status == ReferralStatus.WITHDRAWN


def test_withdrawing_a_referral_asks_for_a_confirmation(client_for, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-withdraw", kwargs={"pk": referral.pk})
    )

    referral.refresh_from_db()
    assert response.status_code == 400
    assert "Vink aan dat u de aanmelding wilt intrekken" in response.content.decode()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_placed_referral_cannot_be_withdrawn(client_for, coordinator, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)
    services.referral_place(user=coordinator, referral=referral)

    response = client_for(huizen_case_manager).post(
        reverse("participants:referral-withdraw", kwargs={"pk": referral.pk}), {"confirm": "ja"}
    )

    referral.refresh_from_db()
    assert response.status_code == 400
    assert referral.status == ReferralStatus.PLACED


def test_every_step_of_a_referral_is_in_the_audit_trail(coordinator, huizen_case_manager, group):
    referral = _refer(huizen_case_manager, group.project)
    services.referral_place(user=coordinator, referral=referral, cohort=group)

    entries = LogEntry.objects.get_for_object(referral).order_by("timestamp", "pk")

    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes["status"] == ["ingediend", "geplaatst"]


# --- who sees what --------------------------------------------------------------------------------


def test_the_list_shows_a_klantmanager_only_its_own_referrals(
    client_for, huizen_case_manager, laren_case_manager, group
):
    _refer(huizen_case_manager, group.project, last_name="Huizer")
    _refer(laren_case_manager, group.project, last_name="Laarder")

    content = client_for(huizen_case_manager).get(reverse("participants:referrals"))
    content = content.content.decode()

    assert "Huizer" in content and "Laarder" not in content


def test_the_list_shows_how_full_each_planned_group_is_without_names(
    client_for, huizen_case_manager, laren, group
):
    TrajectoryFactory(
        cohort=group,
        project=group.project,
        participant=ParticipantFactory(municipality=laren, last_name="Laarder"),
    )

    content = client_for(huizen_case_manager).get(reverse("participants:referrals"))
    content = content.content.decode()

    assert "Klas voorjaar" in content
    assert "Laarder" not in content


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("participants:referral", "get"),
        ("participants:referral-withdraw", "post"),
    ],
)
def test_another_municipality_cannot_open_or_act_on_a_referral(
    client_for, huizen_case_manager, laren_case_manager, group, name, method
):
    referral = _refer(huizen_case_manager, group.project)

    response = getattr(client_for(laren_case_manager), method)(
        reverse(name, kwargs={"pk": referral.pk})
    )

    referral.refresh_from_db()
    assert response.status_code == 404
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.mark.parametrize("name", ["participants:referral-place", "participants:referral-decline"])
def test_a_klantmanager_cannot_place_or_decline(client_for, huizen_case_manager, group, name):
    referral = _refer(huizen_case_manager, group.project)

    response = client_for(huizen_case_manager).post(
        reverse(name, kwargs={"pk": referral.pk}), {"reason": "zelf afgewezen"}
    )

    referral.refresh_from_db()
    assert response.status_code == 403
    assert referral.status == ReferralStatus.SUBMITTED


def test_finance_staff_of_a_municipality_see_no_referrals(client_for, huizen_user):
    assert client_for(huizen_user).get(reverse("participants:referrals")).status_code == 403


def test_a_klantmanager_sees_no_invoices(client_for, huizen_case_manager):
    assert client_for(huizen_case_manager).get(reverse("billing:list")).status_code == 403


def test_a_klantmanager_without_a_municipality_refers_no_one(group):
    stray = UserFactory(role=Role.CASE_MANAGER)

    with pytest.raises(ValidationError, match="hoort bij geen gemeente"):
        services.referral_submit(
            user=stray,
            municipality=MunicipalityFactory(),
            project=group.project,
            first_name="A",
            last_name="B",
            date_of_birth=dt.date(1990, 1, 1),
            motivation="x",
        )
