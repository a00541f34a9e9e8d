"""Real-browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a journey visits is checked with axe-core (vendored in ``vendor/``) and
photographed into ``test-artifacts/e2e/<journey>/``. Without /usr/bin/chromium the tests skip,
except in CI (``CI`` set), where a missing browser is an error: CI must always run them.
"""

import importlib
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from projects.services import load_reference_data
from tests.e2e.browser import AuditedPage
from waw.models import Municipality
from waw.roles import Role
from waw.services import user_create

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
E2E_DIR = Path(__file__).resolve().parent

# As the workplace's own Chromium probe: no sandbox (we run as root in CI), and none of the
# background connections to Google that a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The browser journeys run last (after pytest-django has put its database tests in order):
    the quick tests have their say first, and no other test runs beside Playwright's loop."""
    e2e = [item for item in items if E2E_DIR in Path(str(item.path)).parents]
    chosen = set(e2e)
    items[:] = [item for item in items if item not in chosen] + e2e


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an asyncio loop running in this thread until the session
    ends; Django refuses ORM calls from a thread with a running loop unless told that this is
    safe. The test and the live server never share a connection, so it is. Set only from the
    first journey on (they run last) and removed again, so that no other test, nor a
    subprocess such as ``check --deploy``, sees it."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} ontbreekt: installeer Debian's Chromium (apt-get install chromium chromium-l10n)."
        if os.environ.get("CI"):
            pytest.fail(f"E2E-tests moeten in CI draaien, maar {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        # A Dutch browser, as the users have (with Debian's chromium-l10n): date fields read
        # dd-mm-jjjj and a file field says "Bestand kiezen".
        "env": {**os.environ, "LANGUAGE": "nl"},
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        "accept_downloads": True,
    }


PASSWORD = "e2e-wachtwoord-Gooi-2025"


@pytest.fixture
def catalogue(transactional_db):
    """The real catalogue from the documents: seven municipalities, projects and tariffs."""
    load_reference_data()


@pytest.fixture
def accounts(catalogue):
    """One account per role, all with ``PASSWORD``, named like the demo accounts."""
    huizen = Municipality.objects.get(slug="huizen")
    laren = Municipality.objects.get(slug="laren")
    made = {}
    for username, role, municipality, first, last in [
        ("coordinator", Role.COORDINATOR, None, "Carla", "Coördinator"),
        ("gemeente-huizen", Role.MUNICIPALITY, huizen, "Medewerker", "Huizen"),
        ("gemeente-laren", Role.MUNICIPALITY, laren, "Medewerker", "Laren"),
        ("bestuurder", Role.BOARD, None, "Bram", "Bestuurder"),
    ]:
        made[username] = user_create(
            username=username,
            password=PASSWORD,
            role=role,
            municipality=municipality,
            first_name=first,
            last_name=last,
        )
    return made


@pytest.fixture
def removable_invoices(transactional_db):
    """Lets the test database be emptied after a test that issued invoices for real.

    Issued invoices are protected by database triggers against DELETE (billing migration 0002),
    and SQLite empties tables with DELETE. So: lift the triggers, empty the database, and put
    the triggers back, before pytest-django's own flush (which then finds nothing to do).
    """
    yield
    immutable = importlib.import_module("billing.migrations.0002_issued_documents_are_immutable")
    with connection.schema_editor() as editor:
        immutable.drop_triggers(None, editor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.schema_editor() as editor:
            immutable.create_triggers(None, editor)


@pytest.fixture
def journey(page, live_server, transactional_db, request):
    """The page wrapped so that every visited page is audited; fails if one was not."""
    name = re.sub(r"^test_", "", request.node.originalname)
    audited = AuditedPage(page, base_url=live_server.url, folder=ARTIFACTS / name)
    page.set_default_timeout(15_000)
    yield audited
    audited.assert_every_page_audited()
