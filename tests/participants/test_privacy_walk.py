"""Every URL of the project that can show a participant, walked as each municipality's user
for two people who moved between Huizen and Laren (one each way): no page, search, export,
file or invoice holds anything of the other municipality — not the klantnummer it gave, not the
birth date or residence of someone who now lives there, not its trajectories, not which of its
staff viewed the record.

The table below is derived from the URL patterns, like the authorisation matrix: a URL without
an entry fails the test, so a new page has to say how it shows people (or that it shows none).
"""

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from billing.models import Invoice
from participants.services import referral_submit
from projects.models import Project
from tests.waw.test_authorisation_matrix import url_names

pytestmark = pytest.mark.django_db


def _each_participant(world):
    return [{"pk": move.participant.pk} for move in world["moves"]]


def _each_participant_to_enrol(world):
    return [{"participant": move.participant.pk} for move in world["moves"]]


def _each_trajectory(world):
    return [
        {"pk": trajectory.pk}
        for move in world["moves"]
        for trajectory in (move.former_trajectory, move.current_trajectory)
    ]


def _each_group(world):
    from projects.models import Cohort

    return [{"pk": pk} for pk in Cohort.objects.values_list("pk", flat=True)]


def _each_referral(world):
    return [{"pk": referral.pk} for referral in world["referrals"]]


def _each_invoice(world):
    return [{"number": invoice.number} for invoice in Invoice.objects.all()]


ONCE = [{}]
# What would find or sort someone by a detail the reader may not see.
PARTICIPANT_LIST_QUERIES = [
    "",
    "?q=Mees",
    "?q=Roos",
    "?q=LA-777001",
    "?q=HU-888002",
    "?q=23-11-1977",
    "?q=1969-08-14",
    "?sort=date_of_birth",
    "?sort=-client_number",
    "?sort=municipality",
]
TRAJECTORY_LIST_QUERIES = [
    "",
    "?_export=csv",
    "?_export=xlsx",
    "?name=Mees",
    "?name=LA-777001",
    "?name=HU-888002",
    "?target_group=statushouder",
    "?target_group=50plus",
]

# url name → (kwargs for each record the URL can show, query strings), or why it shows no one.
WALK = {
    "home": (ONCE, [""]),
    "healthz": "a status word",
    "health": "the beheerder's system status: counts, ages and disk space, no records",
    "login": "the login form",
    "logout": "POST only",
    "two-factor-setup": "the user's own device",
    "two-factor-verify": "the user's own device",
    "municipalities": "municipalities' invoice data (coordinators and beheerders only)",
    "municipality-invoice-data": "a municipality's invoice data (coordinators and beheerders only)",
    "jobs": "background jobs (imports, runs): coordinators and beheerders only",
    "job": "a background job and its row errors: coordinators and beheerders only",
    "job-progress": "a background job's progress figures: coordinators and beheerders only",
    "job-errors": "a background import's row errors: coordinators and beheerders only",
    "projects:list": "the catalogue",
    "projects:detail": "the catalogue and yearly counts (aggregates)",
    "projects:create": "a form",
    "projects:update": "a form",
    "projects:programme-create": "a form",
    "projects:programme-update": "a form",
    "projects:agreement-create": "a form",
    "projects:agreement-update": "a form",
    "projects:decision-create": "a form",
    "projects:decision-update": "a form",
    "projects:indicator-create": "a form",
    "projects:indicator": "a project's counted results (aggregates)",
    "projects:indicator-remove": "a confirmation",
    "projects:indicator-target-remove": "a confirmation",
    "projects:indicator-value-remove": "a confirmation",
    "projects:budget-index": "budgets",
    "projects:budget-year": "budgets",
    "projects:budget-create": "budgets",
    "projects:budget-update": "budgets",
    "projects:budget-programme": "budgets",
    "projects:budget-line-create": "budgets",
    "projects:budget-line-update": "budgets",
    "projects:budget-line-delete": "budgets",
    "projects:agreements-copy": "agreements (coordinators only)",
    "board:index": "board tables: years and meetings (coordinators and bestuurders only)",
    "board:cost-split": "board tables: agreements per project (no persons)",
    "board:cost-split-export": "board tables: agreements per project (no persons)",
    "board:realisation": "board tables: totals per project (no persons)",
    "board:realisation-export": "board tables: totals per project (no persons)",
    "board:meeting": "board tables: decisions per project (no persons)",
    "board:meeting-export": "board tables: decisions per project (no persons)",
    "participants:list": (ONCE, PARTICIPANT_LIST_QUERIES),
    "participants:detail": (_each_participant, [""]),
    "participants:export": (_each_participant, [""]),
    "participants:update": (_each_participant, [""]),
    "participants:enrol-participant": (_each_participant_to_enrol, [""]),
    "participants:trajectories": (ONCE, TRAJECTORY_LIST_QUERIES),
    "participants:enrol": (ONCE, [""]),
    "participants:import": (ONCE, [""]),
    "participants:import-template": ([{"file_format": "csv"}, {"file_format": "xlsx"}], [""]),
    "participants:import-values": (ONCE, [""]),
    "participants:trajectory": (_each_trajectory, [""]),
    "participants:trajectory-update": (_each_trajectory, [""]),
    "participants:start": (_each_trajectory, [""]),
    "participants:end": (_each_trajectory, [""]),
    "participants:withdraw": (_each_trajectory, [""]),
    "participants:groups": (ONCE, ["", "?project=wijkleerbedrijf&jaar=2025"]),
    "participants:group": (_each_group, [""]),
    "participants:group-create": "a form",
    "participants:group-import": "a form",
    "participants:group-start": "POST only",
    "participants:group-cancel": "POST only",
    "participants:referrals": (ONCE, ["", "?status=ingediend"]),
    "participants:referral-create": "a form",
    "participants:referral": (_each_referral, [""]),
    "participants:referral-place": "POST only",
    "participants:referral-decline": "POST only",
    "participants:referral-withdraw": "POST only",
    "billing:list": (ONCE, [""]),
    "billing:run": (ONCE, ["", "?period=2025-Q1"]),
    "billing:ledger": "budget figures per municipality",
    "billing:ledger-year": "budget figures per municipality",
    "billing:participation-budget": "budget figures per municipality",
    "billing:lines-csv": (ONCE, [""]),
    "billing:invoice": (_each_invoice, [""]),
    "billing:pdf": (_each_invoice, [""]),
    "billing:xml": (_each_invoice, [""]),
    "billing:credit": (_each_invoice, [""]),
    "monitor:editions": "figures without persons (aggregates, small counts suppressed)",
    "monitor:page": "figures without persons",
    "monitor:edition": "figures without persons",
    "monitor:edit": "figures without persons",
    "monitor:story": "a story of a draft: a first name or pseudonym only (coordinators only)",
    "monitor:remove": "a confirmation (coordinators only)",
    "monitor:pdf": "figures without persons",
    "monitor:json": "figures without persons",
    "audit:log": (ONCE, ["", "?record=Mees", "?record=Roos"]),
}


