"""The monitor's figures for a half-year, exactly as defined in the domain brief.

For a period P with first day F and last day E, over trajectories that are not withdrawn:
started (start in P), active_at_end (started by E, not ended by E), ended (end in P), of those
dropped_out (outcome gestopt) and completed (the others), to_work (ended in P with work),
successful (ended in P meeting the project's success criterion), and cumulative up to E:
started_cumulative, ended_cumulative, successful_cumulative and success_rate. The database
counts, in one grouped query per project, municipality and outcome (``_cells``); the outcome
rules turn those counts into the figures, which are added up per breakdown.
"""

import hashlib
import logging
from collections import deque
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from participants.constants import OUTCOMES_WITH_QUALIFICATION, OUTCOMES_WITH_WORK, Outcome
from participants.models import Trajectory
from projects.constants import SuccessCriterion
from projects.models import Agreement, Project
from waw.models import Municipality
from waw.periods import Period, PeriodError

logger = logging.getLogger(__name__)

COUNTS = (
    "started",
    "active_at_end",
    "ended",
    "completed",
    "dropped_out",
    "to_work",
    "successful",
    "started_cumulative",
    "ended_cumulative",
    "successful_cumulative",
)

# The cells the success rate is computed from (success_rate).
RATE_CELLS = ("successful_cumulative", "ended_cumulative")

# The traffic-light rule, said on the page as it is applied here.
TRAFFIC_LIGHT_RULE = _(
    "Met een succesdoel (percentage): groen als het cumulatieve succespercentage het doel haalt, "
    "oranje tot 10 procentpunt eronder, anders rood; pas vanaf 5 beëindigde trajecten. "
    "Met een aantal als jaardoel (trajecten, of een teller zoals events of werkplekken): groen "
    "als het aantal in het jaar tot en met de periode (gestarte trajecten, of de opgetelde "
    "standen van de teller) minstens naar rato van het jaardoel is, oranje vanaf 75% daarvan, "
    "anders rood; een teller zonder ingevoerde stand in het jaar krijgt nog geen kleur. Een "
    "project zonder trajectdoel met tellers met een doel krijgt de laagste kleur van die "
    "tellers. Zonder doel: geen kleur."
)
MIN_ENDED_FOR_RATE = 5


def parse_half_year(text: str) -> Period:
    """A monitor period is a half-year: 2025-H1 (Jan–Jun) or 2025-H2 (Jul–Dec)."""
    period = Period.parse(text)
    if "-H" not in period.code:
        raise PeriodError(
            _("De monitor gaat over halfjaren: gebruik 2025-H1 of 2025-H2, niet “%(text)s”.")
            % {"text": text}
        )
    return period


def is_successful(criterion: str, outcome: str) -> bool:
    """Whether an ended trajectory's outcome meets its project's success criterion."""
    if criterion == SuccessCriterion.COMPLETED:
        return outcome != Outcome.DROPPED_OUT
    if criterion == SuccessCriterion.QUALIFICATION:
        return outcome in OUTCOMES_WITH_QUALIFICATION
    if criterion == SuccessCriterion.QUALIFICATION_OR_WORK:
        return outcome in OUTCOMES_WITH_QUALIFICATION or outcome in OUTCOMES_WITH_WORK
    return outcome in OUTCOMES_WITH_WORK


def _counted():
    return Trajectory.objects.filter(withdrawn_at__isnull=True)


def _cells(period: Period) -> list[dict]:
    """Date counts per (project, municipality, outcome), in one grouped query.

    Every figure follows from these cells: the outcome decides completed, dropped_out, to_work
    and successful; active_at_end is started_cumulative - ended_cumulative, because a
    trajectory that ended by E also started by E (the database checks end >= start). One scan
    with five date conditions instead of one scan per breakdown with the outcome rules in SQL:
    at a million trajectories that is the difference between seconds and a fraction of one.
    """
    first, last = period.first_day, period.last_day
    year_start = first.replace(month=1, day=1)
    return list(
        _counted()
        .values("project_id", "municipality_at_start_id", "outcome")
        .annotate(
            started=Count("id", filter=Q(start_date__gte=first, start_date__lte=last)),
            started_cumulative=Count("id", filter=Q(start_date__lte=last)),
            started_in_year=Count("id", filter=Q(start_date__gte=year_start, start_date__lte=last)),
            ended=Count("id", filter=Q(end_date__gte=first, end_date__lte=last)),
            ended_cumulative=Count("id", filter=Q(end_date__lte=last)),
        )
        .order_by()
    )


def _figures_of(cell: dict, criterion: str) -> dict:
    outcome = cell["outcome"]
    ended, ended_cumulative = cell["ended"], cell["ended_cumulative"]
    dropped = outcome == Outcome.DROPPED_OUT
    success = bool(outcome) and is_successful(criterion, outcome)
    return {
        "started": cell["started"],
        "active_at_end": cell["started_cumulative"] - ended_cumulative,
        "ended": ended,
        "completed": 0 if dropped else ended,
        "dropped_out": ended if dropped else 0,
        "to_work": ended if outcome in OUTCOMES_WITH_WORK else 0,
        "successful": ended if success else 0,
        "started_cumulative": cell["started_cumulative"],
        "ended_cumulative": ended_cumulative,
        "successful_cumulative": ended_cumulative if success else 0,
    }


def _zero() -> dict:
    return dict.fromkeys(COUNTS, 0)


def _add(total: dict, figures: dict) -> None:
    for key in COUNTS:
        total[key] += figures[key]


