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
from monitor.services import edition_create, edition_publish, story_add
from participants.services import referral_submit
from tests.factories import (
    AgreementFactory,
    BudgetLineFactory,
    CohortFactory,
    DecisionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.models import Job
from waw.periods import Period

pytestmark = pytest.mark.django_db

# gem_*: a gemeente's finance staff (invoices, budgets, monitor; no personal data at all);
# km_*: its klantmanager (referrals and its residents, no invoices or budgets).
ROLES = ["anon", "coord", "gem_a", "gem_b", "km_a", "km_b", "board", "admin"]


def allowed(status_for_allowed, roles, *, anon=302, others=403):
    """Expected status per role: ``status_for_allowed`` for the listed roles (admin always
    allowed), ``others`` for the rest, ``anon`` for anonymous."""
    result = dict.fromkeys(ROLES, others)
    result["anon"] = anon
    for role in (*roles, "admin"):
        result[role] = status_for_allowed
    return result


EVERYONE = ("coord", "gem_a", "gem_b", "board")
CATALOGUE = (*EVERYONE, "km_a", "km_b")
# Least privilege: finance needs no names, so only coordinators and klantmanagers read people.
PERSONAL = ("coord", "km_a", "km_b")
BILLING = ("coord", "gem_a", "gem_b")
CASE_MANAGERS = ("km_a", "km_b")
COORD = ("coord",)
BOARD_TABLES = ("coord", "board")


def scoped(status=200, *, roles=("km",)):
    """A record of municipality A: coordinators and A's users of ``roles`` see it, B's get 404."""
    result = allowed(status, ("coord", *(f"{role}_a" for role in roles)))
    for role in roles:
        result[f"{role}_b"] = 404
    return result


# url name → (kwargs from the world, expected status per role)
MATRIX = {
    "home": (None, allowed(200, CATALOGUE)),
    "healthz": (None, dict.fromkeys(ROLES, 200)),
    # The detailed system status: the beheerder only (the probe above stays open).
    "health": (None, allowed(200, ())),
    "login": (None, {**dict.fromkeys(ROLES, 302), "anon": 200}),
    "logout": (None, {**dict.fromkeys(ROLES, 405), "anon": 302}),
    # Two-factor authentication is for coordinators and beheerders (optional while developing).
    "two-factor-setup": (None, allowed(200, COORD)),
    # Without a device the code page sends the user to the setup page.
    "two-factor-verify": (None, allowed(302, COORD)),
    # Municipalities' invoice data: coordinators and beheerders enter it.
    "municipalities": (None, allowed(200, COORD)),
    # Jobs (imports, invoice runs): coordinators (and beheerders) follow every job.
    "jobs": (None, allowed(200, COORD)),
    "job": (lambda w: {"pk": w["job"].pk}, allowed(200, COORD)),
    "job-progress": (lambda w: {"pk": w["job"].pk}, allowed(200, COORD)),
    "job-errors": (lambda w: {"pk": w["job"].pk}, allowed(200, COORD)),
    "municipality-invoice-data": (lambda w: {"slug": w["huizen"].slug}, allowed(200, COORD)),
    "projects:list": (None, allowed(200, CATALOGUE)),
    "projects:detail": (lambda w: {"slug": w["project"].slug}, allowed(200, CATALOGUE)),
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
    "projects:indicator-create": (lambda w: {"slug": w["project"].slug}, allowed(200, COORD)),
    "projects:indicator": (
        lambda w: {"slug": w["project"].slug, "pk": w["indicator"].pk},
        allowed(200, COORD),
    ),
    "projects:indicator-remove": (
        lambda w: {"slug": w["project"].slug, "pk": w["indicator"].pk},
        allowed(200, COORD),
    ),
    "projects:indicator-target-remove": (
        lambda w: {"slug": w["project"].slug, "pk": w["indicator"].pk, "item": w["target"].pk},
        allowed(200, COORD),
    ),
    "projects:indicator-value-remove": (
        lambda w: {"slug": w["project"].slug, "pk": w["indicator"].pk, "item": w["value"].pk},
        allowed(200, COORD),
    ),
    "projects:agreements-copy": (lambda w: {"year": 2026}, allowed(200, COORD)),
    # The board's tables (aggregates per project): coordinators and bestuurders.
    "board:index": (None, allowed(200, BOARD_TABLES)),
    "board:cost-split": (lambda w: {"year": 2025}, allowed(200, BOARD_TABLES)),
    "board:cost-split-export": (
        lambda w: {"year": 2025, "fmt": "xlsx"},
        allowed(200, BOARD_TABLES),
    ),
    "board:realisation": (lambda w: {"year": 2025}, allowed(200, BOARD_TABLES)),
    "board:realisation-export": (
        lambda w: {"year": 2025, "fmt": "pdf"},
        allowed(200, BOARD_TABLES),
    ),
    "board:meeting": (lambda w: {"pk": w["decision"].meeting_id}, allowed(200, BOARD_TABLES)),
    "board:meeting-export": (
        lambda w: {"pk": w["decision"].meeting_id, "fmt": "xlsx"},
        allowed(200, BOARD_TABLES),
    ),
    "projects:budget-index": (None, allowed(302, EVERYONE)),
    "projects:budget-year": (lambda w: {"year": 2025}, allowed(200, EVERYONE)),
    "projects:budget-create": (None, allowed(200, COORD)),
    "projects:budget-update": (lambda w: {"pk": w["line"].budget_id}, allowed(200, COORD)),
    "projects:budget-programme": (
        lambda w: {"slug": w["line"].budget.programme.slug},
        allowed(200, EVERYONE),
    ),
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
    # Groups: every klantmanager sees the groups and their fill level (its own residents only).
    "participants:groups": (None, allowed(200, PERSONAL)),
    "participants:group": (lambda w: {"pk": w["group"].pk}, allowed(200, PERSONAL)),
    "participants:group-create": (None, allowed(200, COORD)),
    "participants:group-import": (None, allowed(200, COORD)),
    "participants:group-start": (lambda w: {"pk": w["group"].pk}, allowed(405, COORD)),
    "participants:group-cancel": (lambda w: {"pk": w["group"].pk}, allowed(405, COORD)),
    # Referrals: the klantmanagers refer and follow their own, the coordinator handles them.
    "participants:referrals": (None, allowed(200, ("coord", *CASE_MANAGERS))),
    "participants:referral-create": (None, allowed(200, CASE_MANAGERS)),
    "participants:referral": (lambda w: {"pk": w["referral"].pk}, scoped(roles=("km",))),
    "participants:referral-place": (lambda w: {"pk": w["referral"].pk}, allowed(405, COORD)),
    "participants:referral-decline": (lambda w: {"pk": w["referral"].pk}, allowed(405, COORD)),
    "participants:referral-withdraw": (
        lambda w: {"pk": w["referral"].pk},
        allowed(405, CASE_MANAGERS),
    ),
    "billing:list": (None, allowed(200, BILLING)),
    "billing:run": (None, allowed(200, COORD)),
    "billing:ledger": (None, allowed(302, BILLING)),
    "billing:ledger-year": (lambda w: {"year": 2025}, allowed(200, BILLING)),
    "billing:participation-budget": (
        lambda w: {"year": 2025, "slug": w["huizen"].slug},
        allowed(200, COORD),
    ),
    "billing:lines-csv": (None, allowed(200, BILLING)),
    "billing:invoice": (lambda w: {"number": w["invoice"].number}, scoped(roles=("gem",))),
    "billing:pdf": (lambda w: {"number": w["invoice"].number}, scoped(roles=("gem",))),
    "billing:xml": (lambda w: {"number": w["invoice"].number}, scoped(roles=("gem",))),
    "billing:credit": (lambda w: {"number": w["invoice"].number}, allowed(200, COORD)),
    "monitor:editions": (None, allowed(200, EVERYONE)),
    "monitor:page": (None, allowed(200, EVERYONE)),
    "monitor:edition": (lambda w: {"period": "2025-H1"}, allowed(200, EVERYONE)),
    "monitor:edit": (lambda w: {"period": "2025-H2"}, allowed(200, COORD)),
    "monitor:story": (
        lambda w: {"period": "2025-H2", "pk": w["story"].pk},
        allowed(200, COORD),
    ),
    "monitor:remove": (
        lambda w: {"period": "2025-H2", "kind": "verhaal", "pk": w["story"].pk},
        allowed(200, COORD),
    ),
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
def world(huizen, laren, coordinator, huizen_case_manager):
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
    draft = edition_create(period_text="2025-H2")
    story = story_add(
        edition=draft, user=coordinator, name="Sam", project=project, text="…", consent_given=False
    )
    indicator = IndicatorFactory(project=project)
    job = Job.objects.create(
        kind=Job.Kind.TRAJECTORY_IMPORT,
        key="import",
        user=coordinator,
        status=Job.Status.FAILED,
        outcome={"errors": [[2, "gemeente", "onbekende gemeente"]]},
    )
    return {
        "job": job,
        "story": story,
        "indicator": indicator,
        "target": IndicatorTargetFactory(indicator=indicator),
        "value": IndicatorValueFactory(indicator=indicator, recorded_by=coordinator),
        "huizen": huizen,
        "project": project,
        "agreement": agreement,
        "decision": DecisionFactory(project=project),
        "line": BudgetLineFactory(),
        "participant": participant,
        "trajectory": trajectory,
        "invoice": Invoice.objects.get(municipality=huizen),
        "group": CohortFactory(tariff_option=option, status="planned"),
        "referral": referral_submit(
            user=huizen_case_manager,
            municipality=huizen,
            project=project,
            first_name="Sanne",
            last_name="de Wit",
            date_of_birth=dt.date(1988, 4, 12),
            motivation="Past goed.",
        ),
    }


def test_every_url_has_an_entry_in_the_table():
    assert set(url_names()) - set(MATRIX) == set()
    assert set(MATRIX) - set(url_names()) == set()


def test_every_url_answers_every_role_as_the_table_says(
    client,
    world,
    coordinator,
    huizen_user,
    laren_user,
    huizen_case_manager,
    laren_case_manager,
    board_member,
    administrator,
):
    users = {
        "anon": None,
        "coord": coordinator,
        "gem_a": huizen_user,
        "gem_b": laren_user,
        "km_a": huizen_case_manager,
        "km_b": laren_case_manager,
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
