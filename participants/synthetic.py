"""Synthetic national-size data for performance work: many municipalities, many years.

Deterministic: the same arguments and seed give the same people, trajectories and outcomes on
any day (the data set ends on a fixed day, ``LAST_DAY``, not on today). Names are invented from
fixed lists; no real person is in here. Rows are written with bulk inserts in batches, so a
million trajectories load in minutes rather than hours.

Outcomes follow the success rates the documents report per project (reference data notes,
"Resultaat tot 1 juli 2024"); the projects, agreements and tariffs are the reference data's.
Years without a documented agreement get a copy of the 2025 agreement (the financing model with
a price per participant), marked as synthetic in its notes, so every started trajectory can be
billed.
"""

import datetime as dt
import io
import random
import time
from dataclasses import dataclass
from itertools import accumulate

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from participants.constants import BenefitType, Outcome
from participants.dates import EARLIEST_TRAJECTORY_DATE
from participants.models import Participant, Trajectory
from projects.constants import SuccessCriterion
from projects.models import Agreement, Project, TariffOption
from projects.services import load_reference_data
from waw.models import Municipality

LAST_DAY = dt.date(2025, 12, 31)
TEMPLATE_YEAR = 2025  # the first year of the financing model with a price per participant
MAX_MUNICIPALITIES = 342  # the Netherlands in 2025
# No history before the earliest plausible enrolment date (participants/dates.py).
MAX_YEARS = LAST_DAY.year - EARLIEST_TRAJECTORY_DATE.year + 1
SYNTHETIC_NOTE = "Synthetisch (generate_synthetic): overgenomen van de jaarafspraak {year}."