def success_rate(successful: int, ended: int) -> Decimal | None:
    """successful_cumulative / ended_cumulative, two decimals; None when nothing ended."""
    if not ended:
        return None
    return (Decimal(successful) / Decimal(ended)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _with_rate(row: dict) -> dict:
    row["success_rate"] = success_rate(row["successful_cumulative"], row["ended_cumulative"])
    return row


@dataclass
class Figures:
    period: Period
    totals: dict
    projects: list[dict]
    municipalities: list[dict]
    categories: list[dict]
    municipality_projects: dict[str, list[dict]]
    started_in_year: dict[int, int]


def traffic_light(*, row: dict, agreement: Agreement | None, period: Period, started_in_year: int):
    """The documented rule (TRAFFIC_LIGHT_RULE) against the project's target of the year."""
    if agreement is None:
        return None
    if agreement.target_success_rate is not None:
        ended = row["ended_cumulative"]
        if ended < MIN_ENDED_FOR_RATE:
            return None
        # The exact rate, not the rounded one shown: 79,5 % does not meet an 80 % target.
        rate = Decimal(row["successful_cumulative"]) * 100 / Decimal(ended)
        if rate >= agreement.target_success_rate:
            return "groen"
        if rate >= agreement.target_success_rate - 10:
            return "oranje"
        return "rood"
    if agreement.target_trajectories:
        return pro_rata_light(
            achieved=started_in_year, yearly_target=agreement.target_trajectories, period=period
        )
    return None


def pro_rata_light(*, achieved: int, yearly_target: int, period: Period) -> str:
    """The rule for a number as yearly target (trajectories started, or an indicator's count):
    green when what was achieved in the year up to the period's end is at least the target pro
    rata of the months gone by, orange from 75% of that, otherwise red."""
    months = period.last_day.month  # months of the year up to the period's end
    expected = Decimal(yearly_target) * months / 12
    if achieved >= expected:
        return "groen"
    if achieved >= expected * Decimal("0.75"):
        return "oranje"
    return "rood"


LIGHT_ORDER = ("rood", "oranje", "groen")


def lowest_light(lights) -> str | None:
    """The lowest of the colours given (rood below oranje below groen); None without any."""
    present = [light for light in lights if light]
    return min(present, key=LIGHT_ORDER.index) if present else None


def period_figures(*, period: Period) -> Figures:
    """All monitor figures of a half-year: per project, per municipality, per category, total."""
    projects_by_id = {
        p["id"]: p
        for p in Project.objects.values(
            "id", "name", "success_criterion", "category__name", "category__order"
        )
    }
    municipality_names = dict(Municipality.objects.values_list("id", "name"))
    totals = _zero()
    by_project: dict[int, dict] = {}
    by_municipality: dict[int, dict] = {}
    by_category: dict[tuple, dict] = {}
    by_pair: dict[tuple[int, int], dict] = {}
    started_in_year: dict[int, int] = {}
    for cell in _cells(period):
        project = projects_by_id[cell["project_id"]]
        municipality_id = cell["municipality_at_start_id"]
        figures = _figures_of(cell, project["success_criterion"])
        category = (
            project["category__name"] is None,
            project["category__order"] or 0,
            project["category__name"] or "",
        )
        for group, key in (
            (by_project, project["id"]),
            (by_municipality, municipality_id),
            (by_category, category),
            (by_pair, (municipality_id, project["id"])),
        ):
            _add(group.setdefault(key, _zero()), figures)
        _add(totals, figures)
        started_in_year[project["id"]] = (
            started_in_year.get(project["id"], 0) + cell["started_in_year"]
        )
    agreements = {a.project_id: a for a in Agreement.objects.filter(year=period.year)}
    projects = []
    for project_id, row in sorted(by_project.items(), key=lambda i: projects_by_id[i[0]]["name"]):
        row = _with_rate(row)
        light = traffic_light(
            row=row,
            agreement=agreements.get(project_id),
            period=period,
            started_in_year=started_in_year[project_id],
        )
        projects.append(
            {
                "project": projects_by_id[project_id]["name"],
                "project_id": project_id,
                **row,
                "traffic_light": light,
            }
        )
    municipalities = [
        {"municipality": municipality_names[pk], **_with_rate(row)}
        for pk, row in sorted(by_municipality.items(), key=lambda i: municipality_names[i[0]])
    ]
    # Categories in their order; projects without a category last.
    categories = [
        {"category": key[2] or str(_("Zonder categorie")), **_with_rate(row)}
        for key, row in sorted(by_category.items())
    ]
    municipality_projects: dict[str, list[dict]] = {}
    for (municipality_id, project_id), row in sorted(
        by_pair.items(),
        key=lambda i: (municipality_names[i[0][0]], projects_by_id[i[0][1]]["name"]),
    ):
        municipality_projects.setdefault(municipality_names[municipality_id], []).append(
            {"project": projects_by_id[project_id]["name"], **_with_rate(row)}
        )
    return Figures(
        period,
        _with_rate(totals),
        projects,
        municipalities,
        categories,
        municipality_projects,
        started_in_year,
    )


SMALL_CELL = "<5"
# A cell hidden only so that a small one cannot be worked out from what is shown: it may hold
# any count, 0 included (statistics offices call this secondary or complementary suppression).
COMPLEMENT_CELL = "×"

# What a reader knows besides the cells shown: every column's total (the headline figures and
# the per-project and per-category tables add up to it) and, within each row, two identities.
# Each is an equation sum(coefficient * cell) = constant over the counts of one row.
ROW_IDENTITIES = (
    # ended = completed + dropped_out
    {"ended": 1, "completed": -1, "dropped_out": -1},
    # active_at_end = started_cumulative - ended_cumulative
    {"active_at_end": 1, "started_cumulative": -1, "ended_cumulative": 1},
)
IDENTITY_OF = {key: number for number, identity in enumerate(ROW_IDENTITIES) for key in identity}


def suppress_small_cells(rows: list[dict]) -> list[dict]:
    """The board's per-municipality table: counts from 1 to 4 become "<5", and further cells
    become "×" until no such small count can be worked out from what is shown — not from a column's
    total minus the visible cells, not from ended = completed + dropped_out or active =
    started − ended within a row, not from any combination of those, and not by a
    municipality that knows its own row (every municipality knows its own residents' counts).
    0 and counts of 5 or more stay visible unless they are needed as such a complement: the
    smallest other count that helps, deterministically (smallest value, then the first
    municipality, then the first column). The success rate of a row is withheld when one of
    the two cells it is computed from is hidden. One rule for every reader and every output,
    so that two outputs cannot be combined to undo it. A table with a single municipality
    cannot hide it from the totals."""
    table = _SuppressionTable(rows)
    if len(rows) > 1:
        table.protect()
    suppressed = []
    for index, row in enumerate(rows):
        out = dict(row)
        for key in COUNTS:
            mark = table.marks.get((index, key))
            if mark:
                out[key] = mark
        # The rate is successful_cumulative / ended_cumulative: it tells no more than those two
        # cells when both are shown, and would give one away when the other is shown. Withheld
        # for any hidden cell of the row, it was "—" in nearly every row of the board's table.
        if any((index, key) in table.marks for key in RATE_CELLS):
            out["success_rate"] = None
        suppressed.append(out)
    return suppressed


class _SuppressionTable:
    """The cells of a table, the equations a reader knows about them, and the hidden cells."""

    def __init__(self, rows: list[dict]):
        self.rows = len(rows)
        self.values = {(i, key): int(row[key]) for i, row in enumerate(rows) for key in COUNTS}
        self.column_totals = {key: sum(int(row[key]) for row in rows) for key in COUNTS}
        self.marks = {cell: SMALL_CELL for cell, value in self.values.items() if 1 <= value <= 4}
        # (coefficients by cell, constant): one per column, two per row.
        self.equations = [
            ({(i, key): 1 for i in range(self.rows)}, self.column_totals[key]) for key in COUNTS
        ]
        for i in range(self.rows):
            for identity in ROW_IDENTITIES:
                self.equations.append(({(i, key): c for key, c in identity.items()}, 0))
        self.equations_of = {cell: [] for cell in self.values}
        for number, (coefficients, _constant) in enumerate(self.equations):
            for cell in coefficients:
                self.equations_of[cell].append(number)
        # (reader, cell) pairs that cannot be helped for now: with two municipalities, each
        # knows the other's row from the totals.
        self.unprotectable: set = set()

    def protect(self) -> None:
        # Passes over the readers until one changes nothing. Every change hides one more
        # cell or widens one mark; a cell that cannot be helped now is left until something
        # else is hidden; so this ends.
        while True:
            changed = False
            board = None
            for viewpoint in list(self._viewpoints()):
                if board is None:
                    board = self._propagated(None)
                extended: set = set()
                for cell, equation, fixed in self._exposed_cells(viewpoint, board):
                    if equation in extended:
                        continue  # what was just hidden there may be enough: next pass
                    if self._hide_more(cell, equation, viewpoint, fixed):
                        extended.update(self.equations_of[cell])
                    else:
                        self.unprotectable.add((viewpoint, cell))
                if extended:
                    self.unprotectable.clear()  # what more is hidden may help those too
                    changed = True
                    board = None
            if not changed:
                return

    def _viewpoints(self):
        """The board (knows nothing beyond the table), then each municipality that has a
        hidden cell of its own (knowing its row exactly; others learn nothing new from theirs)."""
        yield None
        yield from sorted({i for i, _key in self.marks})

    def _domains(self, viewpoint):
        domains = {}
        for cell, value in self.values.items():
            mark = self.marks.get(cell)
            if mark is None or cell[0] == viewpoint:
                domains[cell] = (value, value)
            elif mark == SMALL_CELL:
                domains[cell] = (1, 4)
            else:
                domains[cell] = (0, self.column_totals[cell[1]])
        return domains

    def _unknown(self, cell, viewpoint) -> bool:
        return (
            cell in self.marks
            and cell[0] != viewpoint
            and (viewpoint, cell) not in self.unprotectable
        )

    def _propagated(self, viewpoint, board=None):
        """Each cell's possible range for this reader, and the equation that pinned a pinned
        one. A municipality's ranges start from the board's, narrowed by its own row."""
        if board is None:
            domains = self._domains(viewpoint)
            return domains, self._propagate(domains, range(len(self.equations)))
        domains, pinned_by = dict(board[0]), dict(board[1])
        touched = set()
        for cell in self.marks:
            if cell[0] == viewpoint:
                domains[cell] = (self.values[cell], self.values[cell])
                touched.update(self.equations_of[cell])
        pinned_by.update(self._propagate(domains, sorted(touched)))
        return domains, pinned_by

    def _exposed_cells(self, viewpoint, board):
        """The small counts this reader can work out, each with the equation that gives it
        away and every hidden cell this reader can work out (a chain is loosened through
        them)."""
        domains, pinned_by = board if viewpoint is None else self._propagated(viewpoint, board)
        unknown = [cell for cell in self.marks if self._unknown(cell, viewpoint)]
        determined = set(self._determined(unknown))
        fixed = determined | {cell for cell in unknown if domains[cell][0] == domains[cell][1]}
        exposed = []
        for cell in unknown:
            if not 1 <= self.values[cell] <= 4:
                continue
            if domains[cell][0] == domains[cell][1]:
                exposed.append((cell, pinned_by.get(cell, self.equations_of[cell][0]), fixed))
            elif cell in determined:
                exposed.append((cell, self.equations_of[cell][0], fixed))
        return exposed

    def _propagate(self, domains, equations) -> dict:
        """Narrow the cells' possible ranges by each equation in turn, starting with the given
        ones, until nothing changes (bounds: "<5" is 1 to 4, "×" is 0 to the column's total);
        an equation is looked at again when one of its cells narrowed."""
        pinned_by = {}
        queue = deque(equations)
        pending = set(queue)
        while queue:
            number = queue.popleft()
            pending.discard(number)
            coefficients, constant = self.equations[number]
            if not any(domains[c][0] != domains[c][1] for c in coefficients):
                continue
            low = sum(k * domains[c][0 if k > 0 else 1] for c, k in coefficients.items())
            high = sum(k * domains[c][1 if k > 0 else 0] for c, k in coefficients.items())
            for cell, k in coefficients.items():
                lo, hi = domains[cell]
                own_low, own_high = (k * lo, k * hi) if k > 0 else (k * hi, k * lo)
                rest_low, rest_high = low - own_low, high - own_high
                # k is 1 or -1, so dividing by it is multiplying by it.
                bounds = sorted(((constant - rest_high) * k, (constant - rest_low) * k))
                new = (max(lo, bounds[0]), min(hi, bounds[1]))
                if new != (lo, hi) and new[0] <= new[1]:
                    domains[cell] = new
                    low += (k * new[0] if k > 0 else k * new[1]) - own_low
                    high += (k * new[1] if k > 0 else k * new[0]) - own_high
                    if new[0] == new[1]:
                        pinned_by.setdefault(cell, number)
                    for other in self.equations_of[cell]:
                        if other != number and other not in pending:
                            pending.add(other)
                            queue.append(other)
        return pinned_by

    def _determined(self, unknown: list):
        """Hidden cells fixed by a combination of equations, whatever the bounds. Each cell of
        the identity columns is in two equations (its column, its row's identity); with the
        signs made to agree, the equations are a graph with the hidden cells as its edges, and
        a cell is determined exactly when its edge lies on no cycle (a bridge). A cell of any
        other column is determined when it is the only unknown of its column."""
        per_column: dict = {}
        for cell in unknown:
            if cell[1] not in IDENTITY_OF:
                per_column.setdefault(cell[1], []).append(cell)
        for column in per_column.values():
            if len(column) == 1:
                yield column[0]
        edges = [
            (("column", key), ("row", i, IDENTITY_OF[key]), (i, key))
            for i, key in unknown
            if key in IDENTITY_OF
        ]
        yield from _bridges(edges)

    def _hide_more(self, cell, equation, viewpoint, fixed) -> bool:
        """Hide one more cell of the equation that gives ``cell`` away, or else of its other
        equation; when both hold nothing more to hide, the cell is given away through a
        neighbour that this reader can work out as well, so loosen that one in turn."""
        queue, seen = [(cell, equation)], [cell]  # a list: the order decides, not a hash
        while queue:
            current, first = queue.pop(0)
            numbers = [first] + [n for n in self.equations_of[current] if n != first]
            if any(self._hide_in(number, current, viewpoint) for number in numbers):
                return True
            for number in numbers:
                for other in self.equations[number][0]:
                    if other in fixed and other not in seen:
                        seen.append(other)
                        queue.append((other, self.equations_of[other][0]))
        # Nothing left to hide: small counts pinned by their bounds (two 1s that add up to a
        # column's 2) are loosened by no longer saying that they are small.
        for current in seen:
            if self.marks.get(current) == SMALL_CELL:
                self.marks[current] = COMPLEMENT_CELL
                return True
        return False

    def _hide_in(self, number, cell, viewpoint) -> bool:
        """Hide the smallest nonzero count of the equation that this reader does not know;
        failing that, a zero, or — when even that leaves a "<5" pinned by its own lower bound
        of 1 — show that cell as "×" instead."""
        coefficients = self.equations[number][0]
        visible = sorted(
            (self.values[c] == 0, self.values[c], c[0], COUNTS.index(c[1]), c)
            for c in coefficients
            # A count in a column whose total is 0 is 0 whether shown or not.
            if c not in self.marks and c[0] != viewpoint and self.column_totals[c[1]]
        )
        if not visible:
            return False
        is_zero, *_rest, candidate = visible[0]
        self.marks[candidate] = COMPLEMENT_CELL
        if is_zero and self.marks[cell] == SMALL_CELL and self._pinned_in(cell, number, viewpoint):
            # Pinned by its lower bound (say a lone 1 beside zeros): no zero loosens that.
            del self.marks[candidate]
            self.marks[cell] = COMPLEMENT_CELL
        return True

    def _pinned_in(self, cell, number, viewpoint) -> bool:
        """Whether this one equation fixes the cell, given what the reader knows."""
        domains = self._domains(viewpoint)
        coefficients, constant = self.equations[number]
        k = coefficients[cell]
        rest = [(c, kc) for c, kc in coefficients.items() if c != cell]
        low = sum(kc * domains[c][0 if kc > 0 else 1] for c, kc in rest)
        high = sum(kc * domains[c][1 if kc > 0 else 0] for c, kc in rest)
        bounds = sorted(((constant - high) * k, (constant - low) * k))
        lo, hi = domains[cell]
        return max(lo, bounds[0]) >= min(hi, bounds[1])


def _bridges(edges: list[tuple]) -> list:
    """The labels of the edges (a, b, label) that lie on no cycle (Tarjan, iteratively)."""
    adjacency: dict = {}
    for number, (a, b, _label) in enumerate(edges):
        adjacency.setdefault(a, []).append((b, number))
        adjacency.setdefault(b, []).append((a, number))
    order: dict = {}
    low: dict = {}
    bridges = []
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for neighbour, number in neighbours:
                if number == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, number, iter(adjacency[neighbour])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.append(edges[via][2])
    return bridges


# --- editions -------------------------------------------------------------------------------


def _plain(row: dict) -> dict:
    """A figures row as JSON-safe values (the success rate as a string with two decimals)."""
    out = {key: value for key, value in row.items() if key != "success_rate"}
    rate = row.get("success_rate")
    out["success_rate"] = None if rate is None else str(rate)
    return out


def half_year_series(*, period: Period, count: int = 6) -> list[dict]:
    """Started and to-work per half-year for the ``count`` half-years up to ``period``, counted
    in one query (for the chart of the programme over time)."""
    periods = []
    # Counted back from the half-year the period ends in (a final monitor's term ends there).
    year, half = period.last_day.year, 1 if period.last_day.month <= 6 else 2
    for _step in range(count):
        if year < 2000:  # the series starts no earlier than the periods the app knows
            break
        periods.append(Period.parse(f"{year}-H{half}"))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    periods.reverse()
    aggregations = {}
    for index, p in enumerate(periods):
        aggregations[f"s{index}"] = Count(
            "id", filter=Q(start_date__gte=p.first_day, start_date__lte=p.last_day)
        )
        aggregations[f"w{index}"] = Count(
            "id",
            filter=Q(end_date__gte=p.first_day, end_date__lte=p.last_day)
            & Q(outcome__in=list(OUTCOMES_WITH_WORK)),
        )
    totals = _counted().aggregate(**aggregations)
    return [
        {"period": str(p), "started": totals[f"s{i}"], "to_work": totals[f"w{i}"]}
        for i, p in enumerate(periods)
    ]


PROGRESS_MEASURES = ("trajectories", "training_trajectories", "to_work")


def _baseline_of(baselines: list, measure: str, period: Period) -> dict | None:
    """The latest earlier result for a measure that ends on or before the period's last day."""
    latest = None
    for baseline in baselines:
        value = getattr(baseline, measure)
        until = Period.parse(baseline.until)
        if value is None or until.last_day > period.last_day:
            continue
        if latest is None or until.last_day > latest[1].last_day:
            latest = (baseline, until)
    if latest is None:
        return None
    baseline, until = latest
    return {
        "until": until.code,
        "until_last_day": until.last_day,
        "label": str(_("stand tot en met %(period)s") % {"period": until.in_words}),
        "value": getattr(baseline, measure),
        "source": baseline.source,
    }


def programme_progress(*, period: Period) -> list[dict]:
    """Per programme with targets or earlier results: trajectories of the programme started,
    of those in scholing projects, and placed in work, within its term up to the period's end,
    against the targets over its whole term. A trajectory belongs to the programme its project
    fell under in the trajectory's start year (``projects.selectors.programme_projects``), so a
    project that moved programme counts for each programme in its own years. An earlier result
    ("stand tot en met …", from before the data was kept here) is added to each figure, and the
    application then counts only what came after that result's period, so nothing is counted
    twice. Counted in one query for all programmes."""
    from datetime import timedelta

    from participants.dates import EARLIEST_TRAJECTORY_DATE
    from projects.models import Programme
    from projects.selectors import programme_projects

    programmes = list(
        Programme.objects.filter(
            Q(target_trajectories__isnull=False)
            | Q(target_training_trajectories__isnull=False)
            | Q(target_to_work__isnull=False)
            | Q(baselines__isnull=False)
        )
        .distinct()
        .prefetch_related("baselines")
        .order_by("start_date", "name")
    )
    aggregations = {}
    baselines = {}
    for index, programme in enumerate(programmes):
        until = min(day for day in (programme.end_date, period.last_day) if day)
        # Without a start date: from the earliest start date a trajectory can have.
        first_year = (programme.start_date or EARLIEST_TRAJECTORY_DATE).year
        years = range(first_year, until.year + 1)
        if not years:  # the period ends before the programme starts: nothing counted yet
            for measure in PROGRESS_MEASURES:
                baselines[(index, measure)] = None
            continue
        in_programme = Q()
        for year in years:
            in_programme |= Q(
                start_date__year=year,
                project__in=programme_projects(programme=programme, year=year),
            )
        for measure in PROGRESS_MEASURES:
            baseline = _baseline_of(list(programme.baselines.all()), measure, period)
            baselines[(index, measure)] = baseline
            since = programme.start_date
            if baseline:
                after = baseline["until_last_day"] + timedelta(days=1)
                since = max(since, after) if since else after
            if measure == "to_work":
                condition = (
                    in_programme & Q(end_date__lte=until) & Q(outcome__in=list(OUTCOMES_WITH_WORK))
                )
                if since:
                    condition &= Q(end_date__gte=since)
            else:
                condition = in_programme & Q(start_date__lte=until)
                if since:
                    condition &= Q(start_date__gte=since)
                if measure == "training_trajectories":
                    condition &= Q(project__is_training=True)
            aggregations[f"{measure}_{index}"] = Count("id", filter=condition)
    counts = _counted().aggregate(**aggregations) if aggregations else {}
    rows = []
    for index, programme in enumerate(programmes):
        row = {"programme": programme.name, "targets_source": programme.targets_source}
        for measure, key, target in (
            ("trajectories", "started", programme.target_trajectories),
            ("training_trajectories", "training", programme.target_training_trajectories),
            ("to_work", "to_work", programme.target_to_work),
        ):
            counted = counts.get(f"{measure}_{index}", 0)
            baseline = baselines[(index, measure)]
            if baseline:
                baseline = {k: v for k, v in baseline.items() if k != "until_last_day"}
            row[f"target_{measure}"] = target
            row[key] = counted + (baseline["value"] if baseline else 0)
            row[f"{key}_counted"] = counted
            row[f"{key}_baseline"] = baseline
        rows.append(row)
    return rows


def edition_texts(edition) -> dict:
    """The edition's texts keyed by ("project", id) and ("category", name)."""
    texts = {}
    for text in edition.texts.select_related("category"):
        if text.project_id:
            texts[("project", text.project_id)] = text.text
        else:
            texts[("category", text.category.name)] = text.text
    return texts


# The live figures are cached under a digest of everything they are computed from, so a
# change to any trajectory or to the reference tables gives a new key and the next reader
# computes afresh. Measured with bench/: at a million trajectories computing takes seconds,
# reading the cached figures a few milliseconds. The timeout bounds the one case the digest
# cannot see: a transaction that saved a trajectory earlier but commits later than another one.
LIVE_CACHE_SECONDS = 300
# The latest figures are shown while newer ones are computed; after a day without readers
# the next reader computes afresh.
LATEST_CACHE_SECONDS = 24 * 3600


def live_figures_digest() -> str:
    """A digest of the data the live figures depend on: per trajectory table its row count,
    highest id and latest change (every save sets ``updated_at``; inserts raise the id;
    deletions lower the count), and the small tables in full (projects, categories,
    municipalities, agreements, programmes). Cheap: index look-ups and a few small reads."""
    from projects.models import (
        Category,
        Indicator,
        IndicatorTarget,
        IndicatorValue,
        Programme,
        ProgrammeBaseline,
    )

    trajectories = Trajectory.objects.order_by()
    state = (
        trajectories.count(),
        trajectories.aggregate(last=Max("id"))["last"],
        trajectories.aggregate(changed=Max("updated_at"))["changed"],
        list(
            Project.objects.order_by("id").values_list(
                "id",
                "name",
                "success_criterion",
                "category_id",
                "programme_id",
                "is_training",
                "start_date",
                "end_date",
            )
        ),
        list(Category.objects.order_by("id").values_list("id", "name", "order")),
        list(Municipality.objects.order_by("id").values_list("id", "name")),
        list(
            Agreement.objects.order_by("id").values_list(
                "project_id", "year", "target_success_rate", "target_trajectories", "programme_id"
            )
        ),
        list(
            Programme.objects.order_by("id").values_list(
                "id",
                "name",
                "start_date",
                "end_date",
                "target_trajectories",
                "target_training_trajectories",
                "target_to_work",
                "targets_source",
            )
        ),
        list(ProgrammeBaseline.objects.order_by("id").values_list()),
        list(Indicator.objects.order_by("id").values_list("id", "project_id", "name", "unit")),
        list(IndicatorTarget.objects.order_by("id").values_list("indicator_id", "year", "target")),
        list(IndicatorValue.objects.order_by("id").values_list("indicator_id", "period", "value")),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def edition_projects(*, period: Period):
    """The projects of the programmes an edition of this half-year reports on: the projects of
    every programme whose term overlaps the half-year, in the half-year's year
    (``projects.selectors.programme_projects``: the programme of the project's agreement that
    year, or its own programme without one). The one place that decides which projects an
    edition holds; the edition adds every project with figures or anything stored for it."""
    from projects.models import Programme
    from projects.selectors import programme_projects

    running = Programme.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=period.last_day),
        Q(end_date__isnull=True) | Q(end_date__gte=period.first_day),
    )
    return programme_projects(programme=running, year=period.year)


