"""The audit trail (who created, changed or deleted what, old → new) and the access log (who
viewed, downloaded or exported personal data), and who may read them."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from audit.constants import AccessAction
from audit.selectors import accesses_for, changes_for, entry_kind
from audit.services import access_record
from billing.models import Invoice
from billing.services import issue_run
from monitor.services import edition_create
from participants.models import Participant
from projects.models import BudgetLine
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from tests.participants.test_enrolment import enrol_data
from waw.periods import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(huizen, coordinator):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    TariffOptionFactory(agreement=AgreementFactory(project=project, year=2025))
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=project,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 2, 3),
    )
    issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=dt.date(2025, 4, 15))
    return Invoice.objects.get(municipality=huizen)


def participant_form(participant, **changes):
    data = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "date_of_birth": participant.date_of_birth.isoformat(),
        "municipality": participant.municipality_id,
        "client_number": participant.client_number,
        "benefit_type": participant.benefit_type,
    }
    data.update(changes)
    return data


def test_enrolment_records_who_created_the_participant_and_the_trajectory(
    client_for, coordinator, huizen
):
    project = ProjectFactory(name="Wijkleerbedrijf")
    client_for(coordinator).post(reverse("participants:enrol"), enrol_data(project, huizen))

    participant = Participant.objects.get()
    entries = list(changes_for([participant, *participant.trajectories.all()]))

    assert sorted(entry_kind(e) for e in entries) == ["create", "create"]
    assert {e.actor for e in entries} == {coordinator}
    created = next(e for e in entries if e.content_type.model == "participant")
    assert created.changes["last_name"] == [None, "de Vries"]
    assert not {"id", "created_at", "trajectories"} & set(created.changes)


def test_changing_a_participant_records_who_when_and_old_and_new_values(
    client_for, coordinator, huizen
):
    participant = ParticipantFactory(municipality=huizen, last_name="Jansen")

    client_for(coordinator).post(
        reverse("participants:update", args=[participant.pk]),
        participant_form(participant, last_name="Janssen"),
    )

    entry = changes_for([participant]).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == coordinator
    assert entry.changes == {"last_name": ["Jansen", "Janssen"]}
    assert entry.remote_addr == "127.0.0.1"


def test_ending_a_trajectory_records_the_old_and_new_dates_and_outcome(client_for, coordinator):
    trajectory = TrajectoryFactory(
        enrolment_date=dt.date(2025, 1, 6), start_date=dt.date(2025, 2, 3)
    )

    client_for(coordinator).post(
        reverse("participants:end", args=[trajectory.pk]),
        {"end_date": "2025-05-01", "outcome": "werk"},
    )

    entry = changes_for([trajectory]).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == coordinator
    assert entry.changes["end_date"] == [None, "2025-05-01"]
    assert entry.changes["outcome"] == ["", "werk"]


def test_removing_a_budget_line_records_the_deletion_with_its_values(client_for, coordinator):
    line = BudgetLineFactory()
    pk = line.pk

    client_for(coordinator).post(
        reverse("projects:budget-line-delete", kwargs={"budget": line.budget_id, "pk": pk})
    )

    assert not BudgetLine.objects.filter(pk=pk).exists()
    entry = LogEntry.objects.get(object_id=pk, action=LogEntry.Action.DELETE)
    assert entry.content_type.model == "budgetline"
    assert entry.actor == coordinator


def test_reference_data_budget_lines_are_in_the_trail(db):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)

    logged = LogEntry.objects.filter(
        content_type__model="budgetline", action=LogEntry.Action.CREATE
    ).count()
    assert logged == BudgetLine.objects.count() > 0


def test_issuing_invoices_records_each_invoice_once_and_leaves_it_unchanged(invoice):
    entries = list(changes_for([invoice]))

    assert [entry_kind(e) for e in entries] == ["create"]
    assert entries[0].changes["number"] == [None, invoice.number]
    invoice.refresh_from_db()  # still readable and intact: the triggers refused nothing


def test_changing_a_monitor_edition_is_recorded(client_for, coordinator):
    edition = edition_create(period_text="2025-H1")
    edition.introduction = "Eerste halfjaar."
    edition.save()

    kinds = [entry_kind(e) for e in changes_for([edition])]

    assert kinds == ["update", "create"]


def test_viewing_a_participant_page_is_in_the_access_log(client_for, huizen_case_manager, huizen):
    participant = ParticipantFactory(municipality=huizen)

    client_for(huizen_case_manager).get(participant.get_absolute_url())

    entry = accesses_for([participant]).get()
    assert entry.actor == huizen_case_manager
    assert entry_kind(entry) == AccessAction.VIEW


def test_a_refused_page_is_not_logged_as_viewed(client_for, laren_case_manager, huizen):
    participant = ParticipantFactory(municipality=huizen)

    assert client_for(laren_case_manager).get(participant.get_absolute_url()).status_code == 404

    assert not accesses_for([participant]).exists()


def test_downloading_an_invoice_is_in_the_access_log(client_for, huizen_user, invoice):
    response = client_for(huizen_user).get(reverse("billing:pdf", args=[invoice.number]))

    assert response.status_code == 200
    entry = accesses_for([invoice]).get()
    assert (entry.actor, entry_kind(entry)) == (huizen_user, AccessAction.DOWNLOAD)


def test_downloading_an_e_invoice_is_in_the_access_log(client_for, huizen_user, invoice):
    response = client_for(huizen_user).get(reverse("billing:xml", args=[invoice.number]))

    assert response.status_code == 200
    entry = accesses_for([invoice]).get()
    assert (entry.actor, entry_kind(entry)) == (huizen_user, AccessAction.DOWNLOAD)


def test_access_record_can_be_called_from_any_view(coordinator, invoice):
    entry = access_record(user=coordinator, obj=invoice, action=AccessAction.DOWNLOAD)

    assert entry.object_repr == str(invoice)
    assert list(accesses_for([invoice])) == [entry]


def test_coordinator_sees_the_changes_of_a_participant_and_its_trajectories(
    client_for, coordinator, huizen
):
    trajectory = TrajectoryFactory(participant=ParticipantFactory(municipality=huizen))
    participant = trajectory.participant
    client = client_for(coordinator)
    client.post(
        reverse("participants:update", args=[participant.pk]),
        participant_form(participant, client_number="K-778"),
    )

    page = client.get(participant.get_absolute_url()).content.decode()

    assert "Wijzigingen" in page
    assert "K-778" in page
    assert "coordinator" in page


def test_klantmanagers_do_not_see_the_trail(client_for, huizen_case_manager, huizen):
    participant = ParticipantFactory(municipality=huizen)

    page = client_for(huizen_case_manager).get(participant.get_absolute_url()).content.decode()

    assert "Wijzigingen" not in page


def test_invoice_page_shows_the_coordinator_who_downloaded_it(
    client_for, coordinator, huizen_user, invoice
):
    client_for(huizen_user).get(reverse("billing:pdf", args=[invoice.number]))

    page = client_for(coordinator).get(invoice.get_absolute_url()).content.decode()

    assert "gemeente-huizen" in page
    assert "gedownload" in page


def test_beheerder_searches_the_log_by_user_and_kind(
    client_for, administrator, coordinator, huizen_case_manager, huizen
):
    participant = ParticipantFactory(municipality=huizen, last_name="Zwart")
    client = client_for(huizen_case_manager)
    client.get(participant.get_absolute_url())
    client_for(coordinator).get(participant.get_absolute_url())

    response = client_for(administrator).get(
        reverse("audit:log"), {"actor": huizen_case_manager.pk, "kind": "view"}
    )

    rows = response.context["table"].page.object_list.data
    assert [entry.actor for entry in rows] == [huizen_case_manager]


def test_beheerder_searches_the_log_by_model_record_and_dates(
    client_for, administrator, coordinator, huizen
):
    participant = ParticipantFactory(municipality=huizen, last_name="Zwart")
    ParticipantFactory(municipality=huizen, last_name="Wit")
    LogEntry.objects.filter(object_id=participant.pk).update(
        timestamp=dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
    )
    client = client_for(administrator)
    participant_type = LogEntry.objects.get(object_id=participant.pk).content_type_id

    def found(**query):
        response = client.get(reverse("audit:log"), query)
        return [entry.object_repr for entry in response.context["table"].page.object_list.data]

    assert found(content_type=participant_type, record="zwart") == [str(participant)]
    assert found(record="zwart", date_from="2024-06-01", date_until="2024-06-01") == [
        str(participant)
    ]
    assert found(record="zwart", date_from="2024-06-02") == []


def test_the_log_page_is_paginated(client_for, administrator, coordinator, huizen):
    participant = ParticipantFactory(municipality=huizen)
    for _ in range(60):
        access_record(user=coordinator, obj=participant, action=AccessAction.VIEW)

    response = client_for(administrator).get(reverse("audit:log"))

    assert len(response.context["table"].page.object_list) == 50
    assert client_for(administrator).get(reverse("audit:log"), {"page": 2}).status_code == 200


def test_log_entries_cannot_be_changed_or_deleted_in_the_admin_even_by_a_superuser(
    client_for, administrator, huizen
):
    participant = ParticipantFactory(municipality=huizen)
    entry = LogEntry.objects.get(object_id=participant.pk)
    client = client_for(administrator)
    change_url = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    delete_url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    changelist = reverse("admin:auditlog_logentry_changelist")

    assert client.get(change_url).status_code == 200  # readable
    client.post(change_url, {"object_repr": "vervalst"})
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})

    entry.refresh_from_db()
    assert entry.object_repr == str(participant)
    assert b"delete_selected" not in client.get(changelist).content


def test_a_new_tariff_price_is_in_the_trail_with_its_amount(coordinator):
    from projects.services import tariff_price_add

    option = TariffOptionFactory(agreement=AgreementFactory(year=2026))

    price = tariff_price_add(option=option, valid_from=dt.date(2026, 7, 1), price="2500.00")

    entry = LogEntry.objects.get_for_object(price).get(action=LogEntry.Action.CREATE)
    assert entry.changes_dict["price"] == [None, "2500.00"]


def test_changing_a_project_records_old_and_new_values(client_for, coordinator):
    from projects.services import project_save

    project = ProjectFactory(name="Wijkleerbedrijf")
    project.name = "Wijkleerbedrijf Huizen"

    project_save(project=project)

    entry = LogEntry.objects.get_for_object(project).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["name"] == ["Wijkleerbedrijf", "Wijkleerbedrijf Huizen"]
