import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from tests.factories import MunicipalityFactory
from waw.models import User
from waw.roles import Role, roles_of
from waw.services import create_demo_accounts

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_municipalities():
    names = ["Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum", "Laren", "Eemnes"]
    return [MunicipalityFactory(name=n, slug=n.lower().replace(" ", "-")) for n in names]


def test_demo_accounts_give_each_municipality_a_finance_user_and_a_klantmanager(settings, seven_municipalities):
    settings.DEBUG = True

    accounts = create_demo_accounts()

    assert len(accounts) == 1 + 7 + 7 + 1 + 1
    huizen = User.objects.get(username="gemeente-huizen")
    assert roles_of(huizen) == {Role.MUNICIPALITY}
    assert huizen.municipality.name == "Huizen"
    assert roles_of(User.objects.get(username="coordinator")) == {Role.COORDINATOR}
    assert User.objects.get(username="beheerder").is_superuser
    case_manager = User.objects.get(username="klantmanager-huizen")
    assert roles_of(case_manager) == {Role.CASE_MANAGER}
    assert case_manager.municipality.name == "Huizen"
    assert User.objects.filter(username__startswith="klantmanager-").count() == 7


def test_demo_passwords_work_and_are_shown_only_when_created(
    settings, client, seven_municipalities
):
    settings.DEBUG = True
    first = {a.username: a.password for a in create_demo_accounts()}

    second = create_demo_accounts()

    # Through the real login page: django-axes checks every password login against a request.
    response = client.post(
        "/inloggen/", {"username": "coordinator", "password": first["coordinator"]}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "coordinator"
    assert all(account.password is None for account in second)
    assert User.objects.count() == 17


def test_no_demo_accounts_without_debug(settings, seven_municipalities):
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        create_demo_accounts()
    call_command("create_demo_accounts")

    assert not User.objects.exists()
