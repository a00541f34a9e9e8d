"""Periods, parsed in one place: '2025-Q1', '2025-H2' and '2025'."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QH])(?P<part>\d))?$")
_MONTHS_PER_PART = {"Q": 3, "H": 6}
_PARTS = {"Q": 4, "H": 2}
# Spelled out here rather than by the locale: a period reads the same on every machine.
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_ORDINALS = ("eerste", "tweede", "derde", "vierde")


def date_in_words(day: dt.date) -> str:
    """1 april 2025."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def term_in_words(first: dt.date | None, last: dt.date | None) -> str:
    """A term with an open end or two: "1 april 2025 – 31 maart 2026", "vanaf 1 april 2025",
    "tot en met 31 maart 2026", or "onbekend" when neither day is known."""
    if first and last:
        return f"{date_in_words(first)} – {date_in_words(last)}"
    if first:
        return _("vanaf %(day)s") % {"day": date_in_words(first)}
    if last:
        return _("tot en met %(day)s") % {"day": date_in_words(last)}
    return _("onbekend")


class PeriodError(ValueError):
    """Not a period this application knows; the message says what is expected."""


@dataclass(frozen=True, order=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    code: str

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PATTERN.match((text or "").strip().upper())
        if not match:
            raise PeriodError(
                _("Onbekende periode “%(text)s”: gebruik bijvoorbeeld 2025-Q1, 2025-H1 of 2025.")
                % {"text": text}
            )
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise PeriodError(_("Het jaar %(year)s ligt buiten 2000–2100.") % {"year": year})
        kind, part = match["kind"], match["part"]
        if kind is None:
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}")
        number = int(part)
        if not 1 <= number <= _PARTS[kind]:
            raise PeriodError(
                _("Onbekende periode “%(text)s”: een jaar heeft %(n)s %(kind)s.")
                % {
                    "text": text,
                    "n": _PARTS[kind],
                    "kind": _("kwartalen") if kind == "Q" else _("halfjaren"),
                }
            )
        months = _MONTHS_PER_PART[kind]
        first_month = (number - 1) * months + 1
        last_month = first_month + months - 1
        first = dt.date(year, first_month, 1)
        next_month = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
        return cls(first, next_month - dt.timedelta(days=1), f"{year}-{kind}{number}")

    @property
    def year(self) -> int:
        return self.first_day.year

    @classmethod
    def term(cls, first_day: dt.date, last_day: dt.date) -> "Period":
        """A span of days that is not one calendar period (a programme's whole term); its code
        names both days, so it never collides with a quarter, half-year or year."""
        return cls(first_day, last_day, f"{first_day.isoformat()}/{last_day.isoformat()}")

    @property
    def is_term(self) -> bool:
        return "/" in self.code

    @property
    def in_words(self) -> str:
        """How people read the period: "tweede kwartaal 2025", "eerste halfjaar 2025", "2025";
        a term by its dates."""
        if self.is_term:
            return self.dates_in_words
        if "-" not in self.code:
            return self.code
        kind, number = self.code[5], int(self.code[6])
        part = _("kwartaal") if kind == "Q" else _("halfjaar")
        return f"{_ORDINALS[number - 1]} {part} {self.year}"

    @property
    def dates_in_words(self) -> str:
        """1 april – 30 juni 2025 (the year once when both days share it)."""
        first = f"{self.first_day.day} {MONTHS[self.first_day.month - 1]}"
        if self.first_day.year != self.last_day.year:
            first += f" {self.first_day.year}"
        return f"{first} – {date_in_words(self.last_day)}"

    @property
    def described(self) -> str:
        """The period in words with its dates: "tweede kwartaal 2025 (1 april – 30 juni 2025)"."""
        return f"{self.in_words} ({self.dates_in_words})"

    def __str__(self) -> str:
        return self.code


def period_in_words(code: str) -> str:
    """The one way a period's code is shown to a person: "2025-H2" → "tweede halfjaar 2025".
    Text that is not a period code is returned as it is (a reader still sees something)."""
    try:
        return Period.parse(str(code)).in_words
    except PeriodError:
        return str(code)


def half_years(first: dt.date, last: dt.date) -> list[str]:
    """The codes of the half-years from the one holding ``first`` to the one holding ``last``,
    newest first (what a person picks from: the latest is the likeliest)."""
    codes = []
    year, half = last.year, 1 if last.month <= 6 else 2
    first_year, first_half = first.year, 1 if first.month <= 6 else 2
    while (year, half) >= (first_year, first_half):
        codes.append(f"{year}-H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return codes
