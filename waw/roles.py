"""Roles: who may do what. One home for the role rules, used by views, selectors and tests.

Roles are Django groups. Superusers are the beheerders and pass every role check.
"""

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coördinator", _("Coördinator")
    # The municipality's finance staff: invoices, participation budget, monitor — no names.
    MUNICIPALITY = "gemeente", _("Gemeente (financiën)")
    # The municipality's klantmanager: refers and follows its own residents.
    CASE_MANAGER = "klantmanager", _("Klantmanager")
    BOARD = "bestuurder", _("Bestuurder")
    ADMINISTRATOR = "beheerder", _("Beheerder")


# Model permissions per role (app label → actions), so the admin and any permission check agree
# with the views. Gemeente users, klantmanagers and bestuurders only read; what they may read is
# narrowed further by the selectors (a municipal user sees only its own municipality's records).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COORDINATOR: {
        "projects": ("view", "add", "change", "delete"),
        "participants": ("view", "add", "change", "delete"),
        "billing": ("view", "add", "change", "delete"),
        "monitor": ("view", "add", "change", "delete"),
    },
    # Finance checks and pays the invoices; it needs no resident's name (least privilege). An
    # invoice line carries the municipality's own klantnummer (or initials and birth year), which
    # is what the document it receives says.
    Role.MUNICIPALITY: {"billing": ("view",), "projects": ("view",)},
    # A klantmanager refers its municipality's residents (participants.Referral) and follows
    # them; invoices and budgets are not its business (least privilege).
    Role.CASE_MANAGER: {"participants": ("view", "add_referral"), "projects": ("view",)},
    Role.BOARD: {"monitor": ("view",), "projects": ("view",)},
    Role.ADMINISTRATOR: {},
}


def roles_of(user) -> set[str]:
    """The roles a user has; a superuser has them all."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Role.values)
    cached = getattr(user, "_waw_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._waw_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


# The roles whose users belong to one municipality.
MUNICIPAL_ROLES = (Role.MUNICIPALITY, Role.CASE_MANAGER)

# The roles that see personal data at all: the Regio's coordinators (everyone) and the
# klantmanagers (their own municipality's residents; participants.selectors.participant_visibility
# holds what exactly). The one list the views, the navigation and the selectors read.
PERSONAL_DATA_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)


def sees_personal_data(user) -> bool:
    return has_role(user, *PERSONAL_DATA_ROLES)


def municipality_scope(user):
    """The municipality a user's view is limited to (invoices, ledger, personal data); None
    means no limit, ``False`` means nothing.

    A municipal user without a municipality is limited to nothing: a misconfigured account must
    see no one rather than everyone.
    """
    if has_role(user, Role.COORDINATOR):
        return None
    if has_role(user, *MUNICIPAL_ROLES):
        return user.municipality if user.municipality_id else False
    return False


def personal_data_scope(user):
    """Like ``municipality_scope``, for personal data: a user without a personal-data role (a
    gemeente's finance staff, a bestuurder) sees no one (``False``)."""
    if not sees_personal_data(user):
        return False
    return municipality_scope(user)


class RoleRequiredMixin(AccessMixin):
    """Login required; then one of ``allowed_roles`` required (403 otherwise)."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@transaction.atomic
def sync_role_groups() -> dict[str, Group]:
    """Create the role groups and give each exactly its model permissions (idempotent)."""
    groups = {}
    for role, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        # "view" means every view_<model> of the app; "add_referral" just that permission.
        codenames_by_app = {
            app: [action if "_" in action else f"{action}_" for action in actions]
            for app, actions in apps.items()
        }
        permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in=codenames_by_app
            ).select_related("content_type")
            if any(
                permission.codename.startswith(prefix)
                for prefix in codenames_by_app[permission.content_type.app_label]
            )
        ]
        group.permissions.set(permissions)
        groups[role] = group
    return groups