FIRST_NAMES = [
    "Anouk", "Bram", "Chantal", "Daan", "Esra", "Fatima", "Gerrit", "Hanna", "Ilse", "Jeroen",
    "Kevin", "Lotte", "Mohamed", "Noor", "Omar", "Petra", "Quinten", "Rik", "Saskia", "Tim",
    "Umut", "Vera", "Wouter", "Yara", "Zeynep", "Ahmed", "Bianca", "Dewi", "Elif", "Joost",
    "Sanne", "Thijs", "Femke", "Lars", "Iris", "Sem", "Maaike", "Youssef", "Nadia", "Bas",
    "Eva", "Luuk", "Fleur", "Stijn", "Marieke", "Hamza", "Roos", "Jesse", "Ayşe", "Niels",
]  # fmt: skip
LAST_NAMES = [
    "de Boer", "Bakker", "Visser", "Smit", "Meijer", "de Groot", "Mulder", "Bos", "Vos",
    "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Yilmaz",
    "El Amrani", "Kaya", "Janssen", "van Dijk", "Koster", "Prins", "Huisman", "Veenstra",
    "Jansen", "de Vries", "van den Berg", "van der Meer", "Kok", "Willems", "Verhoeven",
    "Hoekstra", "Postma", "Kuipers", "Maas", "Schouten", "Bouali", "Öztürk", "Sedney",
]  # fmt: skip
# Invented place names for municipalities beyond the region's seven: a root and an ending.
NAME_ROOTS = [
    "Aal", "Bree", "Dal", "Eck", "Gel", "Hol", "Lin", "Mol", "Oost", "Ster", "Ter", "Vel",
    "Wes", "Zand", "Har", "Kol", "Lei", "Nij", "Ros", "Wolde",
]  # fmt: skip
NAME_ENDINGS = [
    "broek", "dam", "veen", "dijk", "hoven", "wijk", "horst", "dorp", "kerk", "meer",
    "hout", "berg", "rade", "loo", "zijl", "woude", "sloot", "hem",
]  # fmt: skip
# The region's municipalities: roughly each one's share of the participants (demo data).
REGION_WEIGHTS = {
    "hilversum": 34, "gooise-meren": 22, "huizen": 16, "wijdemeren": 9,
    "blaricum": 4, "laren": 4, "eemnes": 3,
}  # fmt: skip
# Share of ended trajectories that meet the project's success criterion, as the documents
# report it ("Resultaat tot 1 juli 2024", seed 000 Tabel 1, in the agreements' notes).
SUCCESS_RATES = {
    "bouw-en-techniekstart": 0.67,  # 67% diploma en/of werk
    "wijkleerbedrijf": 0.84,  # 84% behaalt diploma
    "ai-annotatielab": 0.71,  # 71% succesvol afgerond
    "zorgstart": 0.81,  # 81% succesvol afgerond
    "ik-in-de-kinderopvang": 0.56,  # 56% certificaat en/of werk
    "motopp": 0.90,  # 100% of 3 participants; the 2024 target (90%) is the better estimate
    "regiotrainingen": 0.83,  # 83% succesvol afgerond
}
DEFAULT_SUCCESS_RATE = 0.70  # Statushouders voor de klas: no result documented yet
# Typical trajectory length in days (reference data "duration", or the project's description).
DURATIONS = {
    "bouw-en-techniekstart": 270,
    "wijkleerbedrijf": 365,
    "ai-annotatielab": 180,
    "zorgstart": 180,
    "statushouders-voor-de-klas": 365,
    "ik-in-de-kinderopvang": 180,
    "motopp": 180,
    "regiotrainingen": 60,
}
DEFAULT_DURATION = 180
# Outcomes that meet each success criterion, and the others, with their relative weights.
SUCCESS_OUTCOMES = {
    SuccessCriterion.COMPLETED: [
        (Outcome.COMPLETED, 40), (Outcome.CERTIFICATE, 20), (Outcome.WORK, 20),
        (Outcome.CERTIFICATE_AND_WORK, 10), (Outcome.WORK_STUDY_JOB, 10),
    ],
    SuccessCriterion.QUALIFICATION: [
        (Outcome.DIPLOMA, 50), (Outcome.DIPLOMA_AND_WORK, 30), (Outcome.CERTIFICATE, 15),
        (Outcome.CERTIFICATE_AND_WORK, 5),
    ],
    SuccessCriterion.QUALIFICATION_OR_WORK: [
        (Outcome.DIPLOMA, 25), (Outcome.DIPLOMA_AND_WORK, 25), (Outcome.WORK, 30),
        (Outcome.CERTIFICATE, 10), (Outcome.CERTIFICATE_AND_WORK, 10),
    ],
    SuccessCriterion.WORK: [
        (Outcome.WORK, 70), (Outcome.DIPLOMA_AND_WORK, 20), (Outcome.CERTIFICATE_AND_WORK, 10),
    ],
}  # fmt: skip
OTHER_OUTCOMES = {
    SuccessCriterion.COMPLETED: [(Outcome.DROPPED_OUT, 1)],
    SuccessCriterion.QUALIFICATION: [
        (Outcome.DROPPED_OUT, 60), (Outcome.COMPLETED, 20), (Outcome.WORK, 15),
        (Outcome.WORK_STUDY_JOB, 5),
    ],
    SuccessCriterion.QUALIFICATION_OR_WORK: [
        (Outcome.DROPPED_OUT, 70), (Outcome.COMPLETED, 20), (Outcome.WORK_STUDY_JOB, 10),
    ],
    SuccessCriterion.WORK: [
        (Outcome.DROPPED_OUT, 60), (Outcome.COMPLETED, 20), (Outcome.DIPLOMA, 10),
        (Outcome.WORK_STUDY_JOB, 10),
    ],
}  # fmt: skip
BENEFITS = [
    (BenefitType.PARTICIPATION_ACT, 60), (BenefitType.UNEMPLOYMENT, 20),
    (BenefitType.NO_BENEFIT, 15), (BenefitType.OTHER, 5),
]  # fmt: skip
SECOND_TRAJECTORY = 0.2  # share of participants who take part in a second project
NEVER_STARTED = 0.06  # enrolments that never start
WITHDRAWN = 0.015  # enrolments withdrawn (entered by mistake)
MAX_WAIT_DAYS = 42  # from enrolment to start

