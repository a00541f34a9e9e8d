import datetime as dt

import pytest

from waw.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025-Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2025-H1", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        ("2025-H2", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (" 2025-q2 ", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    ],
)
def test_periods_parse_to_their_first_and_last_day(text, first, last):
    period = Period.parse(text)

    assert (period.first_day, period.last_day) == (first, last)


@pytest.mark.parametrize(
    "text", ["2025-Q5", "2025-H3", "2025-Q0", "25-Q1", "2025Q1", "", "abc", "1999"]
)
def test_malformed_periods_are_refused_with_a_dutch_message(text):
    with pytest.raises(PeriodError) as error:
        Period.parse(text)

    assert "periode" in str(error.value).lower() or "jaar" in str(error.value).lower()


def test_period_code_is_normalised():
    assert str(Period.parse("2025-q1")) == "2025-Q1"


@pytest.mark.parametrize(
    ("code", "described"),
    [
        ("2025-Q2", "tweede kwartaal 2025 (1 april – 30 juni 2025)"),
        ("2025-H1", "eerste halfjaar 2025 (1 januari – 30 juni 2025)"),
        ("2025-Q4", "vierde kwartaal 2025 (1 oktober – 31 december 2025)"),
        ("2025", "2025 (1 januari – 31 december 2025)"),
    ],
)
def test_period_reads_in_words_with_its_dates(code, described):
    assert Period.parse(code).described == described
