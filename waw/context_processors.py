from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from waw.roles import PERSONAL_DATA_ROLES, Role, has_role, roles_of
from waw.twofactor import two_factor_applies

ALL_READERS = (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)
PERSONAL_DATA_READERS = PERSONAL_DATA_ROLES

# (url name, label, roles that see it, view-name prefixes of the pages in its section).
# Only pages that exist are listed.
NAVIGATION = [
    ("home", _("Start"), tuple(Role.values), ("home",)),
    (
        "projects:list",
        _("Projecten"),
        (*ALL_READERS, Role.CASE_MANAGER),
        (
            "projects:list",
            "projects:detail",
            "projects:create",
            "projects:update",
            "projects:agreement",
            "projects:decision",
            "projects:programme",
        ),
    ),
    ("projects:budget-index", _("Begrotingen"), ALL_READERS, ("projects:budget",)),
    ("monitor:editions", _("Monitor"), ALL_READERS, ("monitor:",)),
    ("board:index", _("Bestuur"), (Role.COORDINATOR, Role.BOARD), ("board:",)),
    (
        "participants:trajectories",
        _("Trajecten"),
        PERSONAL_DATA_READERS,
        (
            "participants:trajector",
            "participants:enrol",
            "participants:import",
            "participants:start",
            "participants:end",
            "participants:withdraw",
        ),
    ),
    (
        "participants:referrals",
        _("Aanmeldingen"),
        (Role.COORDINATOR, Role.CASE_MANAGER),
        ("participants:referral",),
    ),
    ("billing:list", _("Facturen"), (Role.COORDINATOR, Role.MUNICIPALITY), ("billing:",)),
    (
        "participants:list",
        _("Deelnemers"),
        PERSONAL_DATA_READERS,
        ("participants:list", "participants:detail", "participants:update"),
    ),
    (
        "municipalities",
        _("Gemeenten"),
        (Role.COORDINATOR, Role.ADMINISTRATOR),
        ("municipalities", "municipality-invoice-data"),
    ),
    ("audit:log", _("Logboek"), (Role.ADMINISTRATOR,), ("audit:",)),
    ("health", _("Systeemstatus"), (Role.ADMINISTRATOR,), ("health",)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "url": reverse(url_name),
            "label": label,
            "active": any(current.startswith(prefix) for prefix in prefixes),
        }
        for url_name, label, roles, prefixes in NAVIGATION
        if has_role(user, *roles)
    ]
    return {
        "navigation": items,
        "user_role_labels": [Role(role).label for role in Role.values if role in roles_of(user)],
        "show_admin_link": user.is_staff,
        "show_two_factor_link": two_factor_applies(user),
        # The user's background jobs (imports, invoice runs): /taken/.
        "show_jobs_link": has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR),
    }
