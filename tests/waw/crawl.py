"""The demo crawl shared by the crawl tests: what ``make run`` loads, and every page a role can
reach from the home page by following same-site links and redirects, breadth first.

Links are grouped by URL pattern and only the first few of each pattern are opened, so every kind
of page is visited in bounded time (150 trajectories share one pattern); the order is the pages'
own, so the crawl repeats.
"""

import io
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve

ROLES = ("coordinator", "gemeente-huizen", "klantmanager-huizen", "bestuurder", "beheerder")
# Distinct URLs opened per URL pattern and role. The Django admin has some forty models with
# five pages each, all the admin's own code around our ModelAdmins: one of each is enough.
PER_PATTERN = 2
PER_ADMIN_PATTERN = 1
PAGES_PER_ROLE = 400  # a safety bound; the crawl ends well before it
NOT_FOLLOWED = ("/static/", "/media/", "/uitloggen/")
LINK = re.compile(r'href="(/[^"#]*)"')


def load_demo(settings) -> None:
    """What ``make run`` loads before the server starts (see the Makefile)."""
    settings.DEBUG = True
    quiet = io.StringIO()
    call_command("load_reference_data", stdout=quiet)
    call_command("create_demo_accounts", stdout=quiet)
    call_command("load_demo_data", stdout=quiet)


def pattern(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name or match.route


def crawl(
    client: Client, on_page: Callable[[str, HttpResponse], None] | None = None
) -> tuple[list[str], list[str]]:
    """(pages visited, server errors) following links from the home page; ``on_page`` is
    called with each page that is not a server error."""
    queue, seen, visited, errors = ["/"], {"/"}, [], []
    opened = Counter()
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.pop(0)
        name = pattern(url)
        limit = PER_ADMIN_PATTERN if name and name.startswith("admin:") else PER_PATTERN
        if name is None or opened[name] >= limit:
            continue
        opened[name] += 1
        response = client.get(url)
        visited.append(url)
        if response.status_code >= 500:
            errors.append(f"{url} -> {response.status_code}")
            continue
        if on_page is not None:
            on_page(url, response)
        # A redirect leads on like a link: "/begrotingen/" is the way to this year's budgets.
        links = [response["Location"]] if 300 <= response.status_code < 400 else []
        if "html" in response.get("Content-Type", ""):
            links += LINK.findall(response.content.decode())
        for link in links:
            link = link.replace("&amp;", "&")
            if link.startswith("/") and link not in seen and not link.startswith(NOT_FOLLOWED):
                seen.add(link)
                queue.append(link)
    return visited, errors