def _indicator_rows(period: Period) -> dict[int, list[dict]]:
    """Per project its indicators in the half-year: the value entered for it, the sum of the
    year's half-years up to it, the year's target and the traffic light (pro rata)."""
    from projects.models import Indicator

    year_periods = [f"{period.year}-H1"] + ([str(period)] if period.last_day.month == 12 else [])
    indicators = Indicator.objects.prefetch_related("targets", "values").order_by("name")
    rows: dict[int, list[dict]] = {}
    for indicator in indicators:
        values = {v.period: v.value for v in indicator.values.all()}
        target = next((t for t in indicator.targets.all() if t.year == period.year), None)
        entered = [values[code] for code in year_periods if code in values]
        in_year = sum(entered)
        rows.setdefault(indicator.project_id, []).append(
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "value": values.get(str(period)),
                "value_in_year": in_year,
                "target": target.target if target else None,
                "target_source": target.source if target else "",
                # Nothing entered yet in the year is not known to be 0: no colour.
                "traffic_light": (
                    pro_rata_light(achieved=in_year, yearly_target=target.target, period=period)
                    if target and entered
                    else None
                ),
            }
        )
    return rows


def _project_rows(period: Period, figures: Figures, extra_ids=()) -> list[dict]:
    """Every project of the edition (edition_projects, those with figures, and ``extra_ids``:
    projects something is stored for), in the order of their category and then by name, each
    with its figures where it has trajectories, its indicators and its computed traffic light."""
    figure_rows = {row["project_id"]: row for row in figures.projects}
    indicators = _indicator_rows(period)
    ids = (
        set(edition_projects(period=period).values_list("id", flat=True))
        | set(figure_rows)
        | {pk for pk, rows in indicators.items() if any(r["value"] is not None for r in rows)}
        | set(extra_ids)
    )
    projects = Project.objects.filter(id__in=ids).values(
        "id", "name", "category__name", "category__order"
    )
    agreements = {
        a.project_id: a for a in Agreement.objects.filter(year=period.year, project_id__in=ids)
    }
    rows = []
    for project in projects:
        pk = project["id"]
        figures_row = figure_rows.get(pk)
        if figures_row is None:
            zero = _with_rate(_zero())
            trajectory_light = traffic_light(
                row=zero, agreement=agreements.get(pk), period=period, started_in_year=0
            )
            figures_row = {"project": project["name"], "project_id": pk, **zero}
        else:
            trajectory_light = figures_row["traffic_light"]
        project_indicators = indicators.get(pk, [])
        agreement = agreements.get(pk)
        has_trajectory_target = agreement is not None and (
            agreement.target_success_rate is not None or bool(agreement.target_trajectories)
        )
        light = (
            trajectory_light
            if has_trajectory_target
            else lowest_light(row["traffic_light"] for row in project_indicators)
        )
        rows.append(
            {
                **_plain(figures_row),
                "has_figures": pk in figure_rows,
                "category": project["category__name"],
                "category_order": project["category__order"],
                "traffic_light": light,
                "indicators": project_indicators,
            }
        )
    rows.sort(
        key=lambda r: (
            r["category"] is None,
            r["category_order"] or 0,
            r["category"] or "",
            r["project"],
        )
    )
    return rows


