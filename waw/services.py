"""Writes for users and roles."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from waw.models import Municipality, User
from waw.roles import MUNICIPAL_ROLES, Role, sync_role_groups

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
    """Create a user with one role; a gemeente user or klantmanager must have a municipality,
    others none."""
    if role in MUNICIPAL_ROLES and municipality is None:
        raise ValueError("Een gemeentegebruiker hoort bij precies één gemeente.")
    if role not in MUNICIPAL_ROLES and municipality is not None:
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
    """One coordinator, per municipality a gemeente (finance) user and a klantmanager, one
    bestuurder and one beheerder.

    Only with DEBUG on: demo accounts never exist in production. Passwords are random and are
    returned only for accounts created now.
    """
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo-accounts worden alleen aangemaakt als DEBUG aan staat.")
    wanted = [("coordinator", Role.COORDINATOR, None, "Carla", "Coördinator")]
    wanted += [
        (f"gemeente-{m.slug}", Role.MUNICIPALITY, m, "Femke", f"Financiën {m.name}")
        for m in Municipality.objects.order_by("name")
    ]
    wanted += [
        (f"klantmanager-{m.slug}", Role.CASE_MANAGER, m, "Kim", f"Klantmanager {m.name}")
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


# What a municipality's invoice page and the bulk import may set (billing rule 13 needs them).
INVOICE_DATA_FIELDS = (
    "invoice_department",
    "invoice_street",
    "invoice_house_number",
    "invoice_po_box",
    "invoice_postcode",
    "invoice_city",
    "invoice_email",
    "oin",
    "kvk",
    "reference_required",
)


def normalise_invoice_data(data: dict) -> dict:
    """The same value, written the way the fields keep it: postcode "1234 AB", OIN and KvK
    without spaces or dots, text trimmed."""
    from waw import identifiers as ids

    clean = {}
    for key, value in data.items():
        if key == "reference_required":
            clean[key] = bool(value)
            continue
        value = str(value if value is not None else "").strip()
        if key == "invoice_postcode":
            value = ids.normalise_postcode(value)
        elif key in ("oin", "kvk", "invoice_po_box"):
            value = ids.normalise_digits(value)
        clean[key] = value
    return clean


def municipality_apply_invoice_data(*, municipality: Municipality, data: dict) -> Municipality:
    """Set the given invoice fields (normalised) and check them all; raises ValidationError
    with a Dutch message per field. Does not save."""
    unknown = set(data) - set(INVOICE_DATA_FIELDS)
    if unknown:
        raise ValueError(f"Geen factuurgegeven: {', '.join(sorted(unknown))}")
    for key, value in normalise_invoice_data(data).items():
        setattr(municipality, key, value)
    municipality.full_clean()
    return municipality


@transaction.atomic
def municipality_invoice_data_set(*, municipality: Municipality, data: dict) -> Municipality:
    """Record a municipality's invoice data: address, identifiers, department, e-mail."""
    municipality_apply_invoice_data(municipality=municipality, data=data)
    if municipality.invoice_postcode and municipality.invoice_city:
        municipality.invoice_address = ""  # the old free text has been replaced by the fields
    municipality.save()
    return municipality
