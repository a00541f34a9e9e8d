"""Test data builders. Dates are drawn in order (enrolment ≤ start ≤ end), never independently."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from participants.models import Participant, Trajectory
from projects.constants import ProjectStatus, SuccessCriterion
from projects.models import (
    Agreement,
    Budget,
    BudgetLine,
    Category,
    Cohort,
    Decision,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Programme,
    Project,
    TariffOption,
)
from waw.models import Municipality, User
from waw.roles import Role, sync_role_groups


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    # Complete invoice data, so a run can issue (billing rule 13); tests of missing data clear it.
    oin = factory.Sequence(lambda n: f"000000010{n:011d}")
    invoice_department = "Crediteurenadministratie"
    invoice_street = "Raadhuisplein"
    invoice_house_number = factory.Sequence(lambda n: str(n % 900 + 1))
    invoice_postcode = "1211 AB"
    invoice_city = factory.LazyAttribute(lambda o: o.name)
    invoice_email = factory.LazyAttribute(lambda o: f"facturen@{o.slug}.example")


class UserFactory(DjangoModelFactory):
    """``UserFactory(role=Role.MUNICIPALITY, municipality=m)``; the role becomes a group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-password-123")
    municipality = None

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        if extracted == Role.ADMINISTRATOR:
            self.is_superuser = self.is_staff = True
            self.save(update_fields=["is_superuser", "is_staff"])
        self.groups.add(sync_role_groups()[extracted])


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")
    start_date = dt.date(2020, 1, 1)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Categorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    programme = factory.SubFactory(ProgrammeFactory)
    status = ProjectStatus.RUNNING
    success_criterion = SuccessCriterion.COMPLETED


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    project = factory.SubFactory(ProjectFactory)
    year = 2025
    programme = factory.SelfAttribute("project.programme")
    joint_project_costs = Decimal("0.00")
    estimated_participants = 10


class TariffOptionFactory(DjangoModelFactory):
    class Meta:
        model = TariffOption

    agreement = factory.SubFactory(AgreementFactory)
    label = factory.Sequence(lambda n: f"Optie {n}")
    price_per_participant = Decimal("3000.00")
    is_default = True


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    tariff_option = factory.SubFactory(TariffOptionFactory)
    project = factory.SelfAttribute("tariff_option.agreement.project")
    name = factory.Sequence(lambda n: f"Klas {n}")
    start_date = dt.date(2025, 2, 1)
    status = "started"


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    date = dt.date(2024, 7, 12)
    body = "PFHO"
    meeting = factory.LazyAttribute(
        lambda o: Meeting.objects.get_or_create(body=o.body, date=o.date)[0]
    )
    decision = "Verlengen met 1 jaar"


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    date_of_birth = dt.date(1990, 5, 17)
    municipality = factory.SubFactory(MunicipalityFactory)


class TrajectoryFactory(DjangoModelFactory):
    """A trajectory enrolled on ``enrolment_date``; pass ``started_after`` / ``ended_after``
    (days) to start and end it in order, or explicit dates."""

    class Meta:
        model = Trajectory

    class Params:
        started_after = None
        ended_after = None

    participant = factory.SubFactory(ParticipantFactory)
    project = factory.SubFactory(ProjectFactory)
    municipality_at_start = factory.SelfAttribute("participant.municipality")
    enrolment_date = dt.date(2025, 1, 6)
    start_date = factory.LazyAttribute(
        lambda o: (
            None
            if o.started_after is None
            else o.enrolment_date + dt.timedelta(days=o.started_after)
        )
    )
    end_date = factory.LazyAttribute(
        lambda o: (
            None
            if o.ended_after is None or o.start_date is None
            else o.start_date + dt.timedelta(days=o.ended_after)
        )
    )
    outcome = factory.LazyAttribute(lambda o: "afgerond" if o.end_date else "")


class BudgetFactory(DjangoModelFactory):
    class Meta:
        model = Budget

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2025
    title = factory.LazyAttribute(lambda o: f"Begroting {o.year}")


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    budget = factory.SubFactory(BudgetFactory)
    kind = "expense"
    category = factory.Sequence(lambda n: f"Post {n}")
    planned = Decimal("1000.00")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Teller {n}")
    unit = "events"


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2025
    target = 8


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2025-H1"
    value = 3
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(lambda: dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC))
