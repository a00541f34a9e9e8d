"""Programmes, projects, yearly agreements with their tariffs, decisions and budgets."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.constants import (
    BudgetLineKind,
    CohortStatus,
    CostSharing,
    ProjectStatus,
    SuccessCriterion,
    VatTreatment,
)
from waw.money import MoneyField

UNIQUE_NAME = {"unique": _("Deze naam is al in gebruik; kies een andere.")}
UNIQUE_SLUG = {"unique": _("Deze slug is al in gebruik; kies een andere.")}


class Programme(models.Model):
    """A programme the projects run under (Werken aan Werk, later Werkcentrum, Banentuin)."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, error_messages=UNIQUE_SLUG)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    target_trajectories = models.PositiveIntegerField(
        _("doel: trajecten (hele looptijd)"), null=True, blank=True
    )
    target_to_work = models.PositiveIntegerField(
        _("doel: uitstroom naar werk (hele looptijd)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_end_after_start",
                violation_error_message=_("De einddatum ligt vóór de startdatum."),
            )
        ]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A monitor category (Scholingsprojecten, Doorstroombanen, …)."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, error_messages=UNIQUE_SLUG)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


NO_PARTICIPANTS = _(
    "%(project)s is een kostenpost zonder deelnemers; kies een project waaraan mensen deelnemen."
)


