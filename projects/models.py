"""Programmes, projects, yearly agreements with their tariffs, decisions and budgets."""

import re
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
    BudgetLineNature,
    CohortStatus,
    CostSharing,
    FundingSource,
    MultiYearCostType,
    ProjectStatus,
    SuccessCriterion,
    VatTreatment,
)
from waw.money import MoneyField
from waw.periods import period_in_words

UNIQUE_NAME = {"unique": _("Deze naam is al in gebruik; kies een andere.")}
# The slug is the project's name in its web address; "slug" means nothing to a coordinator.
SLUG = _("korte naam voor het webadres")
UNIQUE_SLUG = {"unique": _("Deze korte naam voor het webadres is al in gebruik; kies een andere.")}


class Programme(models.Model):
    """A programme the projects run under (Werken aan Werk, later Werkcentrum, Banentuin)."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(SLUG, max_length=150, unique=True, error_messages=UNIQUE_SLUG)
    start_date = models.DateField(_("startdatum"), null=True, blank=True)
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    target_trajectories = models.PositiveIntegerField(
        _("doel voor de hele looptijd: trajecten"), null=True, blank=True
    )
    target_to_work = models.PositiveIntegerField(
        _("doel voor de hele looptijd: uitstroom naar werk"), null=True, blank=True
    )
    target_training_trajectories = models.PositiveIntegerField(
        _("doel voor de hele looptijd: scholingstrajecten"),
        null=True,
        blank=True,
        help_text=_("Trajecten in projecten die als scholingsproject zijn gemarkeerd."),
    )
    targets_source = models.CharField(_("bron van de doelen"), max_length=300, blank=True)

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


class ProgrammeBaseline(models.Model):
    """Results of a programme up to the end of a period from before its data was kept in this
    application ("stand tot en met …"), as a document reports them. The monitor adds each figure
    to what the application counts after that period."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="baselines"
    )
    until = models.CharField(
        _("stand tot en met"),
        max_length=7,
        help_text=_("Een kwartaal of halfjaar, bijvoorbeeld 2022-Q1 of 2024-H2."),
    )
    trajectories = models.PositiveIntegerField(_("trajecten"), null=True, blank=True)
    training_trajectories = models.PositiveIntegerField(
        _("waarvan scholingstrajecten"), null=True, blank=True
    )
    to_work = models.PositiveIntegerField(_("naar werk"), null=True, blank=True)
    # The source quotes the document, "ruim" and "meer dan" included: the figure is its number.
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("eerdere resultaten")
        verbose_name_plural = _("eerdere resultaten")
        ordering = ["programme", "until"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "until"],
                name="one_baseline_per_programme_period",
                violation_error_message=_("Dit programma heeft al een stand voor deze periode."),
            )
        ]

    def __str__(self):
        return f"{self.programme} t/m {period_in_words(self.until)}"

    def clean(self):
        from waw.periods import Period, PeriodError

        try:
            Period.parse(self.until)
        except PeriodError as error:
            raise ValidationError({"until": str(error)}) from None


class Category(models.Model):
    """A monitor category (Scholingsprojecten, Doorstroombanen, …)."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(SLUG, max_length=150, unique=True, error_messages=UNIQUE_SLUG)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


_DURATION = re.compile(r"(\d+)\s*(maand|maanden|jaar|jaren)\b", re.IGNORECASE)


def duration_in_months(text: str) -> int | None:
    """The months in a trajectduur as the reference data writes it ("6 maanden", "1 jaar",
    "variabel - max 6 maanden": the last figure given); None when it names none ("variabel")."""
    found = _DURATION.findall(text or "")
    if not found:
        return None
    number, unit = found[-1]
    return int(number) * (12 if unit.lower().startswith("ja") else 1)


NO_PARTICIPANTS = _(
    "%(project)s is een kostenpost zonder deelnemers; kies een project waaraan mensen deelnemen."
)


class Project(models.Model):
    """A development trajectory offered to residents, e.g. Wijkleerbedrijf."""

    name = models.CharField(_("naam"), max_length=150, unique=True, error_messages=UNIQUE_NAME)
    slug = models.SlugField(SLUG, max_length=150, unique=True, error_messages=UNIQUE_SLUG)
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
    duration = models.CharField(
        _("trajectduur in woorden"),
        max_length=100,
        blank=True,
        help_text=_("Zoals de documenten het noemen, bijvoorbeeld 6 maanden of een schooljaar."),
    )
    expected_months = models.PositiveSmallIntegerField(
        _("verwachte trajectduur in maanden"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Een traject dat langer loopt zonder einddatum komt op de werklijst; leeg bij een "
            "variabele duur."
        ),
    )
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
    is_training = models.BooleanField(
        _("scholingsproject"),
        default=False,
        help_text=_("Trajecten van dit project tellen als scholingstrajecten van het programma."),
    )
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
    # The programme the project falls under in this year: a project outlives programmes
    # (Wijkleerbedrijf under Werken aan Werk, later under the Regionaal Werkcentrum), so the
    # programme is recorded per year and history is never rewritten when a project moves.
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("Leeg: het programma van het project."),
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
    target_text = models.CharField(_("doelstelling in woorden"), max_length=300, blank=True)
    target_source = models.CharField(
        _("bron van het doel"),
        max_length=300,
        blank=True,
        help_text=_("Het document waaruit het doel komt, bijvoorbeeld een raadsvoorstel."),
    )
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
            "het aandeel van elke gemeente gefactureerd in de eerste factuurrun over een periode "
            "met 31 december erin (het vierde kwartaal, het tweede halfjaar of het jaar)."
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


class Meeting(models.Model):
    """One meeting of a governing body (the PFHO of 27 September 2024, …), whose decisions
    across projects are listed together, as the board's advice table (seed 000, Tabel 1)."""

    body = models.CharField(_("orgaan"), max_length=100)
    date = models.DateField(_("datum"))
    title = models.CharField(_("titel"), max_length=200, blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["-date", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date"],
                name="one_meeting_per_body_and_date",
                violation_error_message=_("Dit orgaan heeft op die datum al een vergadering."),
            )
        ]

    def __str__(self):
        return f"{self.body} {self.date:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("board:meeting", kwargs={"pk": self.pk})


