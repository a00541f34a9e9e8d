import datetime as dt
from decimal import Decimal

import pytest

from tests.billing import official_rules
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory

AFTER_Q1 = dt.date(2025, 4, 15)


@pytest.fixture
def wijkleerbedrijf(db):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("4000.00"),
    )
    return project


@pytest.fixture
def zorgstart(db):
    project = ProjectFactory(name="Zorgstart", slug="zorgstart")
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("0.00"),
    )
    return project


@pytest.fixture(scope="session")
def broken_rules():
    """``broken_rules(xml)``: the fatal and error findings of the official EN 16931 and
    SI-UBL 2.0 validators on one document. Both stylesheets are compiled once per session."""
    official_rules.compile_validators()
    return official_rules.broken_rules


@pytest.fixture(scope="session")
def rule_findings(broken_rules):
    """``rule_findings(xml)``: every finding, warnings included."""
    return official_rules.findings
