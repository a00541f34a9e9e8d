"""Every paginated list accepts only the offered page sizes and survives any page number.

The lists are found by walking the URL patterns (every view with a django-tables2 table), so a
new list is covered without being named here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tables2 import SingleTableMixin

from tests.factories import TrajectoryFactory
from waw.pagination import PAGE_SIZES, PagePaginator

pytestmark = pytest.mark.django_db


def _list_urls(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _list_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", None)
            if view and issubclass(view, SingleTableMixin) and not pattern.pattern.converters:
                yield reverse(namespace + pattern.name)


LIST_URLS = sorted(set(_list_urls()))


@pytest.fixture
def rows_for_two_pages(db):
    # 26 participants, trajectories and projects; the audit log gets an entry for each save.
    TrajectoryFactory.create_batch(26)


def test_the_walk_finds_the_lists():
    assert {"/projecten/", "/deelnemers/", "/trajecten/", "/facturen/", "/logboek/"} <= set(
        LIST_URLS
    )


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize(
    "query",
    [
        "per_page=-1",
        "per_page=0&page=0",
        "per_page=100000&page=abc",
        "per_page=abc&page=-1",
        f"per_page=26&page={10**9}",
        f"per_page=1e3&page={10**30}",
    ],
)
def test_a_bad_page_size_or_page_number_gives_a_page_of_the_default_size(
    client_for, administrator, rows_for_two_pages, url, query
):
    response = client_for(administrator).get(f"{url}?{query}")

    assert response.status_code == 200
    table = response.context["table"]
    assert isinstance(table.paginator, PagePaginator)
    assert table.paginator.per_page in PAGE_SIZES
    assert len(table.page.object_list) <= table.paginator.per_page


@pytest.mark.parametrize("url", LIST_URLS)
def test_an_offered_page_size_is_honoured(client_for, administrator, rows_for_two_pages, url):
    response = client_for(administrator).get(f"{url}?per_page=50")

    assert response.context["table"].paginator.per_page == 50


def test_a_huge_page_size_renders_one_page_of_the_default_size(
    client_for, coordinator, rows_for_two_pages
):
    response = client_for(coordinator).get("/trajecten/?per_page=100000")

    assert len(response.context["table"].page.object_list) == 25
    assert "Per pagina:" in response.content.decode()
