"""The plausible range of every date of a participant and a trajectory: one rule.

The validators sit on the model fields, so ``full_clean()`` applies them on every path: the
enrolment and edit forms, the quick actions, the admin, the import and each service (which
clean before they save). The import calls them per row as well, to name the row and column.

The bounds, and why:

- **birth date** from 1 January 1900 up to today minus 14 years: nobody alive was born before
  1900, and the youngest participants (pupils of practical or special secondary schools in a
  youth project) are 15 or older; 14 leaves a year's margin.
- **enrolment and start date** from 1 January 2015 up to a year from today: the programmes
  began in 2020 (Werken aan Werk, Perspectief op Werk) and the oldest agreements in the
  reference data are of 2024, so 2015 leaves room for the history of a predecessor project to
  be imported; a year ahead is as far as anyone plans a class (Wijkleerbedrijf starts in
  February and August). A start date in year 1 would otherwise stop every invoice run ("geen
  tarief voor 1").
- **end date** not after today: a trajectory ends when it has ended; an end date in the future
  would count as ended today in the monitor.

The order of the dates (start not before enrolment, end not before start) is a database
constraint on the trajectory; its messages are here too, so the import and the models say the
same thing.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
MINIMUM_AGE = 14
EARLIEST_TRAJECTORY_DATE = dt.date(2015, 1, 1)
PLANNING_HORIZON = dt.timedelta(days=366)

BIRTH_TOO_EARLY = _("De geboortedatum ligt vóór %(date)s; controleer het jaar.")
BIRTH_TOO_LATE = _("De geboortedatum ligt na %(date)s; een deelnemer is minstens %(age)s jaar oud.")
TOO_EARLY = _("De datum ligt vóór %(date)s; controleer het jaar.")
TOO_LATE = _("De datum ligt meer dan een jaar in de toekomst (na %(date)s).")
END_IN_FUTURE = _(
    "De einddatum ligt in de toekomst; beëindig het traject op of na de dag dat het eindigt."
)
START_BEFORE_ENROLMENT = _("De startdatum ligt vóór de aanmelddatum.")
END_BEFORE_START = _(
    "Een einddatum vraagt om een startdatum en ligt niet vóór de startdatum (op dezelfde "
    "dag mag wel)."
)


def _today() -> dt.date:
    return timezone.localdate()


def _shown(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def latest_birth_date(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - MINIMUM_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MINIMUM_AGE, day=28)


def latest_planned_date(today: dt.date) -> dt.date:
    return today + PLANNING_HORIZON


def validate_birth_date(value: dt.date) -> None:
    latest = latest_birth_date(_today())
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            BIRTH_TOO_EARLY, code="too_early", params={"date": _shown(EARLIEST_BIRTH_DATE)}
        )
    if value > latest:
        raise ValidationError(
            BIRTH_TOO_LATE, code="too_late", params={"date": _shown(latest), "age": MINIMUM_AGE}
        )


def validate_trajectory_date(value: dt.date) -> None:
    """Enrolment and start date."""
    latest = latest_planned_date(_today())
    if value < EARLIEST_TRAJECTORY_DATE:
        raise ValidationError(
            TOO_EARLY, code="too_early", params={"date": _shown(EARLIEST_TRAJECTORY_DATE)}
        )
    if value > latest:
        raise ValidationError(TOO_LATE, code="too_late", params={"date": _shown(latest)})


def validate_end_date(value: dt.date) -> None:
    if value < EARLIEST_TRAJECTORY_DATE:
        raise ValidationError(
            TOO_EARLY, code="too_early", params={"date": _shown(EARLIEST_TRAJECTORY_DATE)}
        )
    if value > _today():
        raise ValidationError(END_IN_FUTURE, code="in_future")