class Decision(models.Model):
    """A decision or advice about a project by a governing body (PFHO, Regionaal Beraad, …),
    taken in the meeting of that body on that date."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="decisions"
    )
    date = models.DateField(_("datum"))
    body = models.CharField(_("orgaan"), max_length=100)
    # Set by the service from body and date, never chosen apart from them.
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("vergadering"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="decisions",
    )
    decision = models.TextField(_("besluit"))
    advice = models.TextField(_("advies"), blank=True)
    # The columns of the board's advice table, as the meeting saw them (seed 000, Tabel 1).
    project_type = models.CharField(_("type project"), max_length=200, blank=True)
    duration = models.CharField(
        _("trajectduur in woorden"),
        max_length=100,
        blank=True,
        help_text=_("Zoals de documenten het noemen, bijvoorbeeld 6 maanden of een schooljaar."),
    )
    results = models.TextField(_("resultaat"), blank=True)
    vote = models.CharField(_("stemmen gemeenten"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["-date", "id"]

    def __str__(self):
        return f"{self.project} {self.date}: {self.decision[:40]}"


class DocumentedRealisation(models.Model):
    """A project's realised year as a document reports it (seed 003, Tabel 1 for 2025), kept
    for years the app did not invoice; always shown as "volgens document", with its source,
    never mixed with figures computed from invoices."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="documented_realisations",
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    participants = models.PositiveIntegerField(_("deelnemers"), null=True, blank=True)
    trajectory_costs = MoneyField(_("trajectkosten"), null=True, blank=True)
    project_costs = MoneyField(_("projectkosten"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("realisatie volgens document")
        verbose_name_plural = _("realisaties volgens document")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="one_documented_realisation_per_project_year",
                violation_error_message=_(
                    "Dit project heeft al een realisatie volgens document voor dit jaar."
                ),
            )
        ]

    def __str__(self):
        return f"{self.project} {self.year} ({self.source})"


YEAR_OUTSIDE_TERM = _("%(year)s valt buiten de looptijd van %(programme)s (%(term)s).")
FTE_MAX = Decimal("99.99")
FTE_RANGE = _("De formatie ligt tussen 0 en 99,99 fte.")
PM_HAS_NO_AMOUNT = _(
    "Een p.m.-regel heeft geen begroot bedrag; laat het bedrag leeg of vink p.m. uit."
)
CARRY_OVER_IS_INCOME = _("Een overheveling is een inkomstenregel.")
CARRY_OVER_FROM_PREVIOUS_YEAR = _(
    "Een overheveling komt uit een begroting van het jaar ervoor (%(year)s)."
)
CARRY_OVER_KEEPS_YEAR = _(
    "Deze begroting heeft overhevelingen van of naar een ander jaar; verwijder die eerst of "
    "laat het jaar staan."
)
CARRY_OVER_REALISED_IS_DERIVED = _(
    "Het gerealiseerde bedrag van een overheveling is wat in de vorige begroting onbenut bleef; "
    "vul het niet zelf in."
)


def check_year_in_term(programme, year, field="year"):
    """Refuse a year outside the programme's start and end dates (an open end has no limit)."""
    if programme is None or year is None:
        return
    first = programme.start_date.year if programme.start_date else None
    last = programme.end_date.year if programme.end_date else None
    if (first is not None and year < first) or (last is not None and year > last):
        term = f"{first or '…'}–{last or '…'}"
        raise ValidationError(
            {field: YEAR_OUTSIDE_TERM % {"year": year, "programme": programme, "term": term}}
        )


