"""Issued invoices: archived PDFs, immutability, downloads, the run page and the command."""

import csv
import datetime as dt
import hashlib
import io
import json
import logging
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, transaction
from pypdf import PdfReader

from billing.models import BilledTrajectory, Invoice, InvoiceLine
from billing.services import issue_run
from tests.billing.conftest import AFTER_Q1
from tests.conftest import REQUEST_OVERHEAD_QUERIES
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")


def started(project, municipality, day=dt.date(2025, 2, 3), **participant):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality, **participant),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
    )


@pytest.fixture
def issued(wijkleerbedrijf, huizen, laren, coordinator):
    for _ in range(3):
        started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, laren)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return {i.municipality.name: i for i in Invoice.objects.select_related("municipality")}


def pdf_text(data: bytes) -> str:
    """The PDF's text with all whitespace (line breaks, non-breaking spaces) as single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_archived_pdf_holds_number_municipality_total_and_vat_statement(issued):
    invoice = issued["Huizen"]

    text = pdf_text(invoice.pdf.read())

    assert invoice.number in text
    assert "Gemeente Huizen" in text
    assert "€ 12.000,00" in text
    assert "buiten de reikwijdte van de omzetbelasting" in text
    assert "pagina 1 van 1" in text


def test_pdf_shows_the_municipalitys_full_address_and_department(issued):
    huizen = issued["Huizen"].municipality

    text = pdf_text(issued["Huizen"].pdf.read())

    assert "t.a.v. Crediteurenadministratie" in text
    assert f"Raadhuisplein {huizen.invoice_house_number} 1211 AB Huizen" in text


def test_pdf_shows_the_senders_address_and_registration_numbers(issued):
    text = pdf_text(issued["Huizen"].pdf.read())

    assert "Burgemeester de Withstraat 12 1211 AA Hilversum" in text
    assert "KvK 12345678 · btw NL123456789B01" in text


def test_pdf_shows_the_period_in_words_with_its_dates(issued):
    text = pdf_text(issued["Huizen"].pdf.read())

    assert "eerste kwartaal 2025 (1 januari – 31 maart 2025)" in text
    assert "2025-Q1" not in text


def test_pdf_payment_instruction_has_the_real_iban_in_groups_of_four(issued):
    text = pdf_text(issued["Huizen"].pdf.read())

    assert "over te maken op IBAN NL91 ABNA 0417 1643 00 t.n.v. Regio Gooi en Vechtstreek" in text
    assert "[" not in text


def test_pdf_of_a_demo_sender_says_it_is_no_real_invoice(
    wijkleerbedrijf, huizen, coordinator, settings
):
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "demo": True}
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert "DEMO — geen echte factuur" in pdf_text(Invoice.objects.get().pdf.read())


def test_archived_pdf_matches_its_recorded_sha256(issued):
    invoice = issued["Laren"]

    assert hashlib.sha256(invoice.pdf.read()).hexdigest() == invoice.pdf_sha256


def test_rendering_logs_no_warnings_or_errors(wijkleerbedrijf, huizen, coordinator, caplog):
    started(wijkleerbedrijf, huizen)

    with caplog.at_level(logging.WARNING):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_long_invoice_breaks_over_pages_with_page_numbers(wijkleerbedrijf, huizen, coordinator):
    for _ in range(60):
        started(wijkleerbedrijf, huizen)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    text = pdf_text(Invoice.objects.get().pdf.read())
    assert "pagina 2 van" in text
    assert text.count("Deelnemer (kenmerk)") >= 2  # the table header repeats on each page


def test_an_issued_invoice_cannot_be_changed_even_by_a_raw_update(issued):
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=issued["Huizen"].pk).update(total=Decimal("1.00"))

    issued["Huizen"].refresh_from_db()
    assert issued["Huizen"].total == Decimal("12000.00")


def test_an_issued_invoice_line_cannot_be_deleted(issued):
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=issued["Laren"]).delete()


def test_a_trajectory_cannot_be_billed_twice_even_by_a_raw_insert(issued):
    line = InvoiceLine.objects.filter(invoice=issued["Huizen"]).first()

    with pytest.raises(DatabaseError), transaction.atomic():
        BilledTrajectory.objects.create(trajectory=line.trajectory, line=InvoiceLine.objects.last())


def test_failure_halfway_issues_nothing_and_leaves_no_files(
    wijkleerbedrijf, huizen, laren, coordinator
):
    started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, laren)
    from waw import pdf as pdf_module

    real = pdf_module.pdf_from_html
    calls = {"n": 0}

    def crash_on_second(html):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("renderer crashed")
        return real(html)

    with (
        mock.patch("billing.services.pdf_from_html", side_effect=crash_on_second),
        pytest.raises(RuntimeError),
    ):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert not Invoice.objects.exists()
    assert not BilledTrajectory.objects.exists()
    assert (
        not default_storage.exists("facturen/2025")
        or default_storage.listdir("facturen/2025")[1] == []
    )

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)  # a retry works, from number 1

    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["2025-0001", "2025-0002"]


def test_download_serves_the_archived_file_without_rendering(client_for, huizen_user, issued):
    with mock.patch("billing.services.pdf_from_html", side_effect=AssertionError("rendered")):
        response = client_for(huizen_user).get(f"/facturen/{issued['Huizen'].number}/pdf/")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == issued["Huizen"].pdf_sha256


def test_huizen_user_cannot_download_the_laren_invoice(client_for, huizen_user, issued):
    client = client_for(huizen_user)

    assert client.get(f"/facturen/{issued['Laren'].number}/pdf/").status_code == 404
    assert client.get(f"/facturen/{issued['Laren'].number}/").status_code == 404


def test_huizen_user_lists_only_huizen_invoices(client_for, huizen_user, issued):
    content = client_for(huizen_user).get("/facturen/").content.decode()

    assert issued["Huizen"].number in content
    assert issued["Laren"].number not in content


def test_board_member_gets_403_on_invoices(client_for, board_member, issued):
    assert client_for(board_member).get("/facturen/").status_code == 403
    assert (
        client_for(board_member).get(f"/facturen/{issued['Huizen'].number}/pdf/").status_code == 403
    )


def test_gemeente_user_cannot_open_the_run_page(client_for, huizen_user):
    assert client_for(huizen_user).get("/facturen/run/").status_code == 403
    assert (
        client_for(huizen_user)
        .post("/facturen/run/", {"period": "2025-Q1", "confirm": "on"})
        .status_code
        == 403
    )


def test_coordinator_previews_then_issues_in_the_browser(
    client_for, coordinator, wijkleerbedrijf, huizen, post_and_run
):
    started(wijkleerbedrijf, huizen)
    client = client_for(coordinator)

    preview = client.get("/facturen/run/?period=2025-Q1")
    unconfirmed = client.post("/facturen/run/", {"period": "2025-Q1"})
    assert Invoice.objects.count() == 0
    issued = post_and_run(client, "/facturen/run/", {"period": "2025-Q1", "confirm": "on"})

    assert "Facturen uitgeven" in preview.content.decode()
    assert unconfirmed.status_code == 400
    assert "facturen uitgegeven" in issued.content.decode()
    assert Invoice.objects.get().number.endswith("-0001")


def test_malformed_period_on_the_run_page_is_a_form_error(client_for, coordinator):
    response = client_for(coordinator).get("/facturen/run/?period=2025-Q9")

    assert response.status_code == 400
    assert "Onbekende periode" in response.content.decode()


def test_invoice_list_query_count_does_not_grow(
    client_for, coordinator, issued, django_assert_max_num_queries
):
    client = client_for(coordinator)

    with django_assert_max_num_queries(8 + REQUEST_OVERHEAD_QUERIES):
        client.get("/facturen/")


def test_command_preview_changes_nothing_and_prints_json(wijkleerbedrijf, huizen, capsys):
    started(wijkleerbedrijf, huizen)

    call_command("invoice_run", "--period", "2025-Q1", "--json")

    output = json.loads(capsys.readouterr().out)
    assert output == {
        "period": "2025-Q1",
        "issued": False,
        "invoices": [{"municipality": "Huizen", "number": None, "lines": 1, "total": "4000.00"}],
        "settled_at_zero": 0,
    }
    assert not Invoice.objects.exists()


def test_command_preview_names_missing_invoice_data(wijkleerbedrijf, huizen, capsys):
    huizen.invoice_city = ""
    huizen.save()
    started(wijkleerbedrijf, huizen)

    call_command("invoice_run", "--period", "2025-Q1")

    assert "Gemeente Huizen zijn niet compleet: plaats ontbreekt" in capsys.readouterr().err


def test_command_exits_2_on_a_malformed_period(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("invoice_run", "--period", "Q1-2025")

    assert exit_info.value.code == 2
    assert "Onbekende periode" in capsys.readouterr().err


def test_invoice_list_filters_by_municipality(client_for, coordinator, issued, laren):
    content = client_for(coordinator).get(f"/facturen/?municipality={laren.pk}").content.decode()

    assert issued["Laren"].number in content
    assert issued["Huizen"].number not in content


def test_invoice_lines_csv_is_scoped_and_uses_dutch_decimals(client_for, huizen_user, issued):
    body = client_for(huizen_user).get("/facturen/regels.csv").content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][0] == "factuurnummer"
    assert len(rows) == 1 + 3
    assert {row[2] for row in rows[1:]} == {"Huizen"}
    assert rows[1][-1] == "4000,00"


def test_board_member_cannot_export_invoice_lines(client_for, board_member, issued):
    assert client_for(board_member).get("/facturen/regels.csv").status_code == 403


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_invoice_list_and_its_filter_show_the_period_in_words(client_for, huizen_user, issued):
    content = _main(client_for(huizen_user).get("/facturen/").content.decode())

    assert "<td >eerste kwartaal 2025</td>" in content
    assert '<option value="2025-Q1">eerste kwartaal 2025</option>' in content
    assert ">2025-Q1<" not in content


def test_the_invoice_page_shows_the_period_in_words(client_for, huizen_user, issued):
    response = client_for(huizen_user).get(issued["Huizen"].get_absolute_url())

    content = _main(response.content.decode())
    assert "<dd>eerste kwartaal 2025</dd>" in content
    assert "2025-Q1" not in content


def test_the_run_preview_names_the_period_in_words_with_its_dates(
    client_for, coordinator, wijkleerbedrijf, huizen
):
    started(wijkleerbedrijf, huizen)

    content = client_for(coordinator).get("/facturen/run/?period=2025-Q1").content.decode()

    assert "Voorvertoning eerste kwartaal 2025 (1 januari – 31 maart 2025)" in content
