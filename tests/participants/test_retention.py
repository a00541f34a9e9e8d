"""AVG retention: participants whose last trajectory ended more than N years ago are
anonymised; figures (trajectory rows) and invoices stay as they are."""

import datetime as dt
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from audit.selectors import entries_for
from billing.models import Invoice
from billing.services import issue_run
from participants.constants import ReferralStatus
from participants.models import Participant, Referral, Trajectory
from participants.selectors import participants_due_for_anonymisation
from participants.services import (
    apply_retention,
    participant_anonymise,
    referral_decline,
    referral_place,
    referral_submit,
    referral_withdraw,
    trajectory_withdraw,
)
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # the command works from today as well


def ended_years_ago(participant, years, *, project=None):
    end = TODAY.replace(year=TODAY.year - years)
    return TrajectoryFactory(
        participant=participant,
        enrolment_date=end - dt.timedelta(days=200),
        start_date=end - dt.timedelta(days=180),
        end_date=end,
        outcome="werk",
        notes="Belt liever 's ochtends; dochter heet Eva.",
        **({"project": project} if project else {}),
    )


@pytest.fixture
def ages(huizen):
    old = ParticipantFactory(municipality=huizen, first_name="Oud", last_name="Acht")
    ended_years_ago(old, 8)
    recent = ParticipantFactory(municipality=huizen, first_name="Recent", last_name="Zes")
    ended_years_ago(recent, 6)
    mixed = ParticipantFactory(municipality=huizen, first_name="Gemengd", last_name="Beide")
    ended_years_ago(mixed, 9)
    ended_years_ago(mixed, 1)
    running = ParticipantFactory(municipality=huizen, first_name="Lopend", last_name="Nooit")
    TrajectoryFactory(
        participant=running, enrolment_date=dt.date(2015, 1, 5), start_date=dt.date(2015, 2, 1)
    )
    return {"old": old, "recent": recent, "mixed": mixed, "running": running}


def test_only_participants_whose_last_trajectory_ended_more_than_n_years_ago_are_due(ages):
    due = participants_due_for_anonymisation(today=TODAY, years=7)

    assert list(due) == [ages["old"]]


def test_the_number_of_years_is_a_parameter(ages):
    due = set(participants_due_for_anonymisation(today=TODAY, years=5))

    assert due == {ages["old"], ages["recent"]}


def test_a_trajectory_withdrawn_long_ago_counts_from_its_withdrawal(huizen, coordinator):
    participant = ParticipantFactory(municipality=huizen)
    trajectory = TrajectoryFactory(participant=participant, enrolment_date=dt.date(2015, 1, 5))
    trajectory_withdraw(user=coordinator, trajectory=trajectory, reason="Verhuisd")
    Trajectory.objects.filter(pk=trajectory.pk).update(
        withdrawn_at=dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
    )

    assert list(participants_due_for_anonymisation(today=TODAY, years=7)) == [participant]


def test_apply_retention_anonymises_the_old_and_keeps_the_others(ages):
    apply_retention(today=TODAY, years=7)

    old = Participant.objects.get(pk=ages["old"].pk)
    assert (old.first_name, old.last_name) == ("Geanonimiseerd", f"#{old.pk}")
    assert old.date_of_birth == dt.date(1990, 1, 1)
    assert old.client_number == ""
    assert old.anonymised_at is not None
    for key in ("recent", "mixed", "running"):
        kept = Participant.objects.get(pk=ages[key].pk)
        assert (kept.first_name, kept.anonymised_at) == (ages[key].first_name, None)


def test_anonymising_keeps_the_trajectory_rows_the_figures_count(ages):
    before = list(
        Trajectory.objects.filter(participant=ages["old"]).values(
            "project",
            "municipality_at_start",
            "enrolment_date",
            "start_date",
            "end_date",
            "outcome",
        )
    )

    apply_retention(today=TODAY, years=7)

    trajectory = Trajectory.objects.get(participant=ages["old"])
    assert trajectory.notes == ""
    assert before == list(
        Trajectory.objects.filter(participant=ages["old"]).values(
            "project",
            "municipality_at_start",
            "enrolment_date",
            "start_date",
            "end_date",
            "outcome",
        )
    )


