"""Writes for users and roles."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from waw.models import Municipality, User
from waw.roles import Role, sync_role_groups

DEMO_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - characters, not a password


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str | None  # None when the account existed already (its password is not known)
    role: str
    municipality: str = ""


def _new_password() -> str:
    return "-".join(
        "".join(secrets.choice(DEMO_PASSWORD_ALPHABET) for _ in range(5)) for _ in range(3)
    )


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, municipality: Municipality | None = None, **extra
) -> User:
    """Create a user with one role; a gemeente user must have a municipality, others none."""
    if role == Role.MUNICIPALITY and municipality is None:
        raise ValueError("Een gemeentegebruiker hoort bij precies één gemeente.")
    if role != Role.MUNICIPALITY and municipality is not None:
        raise ValueError("Alleen een gemeentegebruiker hoort bij een gemeente.")
    groups = sync_role_groups()
    user = User(username=username, municipality=municipality, **extra)
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.is_superuser = True
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(groups[role])
    return user


def create_demo_accounts() -> list[DemoAccount]:
    """One coordinator, one gemeente user per municipality, one bestuurder and one beheerder.

    Only with DEBUG on: demo accounts never exist in production. Passwords are random and are
    returned only for accounts created now.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo-accounts worden alleen aangemaakt als DEBUG aan staat.")
    wanted = [("coordinator", Role.COORDINATOR, None, "Carla", "Coördinator")]
    wanted += [
        (f"gemeente-{m.slug}", Role.MUNICIPALITY, m, "Medewerker", m.name)
        for m in Municipality.objects.order_by("name")
    ]
    wanted += [
        ("bestuurder", Role.BOARD, None, "Bram", "Bestuurder"),
        ("beheerder", Role.ADMINISTRATOR, None, "Bea", "Beheerder"),
    ]
    accounts = []
    for username, role, municipality, first_name, last_name in wanted:
        label = municipality.name if municipality else ""
        if User.objects.filter(username=username).exists():
            accounts.append(DemoAccount(username, None, role, label))
            continue
        password = _new_password()
        user_create(
            username=username,
            password=password,
            role=role,
            municipality=municipality,
            first_name=first_name,
            last_name=last_name,
        )
        accounts.append(DemoAccount(username, password, role, label))
    return accounts