def _dates(day: dt.date) -> list[str]:
    return [f"{day:%d-%m-%Y}", day.isoformat()]


def _secrets_of_the_other(*, reader_municipality, other, moves) -> list[str]:
    """What a user of ``reader_municipality`` must never read: the other municipality's name,
    staff and klantnummers, the birth date of whoever moved there, its trajectories."""
    secrets = [
        other.name,
        f"gemeente-{other.slug}",
        f"klantmanager-{other.slug}",
        f"notitie-van-{other.slug}",
        # What the other municipality's referral holds.
        f"REF-{other.slug}",
        f"motivatie-van-{other.slug}",
        f"Verwezen{other.slug}",
    ]
    for move in moves:
        if move.participant.municipality_id == other.pk:  # moved there from the reader's
            secrets += [move.current_client_number, *_dates(move.participant.date_of_birth)]
            other_trajectory = move.current_trajectory
        else:  # moved from there to the reader's municipality
            secrets.append(move.former_client_number)
            other_trajectory = move.former_trajectory
        secrets.append(f"/trajecten/{other_trajectory.pk}/")
    return secrets


def _readable_text(response) -> str:
    """The response as a person (or a spreadsheet, a PDF reader) would read it."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        cells = []
        for sheet in load_workbook(io.BytesIO(body), read_only=True).worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, dt.datetime | dt.date):
                        cells += _dates(value.date() if isinstance(value, dt.datetime) else value)
                    elif value is not None:
                        cells.append(str(value))
        return "\n".join(cells)
    if "pdf" in content_type:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    text = body.decode("utf-8")
    if "json" in content_type:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=1)
    # The layout's footer names every municipality of the region.
    return re.sub(r"<footer.*?</footer>", "", text, flags=re.DOTALL)


def test_every_url_has_an_entry_in_the_walk():
    assert set(url_names()) - set(WALK) == set()
    assert set(WALK) - set(url_names()) == set()


def _referrals(case_managers):
    """One referral by each municipality's klantmanager, of a resident of its own."""
    return [
        referral_submit(
            user=user,
            municipality=user.municipality,
            project=Project.objects.get(slug="wijkleerbedrijf"),
            first_name=f"Verwezen{user.municipality.slug}",
            last_name="Verwezen",
            date_of_birth=dt.date(1991, 3, 9),
            client_number=f"REF-{user.municipality.slug}",
            motivation=f"motivatie-van-{user.municipality.slug}",
        )
        for user in case_managers
    ]