def test_anonymising_leaves_issued_invoices_intact(huizen, coordinator):
    project = ProjectFactory()
    TariffOptionFactory(agreement=AgreementFactory(project=project, year=2017))
    participant = ParticipantFactory(municipality=huizen, first_name="Anna", last_name="Bos")
    TrajectoryFactory(
        participant=participant,
        project=project,
        enrolment_date=dt.date(2017, 1, 2),
        start_date=dt.date(2017, 2, 1),
    )
    issue_run(period=Period.parse("2017-Q1"), user=coordinator, today=dt.date(2017, 4, 10))
    Trajectory.objects.filter(participant=participant).update(
        end_date=dt.date(2017, 12, 1), outcome="werk"
    )
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    before = (invoice.total, invoice.pdf_sha256, line.participant_reference, line.amount)

    apply_retention(today=TODAY, years=7)

    invoice.refresh_from_db()
    line.refresh_from_db()
    assert Participant.objects.get(pk=participant.pk).anonymised_at is not None
    assert (invoice.total, invoice.pdf_sha256, line.participant_reference, line.amount) == before


def test_the_audit_trail_keeps_who_and_when_but_not_the_old_names(client_for, coordinator, ages):
    old = ages["old"]
    client_for(coordinator).get(old.get_absolute_url())
    records = [old, *old.trajectories.all()]
    kinds_before = [(e.action, e.actor_id) for e in entries_for(records)]

    apply_retention(today=TODAY, years=7)

    entries = list(entries_for(records))
    text = json.dumps([[e.object_repr, e.changes] for e in entries])
    assert "Acht" not in text and "Eva" not in text
    assert [(e.action, e.actor_id) for e in entries[1:]] == kinds_before
    assert entries[0].action == LogEntry.Action.UPDATE
    assert list(entries[0].changes) == ["anonymised_at"]


def test_anonymising_twice_changes_nothing_more(ages):
    apply_retention(today=TODAY, years=7)

    again = apply_retention(today=TODAY, years=7)

    assert (again.participants, again.referrals) == ([], [])


def test_dry_run_lists_who_would_be_anonymised_and_changes_nothing(ages):
    out = io.StringIO()

    call_command("apply_retention", "--years", "7", "--dry-run", stdout=out)

    assert f"zou anonimiseren: deelnemer {ages['old'].pk}" in out.getvalue()
    assert "1 deelnemer(s) en 0 aanmelding(en) zouden worden geanonimiseerd" in out.getvalue()
    assert not Participant.objects.filter(anonymised_at__isnull=False).exists()
    assert Participant.objects.get(pk=ages["old"].pk).last_name == "Acht"


def test_the_command_uses_the_configured_retention_by_default(settings, ages):
    settings.RETENTION_YEARS = 5
    out = io.StringIO()

    call_command("apply_retention", stdout=out)

    assert "2 deelnemer(s) en 0 aanmelding(en) geanonimiseerd (bewaartermijn 5 jaar)" in (
        out.getvalue()
    )


def test_participant_anonymise_is_recorded_once_without_values(coordinator, huizen):
    participant = ParticipantFactory(municipality=huizen)

    participant_anonymise(participant=participant, user=coordinator)

    entry = entries_for([participant]).first()
    assert entry.actor == coordinator
    assert "first_name" not in entry.changes


# --- referrals ---------------------------------------------------------------------------------


def _referral(case_manager, **extra):
    return referral_submit(
        user=case_manager,
        municipality=case_manager.municipality,
        project=ProjectFactory(),
        first_name="Verwezen",
        last_name="Vroeger",
        date_of_birth=dt.date(1980, 6, 15),
        client_number="HU-424242",
        motivation="Wil graag in de zorg werken; zorgt voor haar moeder.",
        **extra,
    )


