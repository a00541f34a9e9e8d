from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    RUNNING = "running", _("lopend")
    EXTENDED = "extended", _("verlengd")
    ENDED = "ended", _("beëindigd")


class SuccessCriterion(models.TextChoices):
    """What counts as a successful trajectory in the monitor (shared/domain.md)."""

    COMPLETED = "completed", _("succesvol afgerond")
    QUALIFICATION = "qualification", _("diploma of certificaat")
    QUALIFICATION_OR_WORK = "qualification_or_work", _("diploma en/of werk")
    WORK = "work", _("werk")


class VatTreatment(models.TextChoices):
    """How participant costs of a project year are treated for VAT on the invoice."""

    OUTSIDE_SCOPE = (
        "outside_scope",
        _("buiten de reikwijdte van de btw (kostendeling tussen overheden)"),
    )
    EXEMPT = "exempt", _("vrijgesteld van btw")
    STANDARD = "standard", _("btw 21%")
    REVERSE_CHARGE = "reverse_charge", _("btw verlegd")


VAT_RATES = {VatTreatment.STANDARD: 21}


class BudgetLineKind(models.TextChoices):
    INCOME = "income", _("inkomsten")
    EXPENSE = "expense", _("uitgaven")
