from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("factuur")
    CREDIT_NOTE = "credit_note", _("creditnota")


class LineKind(models.TextChoices):
    """What an invoice line bills (billing rules 2, 11 and 12)."""

    TRAJECTORY = "trajectory", _("traject")
    SHORTFALL = "shortfall", _("minimale afname")
    SHARE = "share", _("aandeel projectkosten")
