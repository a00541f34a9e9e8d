"""Every URL of the project × every role, against one declarative table.

The table is the specification of who may open what. A URL pattern without an entry fails the
test, so a new page cannot ship without deciding who may see it. GET only; the POST side of the
editing pages is covered by each app's tests.
"""

import datetime as dt

import pytest
from django.urls import URLResolver, get_resolver, reverse

from billing.models import Invoice
from billing.services import issue_run
from monitor.services import edition_create, edition_publish
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CohortFactory,
    DecisionFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

ROLES = ["anon", "coord", "gem_a", "gem_b", "board", "admin"]


def allowed(status_for_allowed, roles, *, anon=302, others=403):
    """Expected status per role: ``status_for_allowed`` for the listed roles (admin always
    allowed), ``others`` for the rest, ``anon`` for anonymous."""
    result = dict.fromkeys(ROLES, others)
    result["anon"] = anon
    for role in (*roles, "admin"):
        result[role] = status_for_allowed
    return result


EVERYONE = ("coord", "gem_a", "gem_b", "board")
PERSONAL = ("coord", "gem_a", "gem_b")
COORD = ("coord",)


def scoped(status=200):
    """A record of municipality A: coordinators and A's users see it, B's users get 404."""
    result = allowed(status, ("coord", "gem_a"))
    result["gem_b"] = 404
    return result


# url name → (kwargs from the world, expected status per role)
MATRIX = {
    "home": (None, allowed(200, EVERYONE)),
    "healthz": (None, dict.fromkeys(ROLES, 200)),
    "login": (None, {**dict.fromkeys(ROLES, 302), "anon": 200}),
    "logout": (None, {**dict.fromkeys(ROLES, 405), "anon": 302}),
    # Two-factor authentication is for coordinators and beheerders (optional while developing).
    "two-factor-setup": (None, allowed(200, COORD)),
    # Without a device the code page sends the user to the setup page.
    "two-factor-verify": (None, allowed(302, COORD)),
    # Municipalities' invoice data: coordinators and beheerders enter it.
    "municipalities": (None, allowed(200, COORD)),
    "municipality-invoice-data": (lambda w: {"slug": w["huizen"].slug}, allowed(200, COORD)),
    "projects:list": (None, allowed(200, EVERYONE)),
    "projects:detail": (lambda w: {"slug": w["project"].slug}, allowed(200, EVERYONE)),
    "projects:create": (None, allowed(200, COORD)),
    "projects:update": (lambda w: {"slug": w["project"].slug}, allowed(200, COORD)),
    "projects:programme-create": (None, allowed(200, COORD)),
    "projects:programme-update": (
        lambda w: {"slug": w["project"].programme.slug},
        allowed(200, COORD),
    ),
    "projects:agreement-create": (lambda w: {"slug": w["project"].slug}, allowed(200, COORD)),
    "projects:agreement-update": (
        lambda w: {"slug": w["project"].slug, "pk": w["agreement"].pk},
        allowed(200, COORD),
    ),
    "projects:decision-create": (lambda w: {"slug": w["project"].slug}, allowed(200, COORD)),
    "projects:decision-update": (
        lambda w: {"slug": w["project"].slug, "pk": w["decision"].pk},
        allowed(200, COORD),
    ),
    "projects:budget-index": (None, allowed(302, EVERYONE)),
    "projects:budget-year": (lambda w: {"year": 2025}, allowed(200, EVERYONE)),
    "projects:budget-create": (None, allowed(200, COORD)),
    "projects:budget-line-create": (lambda w: {"budget": w["line"].budget_id}, allowed(200, COORD)),
    "projects:budget-line-update": (
        lambda w: {"budget": w["line"].budget_id, "pk": w["line"].pk},
        allowed(200, COORD),
    ),
    "projects:budget-line-delete": (
        lambda w: {"budget": w["line"].budget_id, "pk": w["line"].pk},
        allowed(200, COORD),
    ),
    "participants:list": (None, allowed(200, PERSONAL)),
    "participants:detail": (lambda w: {"pk": w["participant"].pk}, scoped()),
    "participants:export": (lambda w: {"pk": w["participant"].pk}, scoped()),
    "participants:update": (lambda w: {"pk": w["participant"].pk}, allowed(200, COORD)),
    "participants:enrol-participant": (
        lambda w: {"participant": w["participant"].pk},
        allowed(200, COORD),
    ),
    "participants:trajectories": (None, allowed(200, PERSONAL)),
    "participants:enrol": (None, allowed(200, COORD)),
    "participants:import": (None, allowed(200, COORD)),
    "participants:import-template": (lambda w: {"file_format": "xlsx"}, allowed(200, COORD)),
    "participants:import-values": (None, allowed(200, COORD)),
    "participants:trajectory": (lambda w: {"pk": w["trajectory"].pk}, scoped()),
    "participants:trajectory-update": (lambda w: {"pk": w["trajectory"].pk}, allowed(200, COORD)),
    # Quick actions take POST only.
    "participants:start": (lambda w: {"pk": w["trajectory"].pk}, allowed(405, COORD)),
    "participants:end": (lambda w: {"pk": w["trajectory"].pk}, allowed(405, COORD)),
    "participants:withdraw": (lambda w: {"pk": w["trajectory"].pk}, allowed(405, COORD)),
    # Groups: every gemeente sees the groups and their fill level (its own residents only).
    "participants:groups": (None, allowed(200, PERSONAL)),
    "participants:group": (lambda w: {"pk": w["group"].pk}, allowed(200, PERSONAL)),
    "participants:group-create": (None, allowed(200, COORD)),
    "participants:group-import": (None, allowed(200, COORD)),
    "participants:group-start": (lambda w: {"pk": w["group"].pk}, allowed(405, COORD)),
    "participants:group-cancel": (lambda w: {"pk": w["group"].pk}, allowed(405, COORD)),
    "billing:list": (None, allowed(200, PERSONAL)),
    "billing:run": (None, allowed(200, COORD)),
    "billing:ledger": (None, allowed(302, PERSONAL)),
    "billing:ledger-year": (lambda w: {"year": 2025}, allowed(200, PERSONAL)),
    "billing:participation-budget": (
        lambda w: {"year": 2025, "slug": w["huizen"].slug},
        allowed(200, COORD),
    ),
    "billing:lines-csv": (None, allowed(200, PERSONAL)),
    "billing:invoice": (lambda w: {"number": w["invoice"].number}, scoped()),
    "billing:pdf": (lambda w: {"number": w["invoice"].number}, scoped()),
    "billing:xml": (lambda w: {"number": w["invoice"].number}, scoped()),
    "billing:credit": (lambda w: {"number": w["invoice"].number}, allowed(200, COORD)),
    "monitor:editions": (None, allowed(200, EVERYONE)),
    "monitor:page": (None, allowed(200, EVERYONE)),
    "monitor:edition": (lambda w: {"period": "2025-H1"}, allowed(200, EVERYONE)),
    "monitor:edit": (lambda w: {"period": "2025-H2"}, allowed(200, COORD)),
    "monitor:pdf": (lambda w: {"period": "2025-H1"}, allowed(200, EVERYONE)),
    "monitor:json": (lambda w: {"period": "2025-H1"}, allowed(200, EVERYONE)),
    # The whole audit trail and access log: the beheerder only.
    "audit:log": (None, allowed(200, ())),
}