TOO_FEW = _("Geef minstens één deelnemer, één jaar en één gemeente.")
TOO_MANY_YEARS = _("Hooguit %(n)s jaar geschiedenis.")
TOO_MANY_MUNICIPALITIES = _("Nederland heeft %(n)s gemeenten; meer kan niet.")
NOT_EMPTY = _(
    "Er staan al trajecten in de database; synthetische gegevens komen alleen in een lege."
)
NO_PROJECTS = _("Er zijn geen projecten met een jaarafspraak %(year)s in de referentiegegevens.")


@dataclass
class SyntheticReport:
    municipalities: int
    municipalities_created: int
    agreements_created: int
    participants: int
    trajectories: int
    seconds: float


def synthetic_municipality_names(count: int) -> list[str]:
    """``count`` distinct invented place names, always the same ones in the same order."""
    names = [f"{root}{ending}" for ending in NAME_ENDINGS for root in NAME_ROOTS]
    random.Random(342).shuffle(names)  # noqa: S311 - invented names, not secrets
    return names[:count]


def _weighted(pairs):
    values = [value for value, _weight in pairs]
    return values, list(accumulate(weight for _value, weight in pairs))


def _municipalities(count: int) -> tuple[list[Municipality], int]:
    region = {m.slug: m for m in Municipality.objects.filter(slug__in=REGION_WEIGHTS)}
    chosen = [region[slug] for slug in REGION_WEIGHTS if slug in region][:count]
    extra = synthetic_municipality_names(count - len(chosen))
    existing = set(
        Municipality.objects.filter(slug__in=[slugify(n) for n in extra]).values_list(
            "slug", flat=True
        )
    )
    new = [Municipality(name=n, slug=slugify(n)) for n in extra if slugify(n) not in existing]
    Municipality.objects.bulk_create(new)
    by_slug = {m.slug: m for m in Municipality.objects.filter(slug__in=[slugify(n) for n in extra])}
    chosen += [by_slug[slugify(n)] for n in extra]
    # Invented invoice data where there is none, so a run over synthetic data can issue
    # (billing rule 13 refuses a municipality without an address and an OIN or KvK number).
    Municipality.objects.filter(pk__in=[m.pk for m in chosen], invoice_city="").update(
        invoice_po_box="1", invoice_postcode="1000 AA", invoice_city="Synthetisch", kvk="99999999"
    )
    return chosen, len(new)


def _agreements_for(years: range) -> tuple[list[Project], list[int], int]:
    """The projects of the template year's agreements, their weights (expected participants),
    and agreements copied from the template year for data years that have none."""
    templates = list(
        Agreement.objects.filter(year=TEMPLATE_YEAR)
        .select_related("project")
        .prefetch_related("tariff_options")
        .order_by("project__name")
    )
    if not templates:
        raise ValidationError(NO_PROJECTS % {"year": TEMPLATE_YEAR})
    present = set(
        Agreement.objects.filter(
            project__in=[a.project for a in templates], year__in=list(years)
        ).values_list("project_id", "year")
    )
    created = 0
    for template in templates:
        for year in years:
            if (template.project_id, year) in present:
                continue
            agreement = Agreement.objects.create(
                project=template.project,
                year=year,
                programme_id=template.programme_id,
                joint_project_costs=template.joint_project_costs,
                estimated_participants=template.estimated_participants,
                vat_treatment=template.vat_treatment,
                notes=SYNTHETIC_NOTE.format(year=TEMPLATE_YEAR),
            )
            TariffOption.objects.bulk_create(
                TariffOption(
                    agreement=agreement,
                    label=option.label,
                    price_per_participant=option.price_per_participant,
                    project_costs=option.project_costs,
                    min_group_size=option.min_group_size,
                    is_default=option.is_default,
                )
                for option in template.tariff_options.all()
            )
            created += 1
    projects = [a.project for a in templates]
    weights = [max(a.estimated_participants or 1, 1) for a in templates]
    return projects, weights, created


def _validate(participants: int, years: int, municipalities: int) -> None:
    if participants < 1 or years < 1 or municipalities < 1:
        raise ValidationError(TOO_FEW)
    if years > MAX_YEARS:
        raise ValidationError(TOO_MANY_YEARS % {"n": MAX_YEARS})
    if municipalities > MAX_MUNICIPALITIES:
        raise ValidationError(TOO_MANY_MUNICIPALITIES % {"n": MAX_MUNICIPALITIES})


