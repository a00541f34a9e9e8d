from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WawConfig(AppConfig):
    name = "waw"
    verbose_name = _("Regio en gebruikers")
