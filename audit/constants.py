from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    """What someone did with personal data without changing it (the access log)."""

    VIEW = "view", _("bekeken")
    DOWNLOAD = "download", _("gedownload")
    EXPORT = "export", _("geëxporteerd")


# One list of what the log can say happened, for the filter and the tables: the three changes
# django-auditlog records and the kinds of access.
ENTRY_KINDS = [
    ("create", _("aangemaakt")),
    ("update", _("gewijzigd")),
    ("delete", _("verwijderd")),
    *AccessAction.choices,
]
