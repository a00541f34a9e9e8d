"""Pagination for tables that may hold millions of rows."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap enough (measured with bench/: counting a
# million trajectories costs some 40 ms on every page view, a third of the page's time).
ESTIMATE_FROM_ROWS = 100_000


def _queryset(object_list):
    """The queryset behind a django-tables2 table's rows, or the object list itself."""
    rows = getattr(object_list, "data", object_list)
    return getattr(rows, "data", rows)


def planner_estimate(queryset) -> int | None:
    """PostgreSQL's own estimate of the rows of an unfiltered queryset's table (kept current by
    (auto)vacuum and analyze); None for a filtered queryset, another database, or no estimate."""
    query = getattr(queryset, "query", None)
    if query is None or query.where or query.distinct or query.is_sliced:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered list of a very large table: there it takes the
    database's estimate and says so (``estimated``), so that the cost of a page does not grow
    with the table. Any filter (and every gemeente user's scope) gives an exact count."""

    estimated = False

    @cached_property
    def count(self):
        estimate = planner_estimate(_queryset(self.object_list))
        if estimate is not None and estimate >= ESTIMATE_FROM_ROWS:
            self.estimated = True
            return estimate
        return super().count
