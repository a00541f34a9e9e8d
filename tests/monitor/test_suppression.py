"""Complementary suppression: no small per-municipality count (1 to 4) can be worked out from
what the board is shown, by the board or by a municipality that knows its own counts.

The checkers here are the attacker, written independently of monitor.selectors: they take the
table as shown (numbers, "<5", "×") and the column totals that the other tables give away, and
list the hidden cells that have only one possible value; none of them may hold a count of 1 to
4. (A complement may be pinned: it is a count that could have been shown.)
"""

import datetime as dt
import json
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.selectors import COUNTS, period_figures, suppress_small_cells
from participants.constants import Outcome
from tests.factories import (
    MunicipalityFactory,
    ParticipantFactory,
    ProjectFactory,
    TrajectoryFactory,
)
from waw.periods import Period

SMALL, COMPLEMENT = "<5", "×"
# What a reader knows about the counts of one row, besides the column totals.
IDENTITIES = (
    ("ended", ("completed", "dropped_out"), ()),  # ended = completed + dropped_out
    ("active_at_end", ("started_cumulative",), ("ended_cumulative",)),  # active = sc - ec
)
# The columns of the page's figures table, in order (successful_cumulative is not shown there;
# the success rate is).
PAGE_COLUMNS = COUNTS[:9]


def _hidden(value) -> bool:
    return value in (SMALL, COMPLEMENT)


def _equations(shown, totals, known=frozenset()):
    """The linear equations over the unknown cells: (coefficients by cell, constant)."""
    columns = [key for key in COUNTS if key in shown[0]]
    unknown = {
        (i, key)
        for i, row in enumerate(shown)
        for key in columns
        if _hidden(row[key]) and i not in known
    }

    def value(i, key):
        return known[i][key] if i in known else shown[i][key]

    equations = []
    for key in columns:
        coefficients, constant = {}, totals[key]
        for i in range(len(shown)):
            if (i, key) in unknown:
                coefficients[(i, key)] = 1
            else:
                constant -= value(i, key)
        equations.append((coefficients, constant))
    for whole, plus, minus in IDENTITIES:
        if not all(key in columns for key in (whole, *plus, *minus)):
            continue
        for i in range(len(shown)):
            coefficients, constant = {}, 0
            for key, sign in [(whole, 1)] + [(k, -1) for k in plus] + [(k, 1) for k in minus]:
                if (i, key) in unknown:
                    coefficients[(i, key)] = sign
                else:
                    constant -= sign * value(i, key)
            equations.append((coefficients, constant))
    return unknown, equations


def linearly_derivable(shown, totals, known=frozenset()) -> set:
    """Hidden cells that some combination of the column totals and the row identities fixes:
    a column total minus its visible cells, ended - completed, and any mix of them (Gaussian
    elimination over the rationals: a cell is fixed when its unit vector is in the row space)."""
    unknown, equations = _equations(shown, totals, known)
    cells = sorted(unknown)
    matrix = [[Fraction(coeff.get(c, 0)) for c in cells] for coeff, _ in equations]
    pivots = []
    row = 0
    for column in range(len(cells)):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [x / lead for x in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[row], strict=True)]
        pivots.append(column)
        row += 1
    return {cells[column] for r, column in enumerate(pivots) if sum(1 for x in matrix[r] if x) == 1}


def exactly_derivable(shown, totals, known=frozenset()) -> set:
    """Hidden cells with a single possible value over every table consistent with what is
    shown ("<5" is 1 to 4, "×" any count up to its column's total): one consistent table is
    found by search, then for each cell a consistent table where it differs (small tables)."""
    unknown, equations = _equations(shown, totals, known)
    domains = {
        (i, key): set(range(1, 5)) if shown[i][key] == SMALL else set(range(totals[key] + 1))
        for i, key in unknown
    }
    solution = _solve(domains, equations)
    assert solution is not None, "what is shown has no consistent table"
    derivable = set()
    for cell in unknown:
        others = dict(domains)
        others[cell] = domains[cell] - {solution[cell]}
        if _solve(others, equations) is None:
            derivable.add(cell)
    return derivable


def _solve(domains, equations):
    """A depth-first search for values in the domains that satisfy every equation; a cell that
    is the last free one of an equation takes the value the equation leaves it."""
    if any(not d for d in domains.values()):
        return None
    bounds = {c: (min(d), max(d)) for c, d in domains.items()}

    def possible(assignment):
        for coefficients, constant in equations:
            partial, low, high = 0, 0, 0
            for c, k in coefficients.items():
                if c in assignment:
                    partial += k * assignment[c]
                else:
                    lo, hi = bounds[c]
                    low += k * lo if k > 0 else k * hi
                    high += k * hi if k > 0 else k * lo
            if not low <= constant - partial <= high:
                return False
        return True

    def forced(assignment):
        for coefficients, constant in equations:
            free = [c for c in coefficients if c not in assignment]
            if len(free) == 1:
                partial = sum(k * assignment[c] for c, k in coefficients.items() if c in assignment)
                return free[0], (constant - partial) * coefficients[free[0]]
        return None

    def search(assignment):
        if len(assignment) == len(domains):
            return dict(assignment)
        step = forced(assignment)
        if step:
            cell, value = step
            choices = [value] if value in domains[cell] else []
        else:
            cell = min((c for c in domains if c not in assignment), key=lambda c: len(domains[c]))
            choices = sorted(domains[cell])
        for value in choices:
            assignment[cell] = value
            if possible(assignment):
                found = search(assignment)
                if found:
                    return found
            del assignment[cell]
        return None

    return search({})


