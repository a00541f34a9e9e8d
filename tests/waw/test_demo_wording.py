"""No page a role can reach in the demo shows a mechanical wording defect.

The crawl of ``tests/waw/crawl.py`` visits every kind of page of every role; of each HTML page
the text a reader sees or a screen reader reads (the text outside ``<script>`` and ``<style>``,
and the ``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes) is checked for double
punctuation, template leftovers, Django's English where a translation is missing, and stored
codes that the pages show in words. The error pages of the main forms, posted empty, the login
page and the 404 page are checked the same way.

With ``WAW_DUMP_PAGE_TEXT`` set to a folder the text of every page is also written there, one
file per page under the role's name, for a reviewer who reads the pages as a user would.
"""

import os
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.waw.crawl import ROLES, crawl, load_demo
from waw.models import User

pytestmark = pytest.mark.django_db

# The Django admin is Django's own templates and translation (its pages carry English titles
# such as "Add link", and the audit log shows field names); our ModelAdmins add only a fieldset
# title and a column name (waw/admin.py).
ADMIN = "/beheer/"
READ_ALOUD = ("title", "aria-label", "placeholder", "alt")
NOT_SHOWN = ("script", "style", "template")
BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "legend", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip

# Django's own English, where a msgid has no Dutch: whole words, case-sensitive, none of them a
# Dutch word.
ENGLISH = (
    "Submit", "Search", "Next", "Previous", "Save", "Delete", "Cancel", "Page", "Edit", "Back",
    "Home", "Logout", "Login", "Password", "Username", "Required", "Invalid", "Please", "Yes",
    "Close", "Loading", "Error", "Warning", "Select", "Choose", "Upload", "Remove", "Add",
    "Name", "Date", "Total", "Actions", "Settings", "Overview", "Welcome", "First",
    "Enter a", "This field", "Ensure this", "Select a valid", "is required",
    "characters", "Forbidden", "Not Found", "Server Error", "No results", "Show all",
)  # fmt: skip
RULES = (
    ("dubbele leestekens", re.compile(r"\.:|(?<![.…])\.\.(?![.…])|:\.|,\.|\.,|!\.|\?\.")),
    ("woord herhaald", re.compile(r"\b(\w{2,}) \1\b", re.IGNORECASE)),
    # The form's "(optioneel)" marker follows any label, one with its own brackets too.
    ("twee keer tussen haakjes", re.compile(r"\) \((?!optioneel\))")),
    ("spatie voor leesteken", re.compile(r"(?<=\S) [.,:](?![\d.])|^[.,:](?!\d)")),
    ("los vraagteken", re.compile(r"(?:^|\s)\?(?:\s|$)")),
    ("sjabloonresten", re.compile(r"\{\{|\}\}|\{%|%\}|\[\]|\{\}")),
    ("Python-waarde", re.compile(r"\b(?:None|True|False|nan|NaN)\b")),
    ("Engels", re.compile(r"\b(?:" + "|".join(map(re.escape, ENGLISH)) + r")\b")),
    ("opgeslagen code", re.compile(r"\b(?:diploma|certificaat)\+werk\b")),
    ("periodecode", re.compile(r"\b\d{4}-[QH]\d\b|\bQ[1-4]\b")),
    ("ISO-datum", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    # A Dutch decimal comma; one or two digits after a point are not a thousands separator.
    ("decimaalpunt", re.compile(r"\b\d+\.\d{1,2} ?(?:GB|MB|kB|KB|ms|%)(?!\w)")),
)
# A URL or an e-mail address in running text is shown as it is.
VERBATIM = re.compile(r"\bhttps?://\S+|\S+@\S+")
# What a user types or a file holds, set as <code>/<kbd>/<samp>, is shown as it is; the checks see
# a stand-in. The markers never occur in a page.
LITERAL_TAGS = ("code", "kbd", "samp")
LITERAL_START, LITERAL_END = "\x02", "\x03"
LITERAL = re.compile(f"{LITERAL_START}[^{LITERAL_END}]*{LITERAL_END}")
# An abbreviation keeps its full stop before a colon or comma ("€ 2.400 p.p.: € 2.400,00").
ABBREVIATION = re.compile(r"(?:\b(?:\w\.){2,}|\b(?:bijv|enz|incl|excl|nr|ca)\.)$")
# An example of what to type in a field is the code itself ("Bijvoorbeeld 2025-Q1 of 2025.").
EXAMPLE = re.compile(r"\b[Bb]ijvoorbeeld\b[^.]*$")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden, self.parts, self.spoken = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in NOT_SHOWN:
            self.hidden += 1
        if tag in LITERAL_TAGS:
            self.parts.append(LITERAL_START)
        if tag in BLOCKS:
            self.parts.append("\n")
        for name, value in attrs:
            if name in READ_ALOUD and value and value.strip():
                self.spoken.append(f"[{name}] {value.strip()}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_SHOWN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in NOT_SHOWN:
            self.hidden = max(0, self.hidden - 1)
        if tag in LITERAL_TAGS:
            self.parts.append(LITERAL_END)
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def page_text(html: str) -> list[str]:
    """The lines a reader sees, then the attribute values a screen reader reads; literal text
    (``<code>``) between markers."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    # Whitespace in the flow of text is one space, as the browser shows it.
    flow = re.sub(r"[ \t\r\f\v]*\n[\s]*", "\n", re.sub(r"[^\S\n]+", " ", "".join(parser.parts)))
    lines = [re.sub(r"\s+", " ", line).strip() for line in flow.split("\n")]
    return [unescape(line) for line in lines if line] + parser.spoken


def shown(line: str) -> str:
    return line.replace(LITERAL_START, "").replace(LITERAL_END, "")


def _excused(name: str, before: str, match: re.Match) -> bool:
    if name == "dubbele leestekens" and match[0] in (".:", ".,"):
        return bool(ABBREVIATION.search(before + "."))
    if name == "periodecode":
        return bool(EXAMPLE.search(before))
    return False


def defects(lines: list[str]) -> list[str]:
    found = []
    for line in lines:
        checked = LITERAL.sub("LETTERLIJK", VERBATIM.sub("URL", line))
        for name, rule in RULES:
            for match in rule.finditer(checked):
                if _excused(name, checked[: match.start()], match):
                    continue
                start, end = max(0, match.start() - 30), match.end() + 30
                found.append(f"{name}: …{checked[start:end]}…")
    return found


class Dump:
    def __init__(self, role: str):
        folder = os.environ.get("WAW_DUMP_PAGE_TEXT")
        self.folder = Path(folder) / role if folder else None
        self.count = 0
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def write(self, url: str, lines: list[str]) -> None:
        if self.folder is None:
            return
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
        text = "\n".join([url, "", *map(shown, lines)]) + "\n"
        (self.folder / f"{self.count:03d}-{slug[:80]}.txt").write_text(text, encoding="utf-8")


def check(url: str, response, dump: Dump, found: list[str], role: str) -> None:
    if "html" not in response.get("Content-Type", "") or url.startswith(ADMIN):
        return
    if 300 <= response.status_code < 400:  # a redirect has no text; the crawl follows its link
        return
    lines = page_text(response.content.decode())
    dump.write(url, lines)
    found += [f"{role} {url} {finding}" for finding in defects(lines)]


@pytest.fixture
def demo(settings):
    load_demo(settings)


def test_no_page_of_the_demo_shows_a_wording_defect(demo):
    found, checked = [], {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=role))
        dump = Dump(role)
        pages = []

        def visit(url, response, dump=dump, role=role, pages=pages):
            pages.append(url)
            check(url, response, dump, found, role)

        crawl(client, visit)
        checked[role] = len(pages)

    assert found == [], "\n".join(found)
    assert all(count > 5 for count in checked.values()), checked


# Each main form posted empty, by the role that fills it in: (role, URL, data; None for a GET).
# The participation budget may be left empty, so it gets an amount that is not one.
EMPTY_FORMS = (
    ("coordinator", "/trajecten/aanmelden/", {}),
    ("coordinator", "/facturen/run/", {}),
    ("coordinator", "/facturen/run/?period=", None),
    ("coordinator", "/begrotingen/nieuw/", {}),
    ("coordinator", "/groepen/nieuw/", {}),
    ("coordinator", "/projecten/nieuw/", {}),
    ("coordinator", "/facturen/budget/2025/huizen/", {"amount": "veel"}),
    ("klantmanager-huizen", "/aanmeldingen/nieuw/", {}),
)


def test_the_error_pages_of_the_main_forms_posted_empty_show_no_wording_defect(demo):
    found, refused, dumps = [], [], {}
    for role, url, data in EMPTY_FORMS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=role))
        response = client.get(url) if data is None else client.post(url, data)
        # Each form answers with its own page showing the errors, not a redirect or a refusal.
        if response.status_code not in (200, 400) or b"errorlist" not in response.content:
            refused.append(f"{url} -> {response.status_code}")
        dump = dumps.setdefault(role, Dump(f"{role}-leeg-formulier"))
        check(url, response, dump, found, role)

    assert refused == []
    assert found == [], "\n".join(found)


# Pages no link leads to: (role, or None before logging in; URL; data, None for a GET; status).
OUTSIDE_THE_CRAWL = (
    (None, "/inloggen/", None, 200),
    (None, "/inloggen/", {"username": "coordinator", "password": "fout"}, 200),
    ("coordinator", "/bestaat-niet/", None, 404),
)


def test_the_login_and_not_found_pages_show_no_wording_defect(demo, settings):
    settings.DEBUG = False  # the 404 page users see, not Django's page for developers
    found, statuses, dumps = [], [], {}
    for role, url, data, status in OUTSIDE_THE_CRAWL:
        client = Client(raise_request_exception=False)
        if role:
            client.force_login(User.objects.get(username=role))
        response = client.get(url) if data is None else client.post(url, data)
        statuses.append((url, response.status_code, status))
        name = role or "niet-ingelogd"
        check(url, response, dumps.setdefault(name, Dump(name)), found, name)

    assert all(got == expected for _, got, expected in statuses), statuses
    assert found == [], "\n".join(found)


def test_the_wording_check_reads_what_a_screen_reader_reads_and_not_the_scripts():
    html = (
        '<p title="Search">Naam <b>x</b> .</p><script>var a = {}; if (None) {}</script>'
        '<input value="2025-01-31" placeholder="dd-mm-jjjj"><time datetime="2025-01-31">31 januari'
        "</time>"
    )

    found = defects(page_text(html))

    assert found == ["spatie voor leesteken: …Naam x .…", "Engels: …[title] Search…"]


def test_the_wording_check_lets_literal_input_and_abbreviations_stand():
    html = (
        "<p>Schrijf <code>diploma+werk</code> of <code>2025-Q1</code>.</p>"
        "<p>Tarief € 2.400 p.p.: € 2.400,00. Bijvoorbeeld 2025-Q1 of 2025.</p>"
        "<p>Gestopt in 2025-Q1 met diploma+werk op 2025-01-31.</p>"
    )

    found = defects(page_text(html))

    assert [finding.split(":")[0] for finding in found] == [
        "opgeslagen code", "periodecode", "ISO-datum"
    ]  # fmt: skip
