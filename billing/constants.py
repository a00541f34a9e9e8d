from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("factuur")
    CREDIT_NOTE = "credit_note", _("creditnota")