def totals_of(rows):
    return {key: sum(row[key] for row in rows) for key in COUNTS}


def assert_nothing_derivable(true_rows, shown, totals, *, exact=False, insiders=True):
    checks = [linearly_derivable] + ([exactly_derivable] if exact else [])
    viewpoints = [None] + (list(range(len(true_rows))) if insiders else [])
    for viewpoint in viewpoints:
        known = {} if viewpoint is None else {viewpoint: true_rows[viewpoint]}
        for check in checks:
            leaked = {
                (i, key) for i, key in check(shown, totals, known) if 1 <= true_rows[i][key] <= 4
            }
            assert not leaked, (check.__name__, viewpoint, leaked, shown)


# --- the numbers of the issue, through the board's page -----------------------------------

ISSUE_STARTED = {  # 2025-H2: 129 started, Blaricum 3
    "Hilversum": 52,
    "Gooise Meren": 28,
    "Huizen": 22,
    "Wijdemeren": 12,
    "Laren": 6,
    "Eemnes": 6,
    "Blaricum": 3,
}
ISSUE_DROPPED = {"Hilversum": 4, "Gooise Meren": 2, "Huizen": 5, "Blaricum": 1}
ISSUE_COMPLETED = {"Hilversum": 9, "Gooise Meren": 6, "Huizen": 7, "Wijdemeren": 5}


@pytest.fixture
def issue_numbers(db):
    project = ProjectFactory(name="Wijkleerbedrijf")
    other = ProjectFactory(name="Zorgstart")
    for name, started in ISSUE_STARTED.items():
        municipality = MunicipalityFactory(name=name, slug=name.lower().replace(" ", "-"))
        ends = [Outcome.DROPPED_OUT] * ISSUE_DROPPED.get(name, 0) + [
            Outcome.DIPLOMA
        ] * ISSUE_COMPLETED.get(name, 0)
        for n in range(started):
            outcome = ends[n] if n < len(ends) else ""
            TrajectoryFactory(
                participant=ParticipantFactory(municipality=municipality),
                project=project if n % 3 else other,
                municipality_at_start=municipality,
                enrolment_date=dt.date(2025, 7, 1),
                start_date=dt.date(2025, 7, 7),
                end_date=dt.date(2025, 11, 28) if outcome else None,
                outcome=outcome,
            )