def _computed_content(period: Period) -> dict:
    figures = period_figures(period=period)
    return {
        "period": str(period),
        "totals": _plain(figures.totals),
        "projects": _project_rows(period, figures),
        "municipalities": [_plain(r) for r in figures.municipalities],
        "categories": [_plain(r) for r in figures.categories],
        "municipality_projects": {
            name: [_plain(r) for r in rows] for name, rows in figures.municipality_projects.items()
        },
        "series": half_year_series(period=period),
        "programmes": programme_progress(period=period),
        "rule": str(TRAFFIC_LIGHT_RULE),
    }


def _live_key(period: Period, digest: str) -> str:
    return f"monitor:live:{period}:{digest}"


def _latest_key(period: Period) -> str:
    return f"monitor:live-latest:{period}"


def live_content_store(*, period: Period) -> dict:
    """Compute a half-year's figures and keep them in the cache: under the digest of the data
    they were computed from, and as the half-year's latest figures (what a reader sees while
    the next computation runs). The task ``monitor.tasks.refresh_live_figures`` calls this."""
    digest = live_figures_digest()
    content = _computed_content(period)
    cache.set(_live_key(period, digest), content, LIVE_CACHE_SECONDS)
    cache.set(_latest_key(period), content, LATEST_CACHE_SECONDS)
    return content