def test_no_url_shows_a_municipality_anything_of_the_other_about_people_who_moved(
    client,
    billed_moves,
    huizen,
    laren,
    huizen_user,
    laren_user,
    huizen_case_manager,
    laren_case_manager,
):
    referrals = _referrals([huizen_case_manager, laren_case_manager])
    world = {"moves": list(billed_moves.values()), "referrals": referrals}
    leaks, walked = [], 0
    readers = (
        (huizen_user, huizen, laren),
        (laren_user, laren, huizen),
        (huizen_case_manager, huizen, laren),
        (laren_case_manager, laren, huizen),
    )
    for reader, own, other in readers:
        client.force_login(reader)
        secrets = _secrets_of_the_other(reader_municipality=own, other=other, moves=world["moves"])
        for name, entry in WALK.items():
            if isinstance(entry, str):
                continue
            records, queries = entry
            for kwargs in records(world) if callable(records) else records:
                for query in queries:
                    url = reverse(name, kwargs=kwargs or None) + query
                    response = client.get(url)
                    walked += 1
                    assert response.status_code < 500, url
                    text = _readable_text(response)
                    # A search box shows what the reader typed; that is not a leak.
                    leaks += [
                        f"{reader.username} {url}: {secret}"
                        for secret in secrets
                        if secret in text and secret not in query
                    ]
    assert walked > 100
    assert leaks == []


def test_the_walk_reads_what_the_reader_may_see(
    client, billed_moves, huizen_user, huizen_case_manager
):
    """The walk would notice a leak: the same pages show the reader's own people in full."""
    client.force_login(huizen_case_manager)
    roos = billed_moves["to_huizen"]

    listing = _readable_text(client.get("/deelnemers/?q=HU-888002"))
    export = _readable_text(client.get("/trajecten/?_export=xlsx"))
    dossier = _readable_text(client.get(f"/deelnemers/{roos.participant.pk}/inzage.json"))
    client.force_login(huizen_user)
    invoice = Invoice.objects.get(municipality__slug="huizen")
    pdf = _readable_text(client.get(f"/facturen/{invoice.number}/pdf/"))

    assert "HU-888002" in listing and "14-08-1969" in listing
    assert "Omgezet" in export and "Verhuisd" in export
    assert "HU-888002" in dossier
    assert "M.V. (1977)" in pdf


def test_finance_staff_read_no_resident_name_on_any_page(
    client, billed_moves, huizen_user, laren_user, huizen_case_manager, laren_case_manager
):
    """Least privilege: a gemeente's finance staff check invoices by the reference on them
    (klantnummer, or initials and birth year) and never read a resident's name, birth date or
    the notes, on no page, export or file — its own residents' neither."""
    referrals = _referrals([huizen_case_manager, laren_case_manager])
    world = {"moves": list(billed_moves.values()), "referrals": referrals}
    secrets = ["Verwezen", "notitie-van-", "motivatie-van-"]
    for move in world["moves"]:
        participant = move.participant
        secrets += [participant.first_name, participant.last_name]
        secrets += _dates(participant.date_of_birth)
    leaks, walked = [], 0
    for reader in (huizen_user, laren_user):
        client.force_login(reader)
        for name, entry in WALK.items():
            if isinstance(entry, str):
                continue
            records, queries = entry
            for kwargs in records(world) if callable(records) else records:
                for query in queries:
                    url = reverse(name, kwargs=kwargs or None) + query
                    response = client.get(url)
                    walked += 1
                    assert response.status_code < 500, url
                    text = _readable_text(response)
                    leaks += [
                        f"{reader.username} {url}: {secret}"
                        for secret in secrets
                        if secret in text and secret not in query
                    ]
    assert walked > 50
    assert leaks == []


def test_finance_staff_are_refused_every_page_about_people(client, billed_moves, huizen_user):
    client.force_login(huizen_user)
    mees = billed_moves["to_laren"]

    for url in (
        "/deelnemers/",
        f"/deelnemers/{mees.participant.pk}/",
        f"/deelnemers/{mees.participant.pk}/inzage.json",
        "/trajecten/",
        "/trajecten/?_export=csv",
        f"/trajecten/{mees.former_trajectory.pk}/",
        "/groepen/",
        "/aanmeldingen/",
    ):
        assert client.get(url).status_code == 403, url


def test_the_walk_reads_the_referrals_a_klantmanager_may_see(
    client, billed_moves, huizen_case_manager, laren_case_manager
):
    own, _other = _referrals([huizen_case_manager, laren_case_manager])
    client.force_login(huizen_case_manager)

    listing = _readable_text(client.get("/aanmeldingen/"))
    page = _readable_text(client.get(f"/aanmeldingen/{own.pk}/"))

    assert "Verwezenhuizen" in listing
    assert "REF-huizen" in page and "motivatie-van-huizen" in page