class _Tables(HTMLParser):
    """Every <table> of a page as (caption, rows of cell texts)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(["", []])
        elif tag == "caption":
            self._cell = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[-1][0] = "".join(self._cell).strip()
            self._cell = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            if self._row:
                self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _page_table(html, caption):
    parser = _Tables()
    parser.feed(html)
    [(_, rows)] = [t for t in parser.tables if t[0].startswith(caption)]
    body = rows[1:]  # the header row first
    return [
        {
            "name": cells[0],
            **{
                key: text if _hidden(text) else int(text)
                for key, text in zip(PAGE_COLUMNS, cells[1:], strict=False)
            },
        }
        for cells in body
    ]


def test_the_issues_blaricum_cell_cannot_be_worked_out_from_the_board_page(
    client_for, board_member, issue_numbers
):
    html = client_for(board_member).get("/monitor/actueel/?periode=2025-H2").content.decode()
    municipalities = _page_table(html, "Per gemeente")
    projects = _page_table(html, "Per project")
    totals = {key: sum(row[key] for row in projects) for key in PAGE_COLUMNS}
    true_rows = [
        {key: row[key] for key in PAGE_COLUMNS}
        for row in period_figures(period=Period.parse("2025-H2")).municipalities
    ]

    blaricum = next(row for row in municipalities if row["name"] == "Blaricum")
    assert totals["started"] == 129 and blaricum["started"] == SMALL
    # total minus the visible municipalities no longer gives Blaricum's 3 ...
    assert sum(1 for row in municipalities if _hidden(row["started"])) >= 3
    # ... nor does ended minus completed give its one drop-out, nor anything else.
    shown = [{key: row[key] for key in PAGE_COLUMNS} for row in municipalities]
    assert_nothing_derivable(true_rows, shown, totals)
    assert "terug te rekenen" in html  # what "×" means


def test_a_gemeente_user_cannot_work_out_another_municipality_from_its_own_counts(
    client_for, issue_numbers
):
    from tests.factories import UserFactory
    from waw.models import Municipality
    from waw.roles import Role

    laren = Municipality.objects.get(name="Laren")
    user = UserFactory(role=Role.MUNICIPALITY, municipality=laren)
    html = client_for(user).get("/monitor/actueel/?periode=2025-H2").content.decode()
    own = _page_table(html, "Uw gemeente")
    municipalities = _page_table(html, "Per gemeente")
    projects = _page_table(html, "Per project")
    totals = {key: sum(row[key] for row in projects) for key in PAGE_COLUMNS}
    # What Laren knows of itself: its own rows per project, exact, added up.
    laren_row = {key: sum(row[key] for row in own) for key in PAGE_COLUMNS}
    index = [row["name"] for row in municipalities].index("Laren")
    shown = [{key: row[key] for key in PAGE_COLUMNS} for row in municipalities]

    true_rows = period_figures(period=Period.parse("2025-H2")).municipalities
    assert laren_row == {key: true_rows[index][key] for key in PAGE_COLUMNS}

    leaked = linearly_derivable(shown, totals, {index: laren_row})
    assert not {(i, key) for i, key in leaked if 1 <= true_rows[i][key] <= 4}


def test_page_json_and_pdf_hide_the_same_cells(client_for, board_member, issue_numbers):
    from monitor.services import edition_create, edition_publish
    from tests.factories import UserFactory
    from waw.roles import Role

    coordinator = UserFactory(role=Role.COORDINATOR)
    edition_publish(edition=edition_create(period_text="2025-H2"), user=coordinator)
    client = client_for(board_member)
    page = _page_table(client.get("/monitor/2025-H2/").content.decode(), "Per gemeente")
    data = json.loads(client.get("/monitor/2025-H2/json/").content)

    assert [{key: row[key] for key in PAGE_COLUMNS} for row in data["municipalities"]] == [
        {key: row[key] for key in PAGE_COLUMNS} for row in page
    ]
    assert any(row["started"] == COMPLEMENT for row in data["municipalities"])


# --- the rule on its own, on the issue's example and on random tables -----------------------


def _row(**counts):
    row = dict.fromkeys(COUNTS, 0)
    row.update(counts)
    row["success_rate"] = None
    return row


def test_one_small_cell_in_a_column_gets_the_smallest_other_counts_as_complements():
    rows = [
        _row(started=52, started_cumulative=52, active_at_end=52),
        _row(started=3, started_cumulative=40, active_at_end=40),
        _row(started=6, started_cumulative=30, active_at_end=30),
        _row(started=9, started_cumulative=20, active_at_end=20),
    ]

    shown = suppress_small_cells(rows)

    assert [r["started"] for r in shown] == [52, SMALL, COMPLEMENT, COMPLEMENT]
    assert suppress_small_cells(rows) == shown  # deterministic


def test_ended_minus_completed_no_longer_gives_the_dropped_out():
    rows = [
        _row(ended=23, completed=20, dropped_out=3, ended_cumulative=23, started_cumulative=30),
        _row(ended=30, completed=30, ended_cumulative=30, started_cumulative=40),
        _row(ended=25, completed=25, ended_cumulative=25, started_cumulative=40),
    ]
    for row in rows:
        row["active_at_end"] = row["started_cumulative"] - row["ended_cumulative"]

    shown = suppress_small_cells(rows)

    assert shown[0]["dropped_out"] == SMALL
    assert _hidden(shown[0]["completed"]) or _hidden(shown[0]["ended"])
    assert_nothing_derivable(rows, shown, totals_of(rows))


def test_zero_and_five_or_more_stay_visible_when_nothing_small_is_near():
    rows = [_row(started=5, started_cumulative=5, active_at_end=5), _row(started=7)]
    rows[1].update(started_cumulative=7, active_at_end=7)

    assert suppress_small_cells(rows) == rows


@st.composite
def figure_rows(draw, max_rows=4):
    """Rows that obey the monitor's definitions, with small counts to make them interesting."""
    rows = []
    for _ in range(draw(st.integers(2, max_rows))):
        completed = draw(st.integers(0, 6))
        dropped = draw(st.integers(0, 3))
        ended = completed + dropped
        ended_cumulative = ended + draw(st.integers(0, 2))
        active = draw(st.integers(0, 6))
        started_cumulative = ended_cumulative + active
        successful = draw(st.integers(0, completed))
        rows.append(
            _row(
                started=draw(st.integers(0, started_cumulative)),
                active_at_end=active,
                ended=ended,
                completed=completed,
                dropped_out=dropped,
                to_work=draw(st.integers(0, completed)),
                successful=successful,
                started_cumulative=started_cumulative,
                ended_cumulative=ended_cumulative,
                successful_cumulative=successful + draw(st.integers(0, ended_cumulative - ended)),
            )
        )
    return rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(figure_rows(max_rows=6))
def test_no_hidden_cell_of_a_random_table_follows_linearly_from_what_is_shown(rows):
    shown = suppress_small_cells(rows)

    # With two municipalities, each knows the other from the totals: only the board is protected.
    assert_nothing_derivable(rows, shown, totals_of(rows), insiders=len(rows) > 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(figure_rows(max_rows=3))
def test_no_hidden_cell_of_a_small_random_table_has_only_one_possible_value(rows):
    shown = suppress_small_cells(rows)

    assert_nothing_derivable(rows, shown, totals_of(rows), exact=True, insiders=len(rows) > 2)
