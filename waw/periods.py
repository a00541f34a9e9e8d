"""Periods, parsed in one place: '2025-Q1', '2025-H2' and '2025'."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>[QH])(?P<part>\d))?$")
_MONTHS_PER_PART = {"Q": 3, "H": 6}
_PARTS = {"Q": 4, "H": 2}


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

    def __str__(self) -> str:
        return self.code
