import datetime as dt
from decimal import Decimal

import pytest

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