class _Drawer:
    """Draws one participant and their trajectories; all randomness from one seeded source."""

    def __init__(self, *, rng, municipalities, projects, project_weights, first_day):
        self.rng = rng
        self.municipalities = municipalities
        weights = [REGION_WEIGHTS.get(m.slug) for m in municipalities]
        # Beyond the region, sizes vary like Dutch municipalities do: a few large, many small.
        self.municipality_cum = list(
            accumulate(w if w else 1 + 30 * rng.random() ** 3 for w in weights)
        )
        self.projects = projects
        self.project_cum = list(accumulate(project_weights))
        self.first_day = first_day
        self.days = (LAST_DAY - first_day).days
        self.benefits = _weighted(BENEFITS)
        self.success = {c: _weighted(p) for c, p in SUCCESS_OUTCOMES.items()}
        self.other = {c: _weighted(p) for c, p in OTHER_OUTCOMES.items()}

    def pick(self, pair):
        values, cum = pair
        return self.rng.choices(values, cum_weights=cum)[0]

    def participant(self, number: int) -> Participant:
        rng = self.rng
        municipality = rng.choices(self.municipalities, cum_weights=self.municipality_cum)[0]
        # The first enrolment; the age (17 to 62) is taken at that day.
        first_enrolment = self.first_day + dt.timedelta(days=rng.randint(0, self.days))
        born = first_enrolment - dt.timedelta(days=rng.randint(17 * 365, 62 * 365))
        participant = Participant(
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            date_of_birth=born,
            municipality=municipality,
            client_number=f"SYN{number:08d}",
            benefit_type=self.pick(self.benefits),
            is_refugee=rng.random() < 0.08,
            is_psychologically_vulnerable=rng.random() < 0.12,
        )
        participant.first_enrolment = first_enrolment
        return participant

    def trajectories(self, participant: Participant) -> list[Trajectory]:
        rng = self.rng
        count = 2 if rng.random() < SECOND_TRAJECTORY else 1
        projects = rng.choices(self.projects, cum_weights=self.project_cum, k=count)
        if count == 2 and projects[0] == projects[1]:
            projects = projects[:1]
        enrolled = [participant.first_enrolment]
        if len(projects) == 2:  # a second project follows within two years
            enrolled.append(min(LAST_DAY, enrolled[0] + dt.timedelta(days=rng.randint(30, 730))))
        pairs = zip(projects, enrolled, strict=True)
        return [self._trajectory(participant, project, day) for project, day in pairs]

    def _trajectory(self, participant, project, enrolled) -> Trajectory:
        rng = self.rng
        trajectory = Trajectory(
            participant=participant,
            project=project,
            municipality_at_start=participant.municipality,
            enrolment_date=enrolled,
        )
        if rng.random() < WITHDRAWN:
            trajectory.withdrawn_at = timezone.make_aware(
                dt.datetime.combine(enrolled + dt.timedelta(days=rng.randint(1, 14)), dt.time(9))
            )
            trajectory.withdrawal_reason = "Dubbel aangemeld (synthetisch)."
            return trajectory
        start = enrolled + dt.timedelta(days=rng.randint(0, MAX_WAIT_DAYS))
        if rng.random() < NEVER_STARTED or start > LAST_DAY:
            return trajectory
        trajectory.start_date = start
        duration = DURATIONS.get(project.slug, DEFAULT_DURATION)
        criterion = project.success_criterion
        if rng.random() < SUCCESS_RATES.get(project.slug, DEFAULT_SUCCESS_RATE):
            outcome = self.pick(self.success[criterion])
        else:
            outcome = self.pick(self.other[criterion])
        if outcome == Outcome.DROPPED_OUT:
            days = rng.randint(7, duration)
        else:
            days = duration + rng.randint(-duration // 10, duration // 10)
        end = start + dt.timedelta(days=days)
        if end <= LAST_DAY:
            trajectory.end_date = end
            trajectory.outcome = outcome
        return trajectory


PARTICIPANT_COLUMNS = (
    "id", "first_name", "last_name", "date_of_birth", "municipality_id", "client_number",
    "benefit_type", "is_refugee", "is_psychologically_vulnerable", "created_at", "updated_at",
)  # fmt: skip
TRAJECTORY_COLUMNS = (
    "participant_id", "project_id", "municipality_at_start_id", "enrolment_date", "start_date",
    "end_date", "outcome", "notes", "withdrawn_at", "withdrawal_reason", "created_at",
    "updated_at",
)  # fmt: skip


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    """PostgreSQL's COPY: several times faster than INSERT for a million rows (measured with
    bench/: the ORM's bulk insert spends most of its time building SQL). The values are
    dates, numbers and names from the fixed lists: no tabs, newlines or backslashes."""
    lines = []
    for row in rows:
        lines.append("\t".join("\\N" if value is None else str(value) for value in row))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN",
            io.StringIO("\n".join(lines) + "\n"),
        )


