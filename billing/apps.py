from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Facturatie")

    def ready(self):
        from billing import checks  # noqa: F401 - registers the sender check