class Project(models.Model):
    """A development trajectory offered to residents, e.g. Wijkleerbedrijf."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, error_messages=UNIQUE_SLUG)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.PROTECT, related_name="projects"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("categorie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    project_type = models.CharField(_("type project"), max_length=200, blank=True)
    provider = models.CharField(_("uitvoerder"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    duration = models.CharField(_("trajectduur"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.RUNNING
    )
    success_criterion = models.CharField(
        _("succescriterium"),
        max_length=30,
        choices=SuccessCriterion.choices,
        default=SuccessCriterion.COMPLETED,
    )
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    aliases = models.JSONField(
        _("andere namen"),
        default=list,
        blank=True,
        help_text=_("Namen waaronder het project ook bekend is, bijvoorbeeld een oude naam."),
    )
    # A cost line such as the Divosa Benchmark is a project in the catalogue and the budget,
    # but nobody takes part in it: it is never offered for an enrolment, a group or an import.
    takes_participants = models.BooleanField(
        _("neemt deelnemers aan"),
        default=True,
        help_text=_(
            "Uitvinken voor een kostenpost zonder deelnemers, zoals de Divosa Benchmark: het "
            "project is dan niet te kiezen bij aanmelden, groepen en importeren."
        ),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("De einddatum ligt vóór de startdatum."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})


class Agreement(models.Model):
    """The yearly agreement for a project: costs, expected participants and target."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="agreements"
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    joint_project_costs = MoneyField(_("gezamenlijke projectkosten"), default=0)
    estimated_participants = models.PositiveIntegerField(
        _("verwacht aantal deelnemers"), null=True, blank=True
    )
    target_trajectories = models.PositiveIntegerField(
        _("doel: aantal trajecten"), null=True, blank=True
    )
    target_success_rate = models.DecimalField(
        _("doel: succespercentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    target_text = models.CharField(_("doelstelling"), max_length=300, blank=True)
    notes = models.TextField(_("opmerkingen"), blank=True)
    vat_treatment = models.CharField(
        _("btw op deelnemerskosten"),
        max_length=20,
        choices=VatTreatment.choices,
        default=VatTreatment.OUTSIDE_SCOPE,
    )
    cost_sharing = models.CharField(
        _("verdeling vaste projectkosten"),
        max_length=20,
        choices=CostSharing.choices,
        default=CostSharing.CENTRAL,
        help_text=_(
            "Centraal: niet gefactureerd (programmamiddelen of centrumgemeente). Anders wordt "
            "het aandeel van elke gemeente gefactureerd in de eerste run over 31 december."
        ),
    )

    class Meta:
        verbose_name = _("jaarafspraak")
        verbose_name_plural = _("jaarafspraken")
        ordering = ["project__name", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="one_agreement_per_project_year",
                violation_error_message=_("Dit project heeft al een jaarafspraak voor dit jaar."),
            ),
            models.CheckConstraint(
                condition=Q(joint_project_costs__gte=0),
                name="agreement_joint_costs_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.year}"


class AgreementCostShare(models.Model):
    """A municipality's percentage of an agreement's fixed project costs under the sharing
    rule "vaste verdeling" (billing rule 12); an agreement's percentages add up to 100."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("jaarafspraak"),
        on_delete=models.CASCADE,
        related_name="cost_shares",
    )
    municipality = models.ForeignKey(
        "waw.Municipality", verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+"
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("vaste verdeling")
        verbose_name_plural = _("vaste verdelingen")
        ordering = ["agreement", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "municipality"],
                name="one_cost_share_per_agreement_municipality",
            ),
            models.CheckConstraint(
                condition=Q(percentage__gte=0) & Q(percentage__lte=100),
                name="cost_share_percentage_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.agreement}: {self.municipality} {self.percentage}%"


class MunicipalityInhabitants(models.Model):
    """A municipality's number of inhabitants on 1 January of a year (CBS), the key of the
    sharing rule "naar inwoners" (billing rule 12)."""

    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="inhabitants",
    )
    year = models.PositiveSmallIntegerField(
        _("jaar (per 1 januari)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    inhabitants = models.PositiveIntegerField(_("inwoners"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("inwonertal")
        verbose_name_plural = _("inwonertallen")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="one_inhabitants_count_per_municipality_year",
                violation_error_message=_("Deze gemeente heeft al een inwonertal voor dit jaar."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} 1-1-{self.year}: {self.inhabitants}"


class TariffOption(models.Model):
    """A price per participant for a project year; a cohort picks one, otherwise the default."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("jaarafspraak"),
        on_delete=models.CASCADE,
        related_name="tariff_options",
    )
    label = models.CharField(_("omschrijving"), max_length=150, default=_("Standaard"))
    # The option's first price, in force from ``price_from``; later prices are TariffPrice rows.
    price_per_participant = MoneyField(_("prijs per deelnemer"))
    price_from = models.DateField(
        _("prijs geldig vanaf"),
        null=True,
        blank=True,
        help_text=_("Leeg: 1 januari van het jaar van de afspraak."),
    )
    # The latest start date billed or settled at the first price (billing rule 8): set by billing,
    # after which the first price is never changed.
    price_applied_until = models.DateField(
        _("prijs toegepast tot en met"), null=True, blank=True, editable=False
    )
    project_costs = MoneyField(
        _("projectkosten bij deze optie"),
        null=True,
        blank=True,
        help_text=_("Vaste projectkosten die bij deze tariefoptie horen, indien van toepassing."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimale groepsgrootte"), null=True, blank=True
    )
    is_default = models.BooleanField(_("standaardtarief"), default=False)

    class Meta:
        verbose_name = _("tariefoptie")
        verbose_name_plural = _("tariefopties")
        ordering = ["-is_default", "price_per_participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "label"],
                name="tariff_option_label_unique_per_agreement",
                violation_error_message=_(
                    "Deze jaarafspraak heeft al een tariefoptie met die naam."
                ),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(is_default=True),
                name="one_default_tariff_per_agreement",
                violation_error_message=_("Er is al een standaardtarief voor deze jaarafspraak."),
            ),
            models.CheckConstraint(
                condition=Q(price_per_participant__gte=0),
                name="tariff_price_not_negative",
                violation_error_message=_("Een prijs per deelnemer kan niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(project_costs__isnull=True) | Q(project_costs__gte=0),
                name="tariff_project_costs_not_negative",
                violation_error_message=_("Projectkosten kunnen niet negatief zijn."),
            ),
        ]

    def __str__(self):
        return f"{self.agreement}: {self.label}"

    @property
    def first_price_from(self):
        return self.price_from or date(self.agreement.year, 1, 1)

    def price_history(self) -> list["PriceStep"]:
        """Every price of the option in date order: the first price, then the later ones."""
        steps = [
            PriceStep(
                option_id=self.pk,
                valid_from=self.first_price_from,
                price=self.price_per_participant,
                applied_until=self.price_applied_until,
                record=None,
            )
        ]
        steps += [
            PriceStep(
                option_id=self.pk,
                valid_from=later.valid_from,
                price=later.price,
                applied_until=later.applied_until,
                record=later,
            )
            for later in sorted(self.later_prices.all(), key=lambda p: p.valid_from)
        ]
        return steps


@dataclass(frozen=True)
class PriceStep:
    """One step of an option's price history; ``record`` is the TariffPrice, None for the
    option's first price."""

    option_id: int
    valid_from: date
    price: Decimal
    applied_until: date | None
    record: "TariffPrice | None"

    @property
    def is_applied(self) -> bool:
        return self.applied_until is not None


class TariffPrice(models.Model):
    """A later price of a tariff option, in force from its date until the option's next price
    (billing rule 8). Once applied to a billed or settled trajectory it is never changed."""

    option = models.ForeignKey(
        TariffOption,
        verbose_name=_("tariefoptie"),
        on_delete=models.PROTECT,
        related_name="later_prices",
    )
    valid_from = models.DateField(_("geldig vanaf"))
    price = MoneyField(_("prijs per deelnemer"))
    applied_until = models.DateField(
        _("toegepast tot en met"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("prijs vanaf datum")
        verbose_name_plural = _("prijzen vanaf datum")
        ordering = ["option", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "valid_from"],
                name="one_price_per_option_and_date",
                violation_error_message=_("Deze tariefoptie heeft al een prijs vanaf die datum."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="later_price_not_negative",
                violation_error_message=_("Een prijs per deelnemer kan niet negatief zijn."),
            ),
        ]

    def __str__(self):
        return f"{self.option}: {self.price} vanaf {self.valid_from:%d-%m-%Y}"


class Cohort(models.Model):
    """A class or group of a project that starts together and has chosen one tariff option of
    that year's agreement (billing rule 10): planned, then started or cancelled."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("naam"), max_length=150)
    start_date = models.DateField(_("startdatum"))
    capacity = models.PositiveSmallIntegerField(
        _("capaciteit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Het grootste aantal deelnemers; leeg als er geen maximum is."),
    )
    tariff_option = models.ForeignKey(
        TariffOption,
        verbose_name=_("tariefoptie"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    decision_reason = models.TextField(
        _("reden"),
        blank=True,
        help_text=_("Waarom de groep onder het minimum startte, of waarom hij is geannuleerd."),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        ordering = ["project__name", "start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="cohort_name_unique_per_project",
                violation_error_message=_("Dit project heeft al een groep met deze naam."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=CohortStatus.values),
                name="cohort_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.project} – {self.name}"

    def get_absolute_url(self):
        return reverse("participants:group", kwargs={"pk": self.pk})

    @property
    def minimum(self) -> int | None:
        return self.tariff_option.min_group_size

    def clean(self):
        errors = {}
        if self.project_id and not self.project.takes_participants:
            errors["project"] = NO_PARTICIPANTS % {"project": self.project}
        option = self.tariff_option if self.tariff_option_id else None
        if option is not None and self.project_id:
            agreement = option.agreement
            if agreement.project_id != self.project_id:
                errors["tariff_option"] = _(
                    "Deze tariefoptie hoort bij een ander project; kies een optie van %(project)s."
                ) % {"project": self.project}
            elif self.start_date and agreement.year != self.start_date.year:
                errors["start_date"] = _(
                    "De startdatum ligt buiten het jaar van de afspraak (%(year)s) van deze "
                    "tariefoptie; kies een optie van de jaarafspraak %(start_year)s of een "
                    "startdatum in %(year)s."
                ) % {"year": agreement.year, "start_year": self.start_date.year}
        if errors:
            raise ValidationError(errors)


class Decision(models.Model):
    """A decision or advice about a project by a governing body (PFHO, Regionaal Beraad, …)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="decisions"
    )
    date = models.DateField(_("datum"))
    body = models.CharField(_("orgaan"), max_length=100)
    decision = models.TextField(_("besluit"))
    advice = models.TextField(_("advies"), blank=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["-date", "id"]

    def __str__(self):
        return f"{self.project} {self.date}: {self.decision[:40]}"


class Budget(models.Model):
    """The budget (begroting) of a programme for one year."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("titel"), max_length=200)

    class Meta:
        verbose_name = _("begroting")
        verbose_name_plural = _("begrotingen")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                name="one_budget_per_programme_year",
                violation_error_message=_("Dit programma heeft al een begroting voor dit jaar."),
            )
        ]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """One income or expense line of a budget, planned and realised."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("begroting"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=BudgetLineKind.choices)
    category = models.CharField(_("post"), max_length=200)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    planned = MoneyField(_("begroot"), null=True, blank=True)
    realised = MoneyField(_("gerealiseerd"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("begrotingsregel")
        verbose_name_plural = _("begrotingsregels")
        ordering = ["budget", "kind", "order", "id"]
        indexes = [models.Index(fields=["budget", "kind"])]

    def __str__(self):
        return f"{self.budget}: {self.category}"
