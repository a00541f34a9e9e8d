"""No page a newcomer can reach after ``make run`` answers with a server error.

The crawl starts from what ``make run`` loads (reference data, demo accounts, demo data — not
an empty database: every demo trajectory has a history written by no user), logs in as each
role and follows every same-site link it finds (see ``tests/waw/crawl.py``).
"""

from collections import Counter

import pytest
from django.test import Client

from participants.models import TrajectoryChange
from tests.waw.crawl import ROLES, crawl, load_demo
from waw.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    load_demo(settings)


def test_no_page_reachable_from_the_demo_answers_with_a_server_error(demo):
    assert TrajectoryChange.objects.filter(changed_by__isnull=True).count() >= 150
    errors, visited = [], Counter()
    for username in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        pages, failures = crawl(client)
        visited[username] = len(pages)
        errors += [f"{username} {failure}" for failure in failures]

    assert errors == []
    assert all(count > 5 for count in visited.values()), visited
