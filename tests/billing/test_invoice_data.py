"""A run refuses what the municipalities' systems would reject (billing rule 13): the sender's
data complete and well-formed, each municipality with an address and an OIN or KvK number."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from billing.checks import check_invoice_sender
from billing.models import Invoice
from billing.selectors import missing_invoice_data
from billing.services import RunRefused, credit_invoice, issue_run, participation_budget_set
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")


def started(project, municipality, day=dt.date(2025, 2, 3)):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
    )


def refusal_text(coordinator) -> str:
    with pytest.raises(RunRefused) as refused:
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("iban", "[IBAN]", "IBAN ontbreekt (REGIO_IBAN)"),
        ("iban", "NL91ABNA0417164301", "controlegetal"),
        ("kvk", "1234567", "8 cijfers"),
        ("vat", "NL123456789", "NL123456789B01"),
        ("postcode", "1211", "1234 AB"),
        ("street", "", "straat ontbreekt (REGIO_STREET)"),
        ("email", "[e-mailadres debiteurenadministratie]", "REGIO_EMAIL"),
    ],
)
def test_run_is_refused_while_a_sender_setting_is_missing_or_malformed(
    key, value, expected, wijkleerbedrijf, huizen, coordinator, settings
):
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, key: value}
    started(wijkleerbedrijf, huizen)

    text = refusal_text(coordinator)

    assert "afzender" in text and expected in text
    assert not Invoice.objects.exists()
    assert not (settings.MEDIA_ROOT / "facturen").exists()


def test_run_is_refused_for_a_municipality_without_an_address(
    wijkleerbedrijf, huizen, laren, coordinator
):
    huizen.invoice_street = huizen.invoice_house_number = huizen.invoice_postcode = ""
    huizen.save()
    started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, laren)

    text = refusal_text(coordinator)

    assert "Gemeente Huizen" in text and "Laren" not in text
    assert "straat en huisnummer (of een postbus) ontbreken" in text
    assert "postcode ontbreekt (vorm 1234 AB)" in text
    assert not Invoice.objects.exists()


def test_run_is_refused_for_a_municipality_without_oin_or_kvk(wijkleerbedrijf, huizen, coordinator):
    huizen.oin = huizen.kvk = ""
    huizen.save()
    started(wijkleerbedrijf, huizen)

    assert "OIN (20 cijfers) of KvK-nummer (8 cijfers) ontbreekt" in refusal_text(coordinator)


def test_a_placeholder_in_a_municipality_field_counts_as_missing(
    wijkleerbedrijf, huizen, coordinator
):
    huizen.invoice_city = "[plaats]"
    huizen.save()
    started(wijkleerbedrijf, huizen)

    assert "plaats ontbreekt" in refusal_text(coordinator)


def test_run_waits_for_the_kenmerk_a_municipality_requires(wijkleerbedrijf, huizen, coordinator):
    huizen.reference_required = True
    huizen.save()
    started(wijkleerbedrijf, huizen)

    assert "kenmerk voor 2025 ontbreekt" in refusal_text(coordinator)

    participation_budget_set(municipality=huizen, year=2025, amount=None, reference="IO-9")
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    assert Invoice.objects.count() == 1


def test_complete_data_leaves_nothing_missing(huizen):
    assert missing_invoice_data(municipalities=[huizen], year=2025) == []


def test_credit_note_is_refused_while_the_sender_data_is_incomplete(
    wijkleerbedrijf, huizen, coordinator, settings
):
    started(wijkleerbedrijf, huizen)
    invoice = issue_run(period=Q1, user=coordinator, today=AFTER_Q1).invoices.get()
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "iban": "[IBAN]"}

    with pytest.raises(ValidationError) as refused:
        credit_invoice(
            invoice=invoice,
            line_ids=[invoice.lines.get().pk],
            rebill_ids=[],
            reason="Dubbel",
            user=coordinator,
            today=AFTER_Q1,
        )

    assert "REGIO_IBAN" in " ".join(refused.value.messages)
    assert Invoice.objects.count() == 1


def test_run_preview_lists_missing_data_with_a_link_to_fix_it_and_no_issue_button(
    wijkleerbedrijf, huizen, coordinator, client_for
):
    huizen.invoice_city = ""
    huizen.save()
    started(wijkleerbedrijf, huizen)

    response = client_for(coordinator).get("/facturen/run/?period=2025-Q1")

    content = response.content.decode()
    assert "plaats ontbreekt" in content
    assert f'href="/gemeenten/{huizen.slug}/factuurgegevens/"' in content
    assert "Facturen uitgeven" not in content


def test_issuing_through_the_page_with_missing_data_issues_nothing(
    wijkleerbedrijf, huizen, coordinator, client_for, post_and_run
):
    huizen.invoice_city = ""
    huizen.save()
    started(wijkleerbedrijf, huizen)

    # The run is a job: its page says it failed, and why.
    response = post_and_run(
        client_for(coordinator), "/facturen/run/", {"period": "2025-Q1", "confirm": "on"}
    )

    content = response.content.decode()
    assert "mislukt" in content and "plaats ontbreekt" in content
    assert not Invoice.objects.exists()


def test_system_check_refuses_a_placeholder_sender_in_production(settings):
    settings.PRODUCTION = True
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "kvk": "[KvK-nummer]"}

    [message] = check_invoice_sender()

    assert message.id == "billing.E001" and message.is_serious()
    assert "REGIO_KVK" in message.msg


def test_system_check_only_warns_about_a_placeholder_sender_in_development(settings):
    settings.PRODUCTION = False
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "kvk": "[KvK-nummer]"}

    [message] = check_invoice_sender()

    assert message.id == "billing.W001" and not message.is_serious()


def test_system_check_is_silent_for_a_complete_sender(settings):
    settings.PRODUCTION = True

    assert check_invoice_sender() == []
