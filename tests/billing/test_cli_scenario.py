"""The 2026 financing end to end through the commands, on a fresh database: reference data
(with the municipalities' invoice data), groups planned, trajectories imported into them, groups started or cancelled, the Q1 run
issued — and the totals per municipality exactly as billing rules 8–12 make them."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.constants import LineKind
from billing.models import InvoiceLine, SettledTrajectory
from participants.models import Trajectory

pytestmark = pytest.mark.django_db

PLANNING = """project;groep;startdatum;tariefoptie;status;reden
Wijkleerbedrijf;Klas februari 2026;02-02-2026;4000,00;gepland;
Regiotrainingen;Ik Ben maart;02-03-2026;433,00;gepland;
Regiotrainingen;Ik Word april;06-04-2026;433,00;gepland;
"""

DECISIONS = """project;groep;startdatum;tariefoptie;status;reden
Wijkleerbedrijf;Klas februari 2026;02-02-2026;4000,00;gestart;PFHO: uitvoerder start met 6
Regiotrainingen;Ik Ben maart;02-03-2026;433,00;gestart;
Regiotrainingen;Ik Word april;06-04-2026;433,00;geannuleerd;Te weinig aanmeldingen
"""

# Invented invoice data (the OINs belong to no one), which a run needs (billing rule 13).
MUNICIPALITY_DATA = "gemeente;straat;huisnummer;postcode;plaats;oin\n" + "".join(
    f"{name};Raadhuisplein;{n};1211 AB;{name};{n:020d}\n"
    for n, name in enumerate(
        ("Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum", "Laren", "Eemnes"),
        start=1,
    )
)

TRAJECTORY_HEADER = (
    "voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;groep\n"
)


def trajectories_file():
    rows = []
    people = iter(range(1, 100))

    def add(municipality, project, enrolled, started, group):
        n = next(people)
        rows.append(
            f"Deelnemer{n};Scenario;01-01-1990;{municipality};{project};{enrolled};{started};{group}"
        )

    wlb = ("Wijkleerbedrijf", "12-01-2026", "02-02-2026", "Klas februari 2026")
    for municipality in ("Huizen", "Huizen", "Laren", "Laren", "Laren", "Blaricum"):
        add(municipality, *wlb)
    ik_ben = ("Regiotrainingen", "16-02-2026", "02-03-2026", "Ik Ben maart")
    for municipality in ("Huizen",) * 4 + ("Eemnes",) * 3:
        add(municipality, *ik_ben)
    for _ in range(2):
        add("Laren", "Regiotrainingen", "16-03-2026", "", "Ik Word april")
    add("Huizen", "Motopp", "02-02-2026", "10-02-2026", "")
    add("Hilversum", "Statushouders voor de klas", "02-03-2026", "16-03-2026", "")
    return TRAJECTORY_HEADER + "\n".join(rows) + "\n"


# The invoice data the beheerder enters once at installation (billing rule 13: a run to a
# municipality without an address and an OIN or KvK number is refused). Invented values.
MUNICIPALITY_DATA = "gemeente;postbus;postcode;plaats;kvk;afdeling\n" + "".join(
    f"{name};{n};{1200 + n} AA;{name};9999000{n};Crediteurenadministratie\n"
    for n, name in enumerate(
        ("Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum", "Laren", "Eemnes"),
        start=1,
    )
)


def test_cli_scenario_bills_2026_q1_exactly_by_the_rules(tmp_path, monkeypatch):
    for name, text in (
        ("gemeenten.csv", MUNICIPALITY_DATA),
        ("planning.csv", PLANNING),
        ("trajecten.csv", trajectories_file()),
        ("besluiten.csv", DECISIONS),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 4, 15))
    out = StringIO()

    call_command("load_reference_data", stdout=out)
    call_command("import_municipality_data", str(tmp_path / "gemeenten.csv"), stdout=out)
    call_command("import_groups", str(tmp_path / "planning.csv"), stdout=out)
    call_command("import_trajectories", str(tmp_path / "trajecten.csv"), stdout=out)
    call_command("import_groups", str(tmp_path / "besluiten.csv"), stdout=out)
    run = StringIO()
    call_command("invoice_run", "--period", "2026-Q1", "--issue", "--json", stdout=run)

    result = json.loads(run.getvalue())
    totals = {invoice["municipality"]: Decimal(invoice["total"]) for invoice in result["invoices"]}
    # Wijkleerbedrijf: 6 × € 4.000 plus the shortfall (10 − 6) × € 4.000 = € 16.000 split 2:3:1
    # (Huizen 5.333,33, Laren 8.000,00, Blaricum 2.666,67 — the left-over cent to the largest
    # fraction); Ik Ben: 7 × € 433 (at its minimum, no shortfall); Ik Word cancelled: nothing;
    # Motopp at € 0 settled; Statushouders € 5.500.
    assert totals == {
        "Blaricum": Decimal("6666.67"),
        "Eemnes": Decimal("1299.00"),
        "Hilversum": Decimal("5500.00"),
        "Huizen": Decimal("15065.33"),
        "Laren": Decimal("20000.00"),
    }
    assert result["settled_at_zero"] == 1
    assert SettledTrajectory.objects.get().trajectory.project.name == "Motopp"
    shortfall = InvoiceLine.objects.filter(kind=LineKind.SHORTFALL)
    assert sum(shortfall.values_list("amount", flat=True)) == Decimal("16000.00")
    cancelled = Trajectory.objects.filter(cohort__name="Ik Word april")
    assert all(t.is_withdrawn for t in cancelled) and cancelled.count() == 2
