import pytest

from tests.factories import MunicipalityFactory, UserFactory
from waw.roles import Role

# What every request of a logged-in coordinator costs before its view runs: saving the session
# (it expires after inactivity, so each request moves the expiry on: savepoint, update, release
# inside a test's transaction) and the two-factor check looking for the user's device. Query
# budgets of pages add it, so they keep measuring the page itself.
REQUEST_OVERHEAD_QUERIES = 4


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = database["ENGINE"].rsplit(".", 1)[-1]
    if where == "postgresql":
        where += f" at {database.get('HOST') or 'socket'}:{database.get('PORT') or 5432}"
    return f"database: {where}"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Issued documents of a test go to a temporary folder, never to the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _invoices_rendered_in_process(settings):
    """Render processes only pay off for many invoices; a test of them asks for them."""
    settings.INVOICE_RENDER_PROCESSES = 1


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's deliberate slowness guards real accounts; in tests it only costs minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    # The suite runs in one process, so the process's own memory stands in for the shared
    # database cache of the web and worker processes: a test needs no database for a cache
    # read, and the query budgets count the application's queries, not the cache's.
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Tasks run at once, in the test's transaction: tests test the work. The database backend
    # and a real worker process are tested in tests/waw/test_job_worker.py.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the monitor caches its live figures)."""
    from django.core.cache import cache

    cache.clear()


# A sender whose data is complete and well-formed (invented: the KvK and VAT numbers belong to no
# one, the IBAN is the standard example with a valid checksum), so runs can issue in tests.
COMPLETE_SENDER = {
    "name": "Regio Gooi en Vechtstreek",
    "street": "Burgemeester de Withstraat",
    "house_number": "12",
    "po_box": "",
    "postcode": "1211 AA",
    "city": "Hilversum",
    "kvk": "12345678",
    "vat": "NL123456789B01",
    "iban": "NL91ABNA0417164300",
    "email": "debiteuren@regio.example",
    "oin": "",
    "demo": False,
}


@pytest.fixture(autouse=True)
def _complete_invoice_sender(settings):
    settings.INVOICE_SENDER = dict(COMPLETE_SENDER)


@pytest.fixture
def huizen(db):
    return MunicipalityFactory(name="Huizen", slug="huizen")


@pytest.fixture
def laren(db):
    return MunicipalityFactory(name="Laren", slug="laren")


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", role=Role.COORDINATOR)


@pytest.fixture
def huizen_user(huizen):
    return UserFactory(username="gemeente-huizen", role=Role.MUNICIPALITY, municipality=huizen)


@pytest.fixture
def laren_user(laren):
    return UserFactory(username="gemeente-laren", role=Role.MUNICIPALITY, municipality=laren)


@pytest.fixture
def huizen_case_manager(huizen):
    return UserFactory(username="klantmanager-huizen", role=Role.CASE_MANAGER, municipality=huizen)


@pytest.fixture
def laren_case_manager(laren):
    return UserFactory(username="klantmanager-laren", role=Role.CASE_MANAGER, municipality=laren)


@pytest.fixture
def board_member(db):
    return UserFactory(username="bestuurder", role=Role.BOARD)


@pytest.fixture
def administrator(db):
    return UserFactory(username="beheerder", role=Role.ADMINISTRATOR)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def post_and_run(django_capture_on_commit_callbacks):
    """``post_and_run(client, url, data)``: POST a form that starts a job, let the job run (the
    immediate backend, once the request's transaction "commits") and follow the redirect to the
    job page; a response that started no job is returned as it is."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        if response.status_code != 302 or not response.url.startswith("/taken/"):
            return response
        return client.get(response.url)

    return post
