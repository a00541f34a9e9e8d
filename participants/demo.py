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
from participants.models import Participant, Trajectory
from participants.services import trajectory_enrol
from participants.synthetic import FIRST_NAMES, LAST_NAMES
from projects.selectors import projects_open_for_enrolment
from waw.models import Municipality

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
