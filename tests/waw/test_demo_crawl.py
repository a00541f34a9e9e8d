"""No page a newcomer can reach after ``make run`` answers with a server error.

The crawl starts from what ``make run`` loads (reference data, demo accounts, demo data — not
an empty database: every demo trajectory has a history written by no user), logs in as each
role and follows every same-site link it finds, breadth first. Links are grouped by URL pattern
and only the first few of each pattern are opened, so every kind of page is visited in bounded
time (150 trajectories share one pattern); the order is the pages' own, so the crawl repeats.
"""

import io
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from participants.models import TrajectoryChange
from waw.models import User

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "gemeente-huizen", "klantmanager-huizen", "bestuurder", "beheerder")
# Distinct URLs opened per URL pattern and role. The Django admin has some forty models with
# five pages each, all the admin's own code around our ModelAdmins: one of each is enough.
PER_PATTERN = 2
PER_ADMIN_PATTERN = 1
PAGES_PER_ROLE = 400  # a safety bound; the crawl ends well before it
NOT_FOLLOWED = ("/static/", "/media/", "/uitloggen/")
LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.fixture
def demo(settings):
    """What ``make run`` loads before the server starts (see the Makefile)."""
    settings.DEBUG = True
    quiet = io.StringIO()
    call_command("load_reference_data", stdout=quiet)
    call_command("create_demo_accounts", stdout=quiet)
    call_command("load_demo_data", stdout=quiet)


def _pattern(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name or match.route


def crawl(client: Client) -> tuple[list[str], list[str]]:
    """(pages visited, server errors) following links from the home page."""
    queue, seen, visited, errors = ["/"], {"/"}, [], []
    opened = Counter()
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.pop(0)
        pattern = _pattern(url)
        limit = PER_ADMIN_PATTERN if pattern and pattern.startswith("admin:") else PER_PATTERN
        if pattern is None or opened[pattern] >= limit:
            continue
        opened[pattern] += 1
        response = client.get(url)
        visited.append(url)
        if response.status_code >= 500:
            errors.append(f"{url} -> {response.status_code}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link not in seen and not link.startswith(NOT_FOLLOWED):
                seen.add(link)
                queue.append(link)
    return visited, errors


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
