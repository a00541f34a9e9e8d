from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from waw.roles import Role, has_role, roles_of

# (url name, label, roles that see it). Only pages that exist are listed.
NAVIGATION = [
    ("home", _("Start"), tuple(Role.values)),
    ("projects:list", _("Projecten"), (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)),
    ("participants:list", _("Deelnemers"), (Role.COORDINATOR, Role.MUNICIPALITY)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for url_name, label, roles in NAVIGATION:
        if has_role(user, *roles):
            section = url_name.split(":")[0]
            items.append(
                {
                    "url": reverse(url_name),
                    "label": label,
                    "active": current == url_name
                    or (":" in url_name and current.startswith(section + ":")),
                }
            )
    role_labels = [Role(role).label for role in Role.values if role in roles_of(user)]
    return {
        "navigation": items,
        "user_role_labels": role_labels,
        "show_admin_link": user.is_staff,
    }