def live_content(*, period: Period, cached: bool = True) -> dict:
    """The computed figures of a half-year, from the cache while the data is unchanged.

    After a change the figures are recomputed by a background task, not by the reader who
    happens to come first (at a million trajectories that took the reader most of a second):
    the reader gets the latest figures, marked ``refreshing``, and the task is queued once per
    change. Only when a half-year was never computed does the reader wait for it."""
    if not cached:
        return _computed_content(period)
    digest = live_figures_digest()
    content = cache.get(_live_key(period, digest))
    if content is not None:
        return content
    latest = cache.get(_latest_key(period))
    if latest is None:
        return live_content_store(period=period)
    if cache.add(f"monitor:refresh:{period}:{digest}", True, LIVE_CACHE_SECONDS):
        from monitor.tasks import refresh_live_figures

        refresh_live_figures.enqueue(str(period))
    # With the immediate backend (tests, a site without a worker) the figures are there now.
    content = cache.get(_live_key(period, digest))
    if content is not None:
        return content
    return {**latest, "refreshing": True}


NO_CATEGORY = _("Zonder categorie")


def _sections(projects: list[dict], texts: dict) -> list[dict]:
    """The edition's projects per category, in the category's order; projects without a
    category in a section of their own; a category with a text but no project keeps its text."""
    sections: dict = {}
    for row in projects:
        name = row["category"] or str(NO_CATEGORY)
        section = sections.setdefault(
            name,
            {
                "category": name,
                "has_category": row["category"] is not None,
                "text": texts.get(("category", name), "") if row["category"] else "",
                "projects": [],
            },
        )
        section["projects"].append(row)
    listed = set(sections)
    for (kind, name), text in texts.items():
        if kind == "category" and name not in listed:
            sections[name] = {"category": name, "has_category": True, "text": text, "projects": []}
    return list(sections.values())