class Budget(models.Model):
    """A budget (begroting) of a programme for one year; a programme may have several a year
    (Begroting RWC 2026, UWV begroting 2026, Doeluitkering 2026)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("titel"), max_length=200)
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("begroting")
        verbose_name_plural = _("begrotingen")
        ordering = ["-year", "programme", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "title"],
                name="budget_title_unique_per_programme_year",
                violation_error_message=_(
                    "Dit programma heeft in dit jaar al een begroting met deze titel."
                ),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        # A carry-over links a year to the next; moving either budget to another year would
        # break the link, so the year stays while the links exist.
        if self.pk is None or self.year is None:
            return
        breaks = (
            self.lines.exclude(carried_over_from__isnull=True)
            .exclude(carried_over_from__year=self.year - 1)
            .exists()
            or self.carried_over_to.exclude(budget__year=self.year + 1).exists()
        )
        if breaks:
            raise ValidationError({"year": CARRY_OVER_KEEPS_YEAR})


class BudgetLine(models.Model):
    """One income or expense line of a budget, planned and realised.

    A p.m. line (pro memorie) is listed with no amount: it counts as nothing and is open. A
    carry-over line (overheveling) takes its realised amount from what stayed unspent in the
    previous year's budget, so the two never disagree."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("begroting"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=BudgetLineKind.choices)
    nature = models.CharField(
        _("incidenteel of structureel"),
        max_length=10,
        choices=BudgetLineNature.choices,
        default=BudgetLineNature.INCIDENTAL,
    )
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
    is_pm = models.BooleanField(
        _("p.m."), default=False, help_text=_("Pro memorie: het bedrag is nog niet bekend.")
    )
    realised = MoneyField(_("gerealiseerd"), null=True, blank=True)
    formation_fte = models.DecimalField(
        _("formatie (fte)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), message=FTE_RANGE),
            MaxValueValidator(FTE_MAX, message=FTE_RANGE),
        ],
    )
    funding_source = models.CharField(
        _("financieringsbron"), max_length=20, choices=FundingSource.choices, blank=True
    )
    carried_over_from = models.ForeignKey(
        Budget,
        verbose_name=_("overheveling uit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_over_to",
        help_text=_("De begroting van vorig jaar waarvan het onbenutte bedrag hier binnenkomt."),
    )
    remark = models.CharField(_("opmerking"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("begrotingsregel")
        verbose_name_plural = _("begrotingsregels")
        ordering = ["budget", "kind", "order", "id"]
        indexes = [models.Index(fields=["budget", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_pm=False) | Q(planned__isnull=True),
                name="budget_line_pm_has_no_amount",
                violation_error_message=PM_HAS_NO_AMOUNT,
            ),
            models.CheckConstraint(
                condition=Q(formation_fte__isnull=True)
                | Q(formation_fte__gte=0, formation_fte__lte=FTE_MAX),
                name="budget_line_fte_in_range",
                violation_error_message=FTE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(planned__isnull=True) | Q(planned__gte=0),
                name="budget_line_planned_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(realised__isnull=True) | Q(realised__gte=0),
                name="budget_line_realised_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(carried_over_from__isnull=True)
                | Q(kind=BudgetLineKind.INCOME, realised__isnull=True),
                name="budget_line_carry_over_is_derived_income",
                violation_error_message=CARRY_OVER_REALISED_IS_DERIVED,
            ),
        ]

    def __str__(self):
        return f"{self.budget}: {self.category}"

    def clean(self):
        errors = {}
        if self.carried_over_from_id is not None:
            if self.kind != BudgetLineKind.INCOME:
                errors["kind"] = CARRY_OVER_IS_INCOME
            if self.realised is not None:
                errors["realised"] = CARRY_OVER_REALISED_IS_DERIVED
            budget = self.budget if self.budget_id else None
            if budget is not None and self.carried_over_from.year != budget.year - 1:
                errors["carried_over_from"] = CARRY_OVER_FROM_PREVIOUS_YEAR % {
                    "year": budget.year - 1
                }
        if self.is_pm and self.planned is not None:
            errors["planned"] = PM_HAS_NO_AMOUNT
        if errors:
            raise ValidationError(errors)


class BudgetSeries(models.Model):
    """A series of amounts per year, as a document gives it (the impulsbudget 2026–2034)."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        related_name="budget_series",
    )
    title = models.CharField(_("titel"), max_length=200)
    nature = models.CharField(
        _("incidenteel of structureel"),
        max_length=10,
        choices=BudgetLineNature.choices,
        default=BudgetLineNature.INCIDENTAL,
    )
    funding_source = models.CharField(
        _("financieringsbron"), max_length=20, choices=FundingSource.choices, blank=True
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meerjarenreeks")
        verbose_name_plural = _("meerjarenreeksen")
        ordering = ["programme", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="budget_series_title_unique_per_programme",
                violation_error_message=_("Dit programma heeft al een reeks met deze titel."),
            )
        ]

    def __str__(self):
        return self.title


class BudgetSeriesAmount(models.Model):
    """The amount of a series in one year; the year lies within the programme's term."""

    series = models.ForeignKey(
        BudgetSeries, verbose_name=_("reeks"), on_delete=models.CASCADE, related_name="amounts"
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = MoneyField(_("bedrag"))

    class Meta:
        verbose_name = _("bedrag van een reeks")
        verbose_name_plural = _("bedragen van een reeks")
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year"],
                name="one_series_amount_per_year",
                violation_error_message=_("Deze reeks heeft al een bedrag voor dit jaar."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="series_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.series} {self.year}"

    def clean(self):
        if self.series_id is not None:
            check_year_in_term(self.series.programme, self.year)


class MultiYearBudget(models.Model):
    """A multi-year cost table: activities × years, project and formation costs (seed 003,
    Voorstel 7), compared with what a series says is available per year."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        related_name="multi_year_budgets",
    )
    title = models.CharField(_("titel"), max_length=200)
    available = models.ForeignKey(
        BudgetSeries,
        verbose_name=_("beschikbaar per jaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meerjarenbegroting")
        verbose_name_plural = _("meerjarenbegrotingen")
        ordering = ["programme", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"],
                name="multi_year_budget_title_unique_per_programme",
                violation_error_message=_(
                    "Dit programma heeft al een meerjarenbegroting met deze titel."
                ),
            )
        ]

    def __str__(self):
        return self.title


class MultiYearActivity(models.Model):
    """One row of a multi-year cost table."""

    budget = models.ForeignKey(
        MultiYearBudget,
        verbose_name=_("meerjarenbegroting"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    name = models.CharField(_("activiteit"), max_length=200)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")
        ordering = ["budget", "order", "id"]

    def __str__(self):
        return self.name


class MultiYearAmount(models.Model):
    """The cost of an activity in one year and of one type (project or formation costs)."""

    activity = models.ForeignKey(
        MultiYearActivity,
        verbose_name=_("activiteit"),
        on_delete=models.CASCADE,
        related_name="amounts",
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    cost_type = models.CharField(
        _("soort kosten"), max_length=10, choices=MultiYearCostType.choices
    )
    amount = MoneyField(_("bedrag"))

    class Meta:
        verbose_name = _("bedrag van een activiteit")
        verbose_name_plural = _("bedragen van een activiteit")
        ordering = ["activity", "cost_type", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "year", "cost_type"],
                name="one_multi_year_amount_per_cell",
                violation_error_message=_("Deze activiteit heeft al een bedrag voor dit jaar."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="multi_year_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.year}"

    def clean(self):
        if self.activity_id is not None:
            check_year_in_term(self.activity.budget.programme, self.year)


class Indicator(models.Model):
    """A counted result of a project besides its trajectories (events, werkplekken, bedrijven
    gesproken, groepen gestart), with a target per year and a value per half-year."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("naam"), max_length=150)
    unit = models.CharField(
        _("eenheid"), max_length=50, help_text=_("Bijvoorbeeld events, werkplekken, groepen.")
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")
        ordering = ["project__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="one_indicator_name_per_project",
                violation_error_message=_("Dit project heeft al een teller met deze naam."),
            )
        ]

    def __str__(self):
        return f"{self.project}: {self.name}"


class IndicatorTarget(models.Model):
    """An indicator's target for one year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("teller"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target = models.PositiveIntegerField(_("doel"))
    source = models.CharField(_("bron"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("jaardoel van een teller")
        verbose_name_plural = _("jaardoelen van tellers")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="one_target_per_indicator_year",
                violation_error_message=_("Deze teller heeft al een doel voor dit jaar."),
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.target}"


class IndicatorValue(models.Model):
    """What an indicator counted in one half-year, entered by a coordinator."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("teller"), on_delete=models.CASCADE, related_name="values"
    )
    period = models.CharField(_("halfjaar"), max_length=7)
    value = models.PositiveIntegerField(_("aantal"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingevoerd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ingevoerd op"))

    class Meta:
        verbose_name = _("stand van een teller")
        verbose_name_plural = _("standen van tellers")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="one_value_per_indicator_period",
                violation_error_message=_("Deze teller heeft al een aantal voor dit halfjaar."),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator} {period_in_words(self.period)}: {self.value}"
