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
    """Baten or lasten; the documents of 2024 and 2025 say inkomsten and uitgaven."""

    INCOME = "income", _("inkomsten")
    EXPENSE = "expense", _("uitgaven")


class BudgetLineNature(models.TextChoices):
    """Whether money comes or goes once or every year (the two column pairs of a begroting)."""

    INCIDENTAL = "incidental", _("incidenteel")
    STRUCTURAL = "structural", _("structureel")


class FundingSource(models.TextChoices):
    """Where a line's money comes from, where the documents name it."""

    IMPULSE = "impulse", _("impulsbudget")
    TARGETED_GRANT = "targeted_grant", _("doeluitkering")
    UWV = "uwv", _("UWV")
    CARRY_OVER = "carry_over", _("overheveling")
    OWN_FUNDS = "own_funds", _("eigen middelen")


class MultiYearCostType(models.TextChoices):
    """The two column groups of a multi-year cost table (seed 003, Voorstel 7)."""

    PROJECT = "project", _("projectkosten")
    FORMATION = "formation", _("kosten formatie")


class CohortStatus(models.TextChoices):
    """A group's status (billing rule 10): gepland → gestart or geannuleerd, nothing else."""

    PLANNED = "planned", _("gepland")
    STARTED = "started", _("gestart")
    CANCELLED = "cancelled", _("geannuleerd")


# Allowed status transitions of a group, as data: a started or cancelled group stays so.
COHORT_TRANSITIONS = {
    CohortStatus.PLANNED: {CohortStatus.STARTED, CohortStatus.CANCELLED},
    CohortStatus.STARTED: set(),
    CohortStatus.CANCELLED: set(),
}


class CostSharing(models.TextChoices):
    """How an agreement's fixed project costs are shared (billing rule 12)."""

    CENTRAL = "central", _("centraal")
    BY_PARTICIPANTS = "by_participants", _("naar deelnemers")
    BY_INHABITANTS = "by_inhabitants", _("naar inwoners")
    FIXED = "fixed", _("vaste verdeling")