def edition_content(
    *, period: Period, overrides=None, texts=None, stories=None, cached: bool = True
) -> dict:
    """Everything an edition shows, as plain JSON-safe data: what publishing freezes and what a
    draft shows live. Every project of the edition's programmes is in it, and so is every project
    that a text, override or story is stored for; overrides replace the computed traffic light,
    with their reason. ``stories`` are the consented stories, kept with the content."""
    content = dict(live_content(period=period, cached=cached))
    overrides = overrides or {}
    texts = texts or {}
    stories = stories or []
    stored_ids = (
        set(overrides)
        | {key[1] for key in texts if key[0] == "project"}
        | {story["project_id"] for story in stories}
    )
    rows = content["projects"]
    missing = stored_ids - {row["project_id"] for row in rows}
    if missing:
        # Stored for a project outside the edition's programmes: computed with it, never dropped.
        figures = period_figures(period=period)
        rows = _project_rows(period, figures, extra_ids=missing)
    projects = []
    for row in rows:
        override = overrides.get(row["project_id"])
        projects.append(
            {
                **row,
                "computed_light": row["traffic_light"],
                "traffic_light": override[0] if override else row["traffic_light"],
                "override_reason": override[1] if override else "",
                "text": texts.get(("project", row["project_id"]), ""),
            }
        )
    content["projects"] = projects
    content["categories"] = [
        {**r, "text": texts.get(("category", r["category"]), "")} for r in content["categories"]
    ]
    content["sections"] = _sections(projects, texts)
    content["stories"] = stories
    return content


