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


# The page sizes a list offers (links under every paginated table). Anything else in
# ?per_page= (negative, zero, 100000, text) gets the list's own default: a negative size was a
# 500, a huge one rendered every row of the table in one response.
PAGE_SIZES = (25, 50, 100)


class PagePaginator(Paginator):
    """Every list's paginator: only the offered page sizes. (django-tables2 has already turned
    a page that is not a number into the first page, and one below 1 or beyond the end into
    the last.)"""

    page_sizes = PAGE_SIZES

    def __init__(self, object_list, per_page, *args, default_per_page=PAGE_SIZES[0], **kwargs):
        if per_page not in PAGE_SIZES:
            per_page = default_per_page
        super().__init__(object_list, per_page, *args, **kwargs)


class EstimatedCountPaginator(PagePaginator):
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


def table_pagination(*, per_page: int = PAGE_SIZES[0], estimated: bool = False) -> dict:
    """What every list view puts in django-tables2's ``table_pagination``: its default page
    size (one of PAGE_SIZES) and a paginator that refuses every other size; ``estimated`` for
    tables that may hold millions of rows."""
    if per_page not in PAGE_SIZES:
        raise ValueError(f"per_page must be one of {PAGE_SIZES}")
    return {
        "per_page": per_page,
        "default_per_page": per_page,
        "paginator_class": EstimatedCountPaginator if estimated else PagePaginator,
    }
