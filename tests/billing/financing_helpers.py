"""Builders shared by the tests of billing rules 8–12 (financing from 2026)."""

import datetime as dt
from decimal import Decimal

from tests.factories import (
    AgreementFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)

AFTER_Q1_2026 = dt.date(2026, 4, 15)
AFTER_2026 = dt.date(2027, 1, 15)


def municipality(name):
    return MunicipalityFactory(name=name, slug=name.lower().replace(" ", "-"))


def project_with_option(*, name="Wijkleerbedrijf", year=2026, price="4000.00", **option):
    project = ProjectFactory(name=name, slug=name.lower().replace(" ", "-"))
    agreement = AgreementFactory(project=project, year=year, **option.pop("agreement", {}))
    option.setdefault("price_per_participant", Decimal(price))
    TariffOptionFactory(agreement=agreement, **option)
    return project


def started(project, where, day=dt.date(2026, 2, 3), **kwargs):
    """A trajectory of a resident of ``where`` that started on ``day``."""
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=where),
        project=project,
        municipality_at_start=where,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
        **kwargs,
    )