def story_rows(edition) -> list[dict]:
    """The edition's stories that have recorded consent, as plain data for the content."""
    return [
        {
            "name": story.name,
            "project": story.project.name,
            "project_id": story.project_id,
            "text": story.text,
        }
        for story in edition.stories.select_related("project")
        if story.consent_given
    ]


def edition_period(edition) -> Period:
    """The days an edition's figures cover: its half-year, or for a final monitor the
    programme's whole term up to the end of its last half-year."""
    half_year = parse_half_year(edition.period)
    if not edition.is_final:
        return half_year
    first = edition.programme.start_date or half_year.first_day
    return Period.term(first, half_year.last_day)


def draft_content(*, edition, cached: bool = True) -> dict:
    """A draft edition's content from the live figures and everything stored for it."""
    return edition_content(
        period=edition_period(edition),
        overrides={o.project_id: (o.colour, o.reason) for o in edition.overrides.all()},
        texts=edition_texts(edition),
        stories=story_rows(edition),
        cached=cached,
    )


def _suppressed(rows: list[dict]) -> list[dict]:
    """suppress_small_cells, kept in the cache per table: with hundreds of municipalities
    full of small counts (the synthetic data of bench/) finding the complements takes
    seconds, and every reader of the same figures gets the same table."""
    key = "monitor:suppressed:" + hashlib.sha256(repr(rows).encode()).hexdigest()
    suppressed = cache.get(key)
    if suppressed is None:
        suppressed = suppress_small_cells(rows)
        cache.set(key, suppressed, LIVE_CACHE_SECONDS)
    return suppressed