def _decided_years_ago(referral, years):
    Referral.objects.filter(pk=referral.pk).update(
        decided_at=timezone.now().replace(year=TODAY.year - years)
    )


def test_a_referral_declined_longer_ago_than_the_term_is_anonymised(
    huizen_case_manager, coordinator
):
    referral = _referral(huizen_case_manager)
    referral_decline(user=coordinator, referral=referral, reason="Past beter bij Motopp.")
    _decided_years_ago(referral, 8)

    result = apply_retention(today=TODAY, years=7)

    referral.refresh_from_db()
    assert result.referrals == [referral]
    assert referral.anonymised_at is not None
    assert (referral.first_name, referral.last_name) == ("Geanonimiseerd", f"#{referral.pk}")
    assert referral.date_of_birth == dt.date(1980, 1, 1)
    assert (referral.client_number, referral.motivation) == ("", "")
    assert "Motopp" not in referral.decline_reason
    assert referral.status == ReferralStatus.DECLINED


def test_a_referral_withdrawn_longer_ago_than_the_term_is_anonymised(huizen_case_manager):
    referral = _referral(huizen_case_manager)
    referral_withdraw(user=huizen_case_manager, referral=referral)
    _decided_years_ago(referral, 8)

    apply_retention(today=TODAY, years=7)

    assert Referral.objects.get(pk=referral.pk).last_name == f"#{referral.pk}"


def test_a_recently_closed_or_open_referral_is_kept(huizen_case_manager, coordinator):
    declined = _referral(huizen_case_manager)
    referral_decline(user=coordinator, referral=declined, reason="Vol.")
    _decided_years_ago(declined, 6)
    open_one = _referral(huizen_case_manager)
    Referral.objects.filter(pk=open_one.pk).update(
        created_at=timezone.now().replace(year=TODAY.year - 9)
    )

    result = apply_retention(today=TODAY, years=7)

    assert result.referrals == []
    assert set(Referral.objects.values_list("last_name", flat=True)) == {"Vroeger"}


def test_a_placed_referral_is_anonymised_with_its_participant(huizen_case_manager, coordinator):
    referral = referral_place(user=coordinator, referral=_referral(huizen_case_manager))
    trajectory = referral.trajectory
    Trajectory.objects.filter(pk=trajectory.pk).update(
        enrolment_date=TODAY.replace(year=TODAY.year - 10),
        start_date=TODAY.replace(year=TODAY.year - 9),
        end_date=TODAY.replace(year=TODAY.year - 8),
        outcome="werk",
    )

    apply_retention(today=TODAY, years=7)

    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    assert "Vroeger" not in str(referral) and referral.motivation == ""


def test_the_audit_log_keeps_no_copy_of_an_anonymised_referral(huizen_case_manager, coordinator):
    referral = _referral(huizen_case_manager)
    referral_decline(user=coordinator, referral=referral, reason="Past beter bij Motopp.")
    _decided_years_ago(referral, 8)

    apply_retention(today=TODAY, years=7)

    text = json.dumps([[e.object_repr, e.changes] for e in entries_for([referral])])
    assert "Vroeger" not in text and "HU-424242" not in text and "moeder" not in text
    assert "Motopp" not in text and "1980-06-15" not in text


def test_the_dry_run_names_the_referrals_too(huizen_case_manager):
    referral = _referral(huizen_case_manager)
    referral_withdraw(user=huizen_case_manager, referral=referral)
    _decided_years_ago(referral, 8)
    out = io.StringIO()

    call_command("apply_retention", "--years", "7", "--dry-run", stdout=out)

    assert f"zou anonimiseren: aanmelding {referral.pk} (Huizen)" in out.getvalue()
    assert Referral.objects.get(pk=referral.pk).anonymised_at is None
