"""Demo participants and trajectories for a development machine (never in production).

Deterministic: the same seed gives the same people, so screenshots and walkthroughs repeat.
Names are invented; no real person is in here.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from participants.constants import BenefitType, Outcome
from participants.models import Participant, Referral, Trajectory
from participants.services import referral_decline, referral_submit, trajectory_enrol
from participants.synthetic import FIRST_NAMES, LAST_NAMES
from projects.models import Cohort, TariffOption
from projects.selectors import projects_open_for_enrolment
from projects.services import cohort_save
from waw.models import Municipality, User
from waw.periods import MONTHS
from waw.roles import Role

# Roughly the size of each municipality's share of the region's participants.
MUNICIPALITY_WEIGHTS = {
    "hilversum": 34, "gooise-meren": 22, "huizen": 16, "wijdemeren": 9,
    "blaricum": 4, "laren": 4, "eemnes": 3,
}  # fmt: skip
OUTCOMES = [
    (Outcome.DIPLOMA, 20), (Outcome.DIPLOMA_AND_WORK, 15), (Outcome.WORK, 20),
    (Outcome.CERTIFICATE, 8), (Outcome.CERTIFICATE_AND_WORK, 6), (Outcome.COMPLETED, 12),
    (Outcome.WORK_STUDY_JOB, 4), (Outcome.DROPPED_OUT, 15),
]  # fmt: skip


@transaction.atomic
def load_demo_trajectories(*, count: int = 150, seed: int = 2025) -> int:
    """Create ``count`` demo trajectories in 2024–2025 when there are none yet; returns how
    many were created (0 when demo data exists already)."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demogegevens worden alleen geladen als DEBUG aan staat.")
    if Trajectory.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    municipalities = {m.slug: m for m in Municipality.objects.all()}
    # A trajectory goes to a project with a tariff for its start year, so the demo can be
    # invoiced (the run refuses trajectories without a tariff).
    projects_by_year = {
        year: list(
            projects_open_for_enrolment().filter(agreements__year=year).distinct()
        )
        for year in (2024, 2025, 2026)
    }
    if not municipalities or not all(projects_by_year.values()):
        return 0
    slugs = [s for s in MUNICIPALITY_WEIGHTS if s in municipalities]
    weights = [MUNICIPALITY_WEIGHTS[s] for s in slugs]
    today = dt.date.today()
    for number in range(count):
        municipality = municipalities[rng.choices(slugs, weights)[0]]
        participant = Participant.objects.create(
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            date_of_birth=dt.date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28)),
            municipality=municipality,
            client_number=f"{municipality.slug[:2].upper()}-{10000 + number}",
            benefit_type=rng.choice(list(BenefitType.values)),
            is_refugee=rng.random() < 0.15,
            is_psychologically_vulnerable=rng.random() < 0.1,
        )
        enrolled = dt.date(2024, 6, 1) + dt.timedelta(days=rng.randint(0, 540))
        start = enrolled + dt.timedelta(days=rng.randint(5, 40)) if rng.random() < 0.85 else None
        end, outcome = None, ""
        if start and rng.random() < 0.6:
            end = start + dt.timedelta(days=rng.randint(30, 300))
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        if start and start > today:
            start = None
        if end and end > today:
            end, outcome = None, ""
        trajectory_enrol(
            user=None,
            trajectory=Trajectory(
                participant=participant,
                project=rng.choice(projects_by_year[(start or enrolled).year]),
                municipality_at_start=municipality,
                enrolment_date=enrolled,
                start_date=start,
                end_date=end,
                outcome=outcome,
            ),
        )
    return count


# Invented residents the klantmanagers refer (municipality slug, first name, last name, birth
# date, motivation); the first is declined by the Regio, the rest wait in the work list.
DEMO_REFERRALS = (
    ("huizen", "Sanne", "de Wit", dt.date(1988, 4, 12), "Wil graag aan het werk in de zorg."),
    ("hilversum", "Omar", "Yilmaz", dt.date(1999, 9, 3), "Heeft ervaring in de keuken."),
    ("gooise-meren", "Lotte", "Vermeer", dt.date(1976, 1, 22), "Zoekt een opleiding met werk."),
    ("huizen", "Jeroen", "Kok", dt.date(2002, 6, 30), "Past bij een groep die binnenkort start."),
)


@transaction.atomic
def load_demo_referrals(*, today: dt.date | None = None) -> int:
    """Planned groups starting in three weeks and referrals by the demo klantmanagers, so that
    the referral pages, the groups' fill and the coordinator's work list have something to
    show; only when there are no groups and referrals yet. Returns the referrals created."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demogegevens worden alleen geladen als DEBUG aan staat.")
    if Referral.objects.exists() or Cohort.objects.exists():
        return 0
    case_managers = {
        user.municipality.slug: user
        for user in User.objects.filter(groups__name=Role.CASE_MANAGER).select_related(
            "municipality"
        )
        if user.municipality
    }
    start = (today or dt.date.today()) + dt.timedelta(weeks=3)
    options = (
        TariffOption.objects.filter(
            agreement__year=start.year,
            min_group_size__isnull=False,
            agreement__project__in=projects_open_for_enrolment(),
        )
        .select_related("agreement__project")
        .order_by("agreement__project__name", "label")
    )
    groups = []
    for option in options:
        if len(groups) == 2:
            break
        if any(group.project_id == option.agreement.project_id for group in groups):
            continue  # one demo group a project: a group's name is unique within it
        groups.append(
            cohort_save(
                cohort=Cohort(
                    project=option.agreement.project,
                    tariff_option=option,
                    name=f"Demoklas {MONTHS[start.month - 1]} {start.year}",
                    start_date=start,
                    capacity=option.min_group_size + 5,
                )
            )
        )
    projects = list(projects_open_for_enrolment().order_by("name"))
    created = []
    for number, (slug, first, last, born, motivation) in enumerate(DEMO_REFERRALS):
        user = case_managers.get(slug)
        if user is None or not projects:
            continue
        group = groups[number % len(groups)] if groups and number else None
        created.append(
            referral_submit(
                user=user,
                municipality=user.municipality,
                project=group.project if group else projects[number % len(projects)],
                cohort=group,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                motivation=motivation,
            )
        )
    coordinator = User.objects.filter(groups__name=Role.COORDINATOR).first()
    if created and coordinator:
        referral_decline(
            user=coordinator,
            referral=created[0],
            reason="Dit project start pas weer in het voorjaar; meld haar dan opnieuw aan.",
        )
    return len(created)