def editions_for(*, user):
    """Editions a user may open: all for coordinators, published ones for everyone else."""
    from monitor.models import Edition
    from waw.roles import is_coordinator

    editions = Edition.objects.all()
    return editions if is_coordinator(user) else editions.filter(published_at__isnull=False)


def content_for_reader(*, content: dict, user, export: bool = False) -> dict:
    """What of an edition's content this user reads. Coordinators see exact counts on the page;
    everyone else, and every export (PDF, JSON) that leaves the Regio, sees per-municipality
    counts of 1 to 4 as "<5". A gemeente user also gets its own municipality per project (its
    own residents); nobody else gets the per-municipality project breakdown."""
    from waw.roles import is_coordinator

    content = dict(content)
    per_municipality = content.pop("municipality_projects", {})
    coordinator = is_coordinator(user)
    own = None
    if not export and not coordinator and getattr(user, "municipality_id", None):
        own = {
            "municipality": user.municipality.name,
            "rows": per_municipality.get(user.municipality.name, []),
        }
    exact = coordinator and not export
    if not exact:
        content["municipalities"] = _suppressed(content["municipalities"])
    return {"content": content, "exact": exact, "own": own}


def live_view(*, period: Period, user) -> dict:
    """The live figures of any half-year, shown like an edition without texts or stories."""
    from monitor.publication import live_document

    return {**content_for_reader(content=live_document(period=period), user=user), "stories": []}


def edition_view(*, edition, user, export: bool = False) -> dict:
    """An edition for this user: the frozen snapshot once published (stories included), live
    figures while a draft; stories only with recorded consent."""
    from monitor.publication import edition_document

    content = edition.snapshot if edition.is_published else edition_document(edition=edition)
    view = content_for_reader(content=content, user=user, export=export)
    stories = content.get("stories")
    if stories is None:
        # Published before stories were frozen with the content.
        stories = story_rows(edition)
    view["stories"] = stories
    return view


def archived_edition_pdf(*, edition) -> bytes | None:
    """The archived PDF of a published edition; None when it has none or the file is gone."""
    if not edition.pdf:
        return None
    try:
        with default_storage.open(edition.pdf, "rb") as file:
            return file.read()
    except FileNotFoundError:
        logger.error("Het gearchiveerde PDF-bestand %s ontbreekt", edition.pdf)
        return None