def _insert_participants(batch: list[Participant]) -> None:
    if connection.vendor != "postgresql":
        Participant.objects.bulk_create(batch)
        return
    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - our table
            "FROM generate_series(1, %s)",
            [len(batch)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now().isoformat()
    for participant, pk in zip(batch, ids, strict=True):
        participant.pk = pk
    _copy(
        table,
        PARTICIPANT_COLUMNS,
        (
            (
                p.pk,
                p.first_name,
                p.last_name,
                p.date_of_birth,
                p.municipality_id,
                p.client_number,
                p.benefit_type,
                p.is_refugee,
                p.is_psychologically_vulnerable,
                now,
                now,
            )
            for p in batch
        ),
    )


def _insert_trajectories(trajectories: list[Trajectory]) -> None:
    if connection.vendor != "postgresql":
        Trajectory.objects.bulk_create(trajectories)
        return
    now = timezone.now().isoformat()
    _copy(
        Trajectory._meta.db_table,
        TRAJECTORY_COLUMNS,
        (
            (
                t.participant.pk,
                t.project_id,
                t.municipality_at_start_id,
                t.enrolment_date,
                t.start_date,
                t.end_date,
                t.outcome,
                t.notes,
                t.withdrawn_at.isoformat() if t.withdrawn_at else None,
                t.withdrawal_reason,
                now,
                now,
            )
            for t in trajectories
        ),
    )


def generate_synthetic(
    *, participants: int, years: int, municipalities: int, seed: int = 1, batch_size: int = 5000
) -> SyntheticReport:
    """Create ``participants`` synthetic participants with their trajectories over the last
    ``years`` years up to ``LAST_DAY`` in ``municipalities`` municipalities (the region's seven
    first, then invented ones), reproducibly for ``seed``; only into a database without
    trajectories. Loads the reference data first (idempotent)."""
    began = time.monotonic()
    _validate(participants, years, municipalities)
    if Trajectory.objects.exists():
        raise ValidationError(NOT_EMPTY)
    load_reference_data()
    first_year = LAST_DAY.year - years + 1
    with transaction.atomic():
        chosen, municipalities_created = _municipalities(municipalities)
        years_range = range(first_year, LAST_DAY.year + 1)
        projects, weights, agreements_created = _agreements_for(years_range)
        drawer = _Drawer(
            rng=random.Random(seed),  # noqa: S311 - synthetic data, not secrets
            municipalities=chosen,
            projects=projects,
            project_weights=weights,
            first_day=dt.date(first_year, 1, 1),
        )
        trajectory_count = 0
        for batch_start in range(0, participants, batch_size):
            batch_end = min(batch_start + batch_size, participants)
            batch = [drawer.participant(n) for n in range(batch_start + 1, batch_end + 1)]
            _insert_participants(batch)
            trajectories = [t for p in batch for t in drawer.trajectories(p)]
            _insert_trajectories(trajectories)
            trajectory_count += len(trajectories)
    return SyntheticReport(
        municipalities=len(chosen),
        municipalities_created=municipalities_created,
        agreements_created=agreements_created,
        participants=participants,
        trajectories=trajectory_count,
        seconds=time.monotonic() - began,
    )
