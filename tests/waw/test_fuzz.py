"""Bad input never crashes the app: random values posted to every form (found by walking the
URL patterns and reading each page's forms), and malformed dates, periods, numbers and amounts
in URLs, answer with a form error, 400 or 404 — never a 500."""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ParticipantFactory, TrajectoryFactory
from tests.waw.test_authorisation_matrix import MATRIX, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

# Values people (and attackers) type by mistake or on purpose, next to random text.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 40,
    "€ 1.234,56",
    "1.234.567,891",
    "12,3,4",
    "2025-13-45",
    "31-02-2025",
    "0000-00-00",
    "9999-12-31",
    "2025-Q5",
    "2025-H0",
    "1899-Q1",
    "99999-H1",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "é" * 300,
]
FORMS_AT_LEAST = 20  # the app has more; fewer found means the walk broke


class FormParser(HTMLParser):
    """Collects each form's method, action and fields (name → options for selects)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                    "files": set(),
                    "checkboxes": set(),
                }
            )
            return
        if not self.forms or "name" not in attrs:
            return
        form, name = self.forms[-1], attrs["name"]
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input" and attrs.get("type") == "file":
            form["files"].add(name)
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            form["checkboxes"].add(name)
            form["fields"].setdefault(name, []).append(attrs.get("value", "on"))
        elif tag in ("input", "textarea", "button"):
            form["fields"].setdefault(name, [])
            if attrs.get("value"):
                form["fields"][name].append(attrs["value"])
        elif tag == "select":
            self._select = form["fields"].setdefault(name, [])
        if tag == "option" and self._select is not None:
            self._select.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_on(html: str, page_url: str):
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        form["action"] = urlsplit(urljoin(page_url, form["action"])).path
        if form["action"] == reverse("logout"):
            continue
        yield form


def value_for(options):
    known = [st.sampled_from(options)] if options else []
    return st.one_of(*known, st.sampled_from(NASTY), st.text(max_size=40))


def form_data(form):
    fields = {
        name: value_for(options)
        for name, options in form["fields"].items()
        if name not in form["checkboxes"]
    }
    checkboxes = {
        name: st.lists(st.sampled_from([*options, *NASTY[:6]]), max_size=3)
        for name, options in form["fields"].items()
        if name in form["checkboxes"]
    }
    files = {
        name: st.tuples(
            st.sampled_from(["a.csv", "a.xlsx", "a.exe", "", "../../etc/passwd.csv"]),
            st.binary(max_size=300),
        )
        for name in form["files"]
    }
    return st.fixed_dictionaries({**fields, **checkboxes}), st.fixed_dictionaries(files)


def pages(world):  # noqa: F811 - the fixture's value
    """(name, role, url) of every page the matrix opens for a coordinator or the beheerder, and
    the pages whose forms appear only in a certain state."""
    for name, (kwargs, expected) in MATRIX.items():
        if name in ("login", "logout", "healthz"):
            continue
        role = "coord" if expected["coord"] == 200 else "admin"
        if expected[role] == 200:
            yield name, role, reverse(name, kwargs=kwargs(world) if kwargs else None)
    # The issue form after a preview; the start form of a trajectory that has not started.
    # Other participants: a participant runs one trajectory per project at a time.
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=world["huizen"]),
        project=world["project"],
        enrolment_date=dt.date(2025, 4, 1),
        start_date=dt.date(2025, 4, 7),
    )
    unstarted = TrajectoryFactory(
        participant=ParticipantFactory(municipality=world["huizen"]),
        project=world["project"],
        enrolment_date=dt.date(2025, 3, 3),
    )
    yield "billing:run", "coord", reverse("billing:run") + "?period=2025-Q2"
    yield "participants:trajectory", "coord", unstarted.get_absolute_url()


def pages_with_forms(clients, world):  # noqa: F811 - the fixture's value
    for name, role, url in pages(world):
        response = clients[role].get(url)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue  # a PDF, JSON or CSV download
        for form in forms_on(response.content.decode(), url):
            yield name, clients[role], form


def fuzz(client, form):
    data_strategy, files_strategy = form_data(form)

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=data_strategy, files=files_strategy)
    def submit(data, files):
        uploads = {
            name: SimpleUploadedFile(filename or "leeg", content)
            for name, (filename, content) in files.items()
        }
        # Each example in a savepoint that is rolled back: the next one sees the same data.
        with transaction.atomic():
            if form["method"] == "post":
                response = client.post(form["action"], {**data, **uploads})
            else:
                response = client.get(form["action"], data)
            transaction.set_rollback(True)
        assert response.status_code < 500, (form["action"], data)

    submit()


def test_random_input_in_every_form_never_gives_a_server_error(
    world,  # noqa: F811
    coordinator,
    administrator,
):
    clients = {"coord": Client(), "admin": Client()}
    clients["coord"].force_login(coordinator)
    clients["admin"].force_login(administrator)

    fuzzed = []
    for name, client, form in pages_with_forms(clients, world):
        fuzz(client, form)
        fuzzed.append((name, form["method"], form["action"]))

    assert len(fuzzed) >= FORMS_AT_LEAST, fuzzed


def test_random_input_in_the_login_form_never_gives_a_server_error(db):
    form = next(forms_on(Client().get(reverse("login")).content.decode(), reverse("login")))

    fuzz(Client(), form)


MALFORMED_PATHS = [
    "/monitor/2025-H3/",
    "/monitor/2025-Q1/",
    "/monitor/abc/pdf/",
    "/monitor/99999999-H1/json/",
    "/monitor/%00/bewerken/",
    "/facturen/budget/0/",
    "/facturen/budget/99999/",
    "/facturen/budget/99999999999999999999/",
    "/facturen/budget/2025/onbekend/",
    "/facturen/2025-99999/",
    "/facturen/%00/pdf/",
    "/facturen/1e309/crediteren/",
    "/begrotingen/99999999999999999999/",
    "/begrotingen/0/",
    "/begrotingen/99999999999999999999/bewerken/",
    "/begrotingen/programma/bestaat-niet/",
    "/projecten/bestaat-niet/",
    "/projecten/bestaat-niet/jaarafspraak/99999999999999999999/",
    "/deelnemers/99999999999999999999/",
    "/deelnemers/99999999999999999999/inzage.json",
    "/trajecten/99999999999999999999/",
    "/trajecten/0/bewerken/",
]


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_malformed_values_in_a_path_answer_400_or_404(client_for, coordinator, path):
    assert client_for(coordinator).get(path).status_code in (400, 404)


MALFORMED_QUERIES = [
    "/facturen/run/?period=2025-Q9",
    "/facturen/run/?period=%00",
    "/facturen/run/?period=99999999999-Q1",
    "/facturen/?period=abc&issue_from=2025-13-45",
    "/trajecten/?start_from=31-02-2025&start_until=x",
    "/trajecten/?page=abc",
    "/trajecten/?page=-1",
    "/trajecten/?page=99999999999999999999",
    "/trajecten/?sort=bestaat_niet",
    "/trajecten/?_export=pdf",
    "/projecten/?year=99999999999999999999",
    "/monitor/actueel/?period=2025-H9",
    "/monitor/actueel/?period=%00",
    "/deelnemers/?q=%00",
    "/deelnemers/?q=31-02-2025",
    "/logboek/?date_from=2025-13-45&record=99999999999999999999",
    "/logboek/?kind=bestaat-niet&actor=abc&content_type=-1",
]


@pytest.mark.parametrize("url", MALFORMED_QUERIES)
def test_malformed_values_in_a_query_never_give_a_server_error(client_for, administrator, url):
    assert client_for(administrator).get(url).status_code < 500


def test_a_nul_character_in_the_address_answers_400(client_for, coordinator):
    client = client_for(coordinator)

    assert client.get("/facturen/%00/pdf/").status_code == 400
    assert client.get("/deelnemers/", {"q": "a\x00b"}).status_code == 400