def url_names(resolver=None, namespace=None):
    """Every named URL of the project except the Django admin's own (checked separately)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from url_names(pattern, inner)
        else:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def world(huizen, laren, coordinator):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(project=project, year=2025)
    option = TariffOptionFactory(agreement=agreement)
    participant = ParticipantFactory(municipality=huizen)
    trajectory = TrajectoryFactory(
        participant=participant,
        project=project,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 2, 3),
    )
    issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=dt.date(2025, 4, 15))
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)
    edition_create(period_text="2025-H2")
    return {
        "huizen": huizen,
        "project": project,
        "agreement": agreement,
        "decision": DecisionFactory(project=project),
        "line": BudgetLineFactory(),
        "participant": participant,
        "trajectory": trajectory,
        "invoice": Invoice.objects.get(municipality=huizen),
        "group": CohortFactory(tariff_option=option, status="planned"),
    }


def test_every_url_has_an_entry_in_the_table():
    assert set(url_names()) - set(MATRIX) == set()
    assert set(MATRIX) - set(url_names()) == set()


def test_every_url_answers_every_role_as_the_table_says(
    client, world, coordinator, huizen_user, laren_user, board_member, administrator
):
    users = {
        "anon": None,
        "coord": coordinator,
        "gem_a": huizen_user,
        "gem_b": laren_user,
        "board": board_member,
        "admin": administrator,
    }
    wrong = []
    for name, (kwargs, expected) in MATRIX.items():
        url = reverse(name, kwargs=kwargs(world) if kwargs else None)
        for role, user in users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            status = client.get(url).status_code
            if status != expected[role]:
                wrong.append(f"{role:<6} {url:<45} expected {expected[role]}, got {status}")
    assert wrong == []


def test_the_django_admin_is_for_the_beheerder_only(
    client, coordinator, huizen_user, board_member, administrator
):
    for user in (coordinator, huizen_user, board_member):
        client.force_login(user)
        assert client.get("/beheer/").status_code == 302
    client.force_login(administrator)
    assert client.get("/beheer/").status_code == 200
    assert client.get("/beheer/participants/participant/").status_code == 200
