"""Invoices to municipalities for the participant costs of their residents.

An issued invoice never changes: its totals are copied onto it and its PDF is archived once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing.constants import DocumentKind, LineKind
from projects.constants import VatTreatment
from waw.money import MoneyField


class NumberSeries(models.Model):
    """The last number handed out in a year of issue. Locked (select_for_update) in the same
    transaction as the invoices it numbers, so numbers are unique and without gaps."""

    year = models.PositiveSmallIntegerField(_("jaar"), primary_key=True)
    last_number = models.PositiveIntegerField(_("laatste nummer"), default=0)

    class Meta:
        verbose_name = _("nummerreeks")
        verbose_name_plural = _("nummerreeksen")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class InvoiceRun(models.Model):
    """One issued run: the invoices of a period, one per municipality with something to bill."""

    period = models.CharField(_("periode"), max_length=10)
    issued_at = models.DateTimeField(_("uitgegeven op"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgegeven door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("factuurrun")
        verbose_name_plural = _("factuurruns")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.period} ({self.issued_at:%d-%m-%Y})"


class Invoice(models.Model):
    """An issued invoice or credit note to one municipality."""

    kind = models.CharField(
        _("soort"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.INVOICE
    )
    number = models.CharField(_("nummer"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("jaar van uitgifte"))
    sequence = models.PositiveIntegerField(_("volgnummer"))
    run = models.ForeignKey(
        InvoiceRun,
        verbose_name=_("factuurrun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    period = models.CharField(_("periode"), max_length=10)
    issue_date = models.DateField(_("factuurdatum"))
    due_date = models.DateField(_("vervaldatum"))
    vat_total = MoneyField(_("btw"), allow_negative=True, default=0)
    total = MoneyField(_("totaal"), allow_negative=True)
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("gecrediteerde factuur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    reason = models.TextField(_("reden"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="facturen/%Y/", max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256 van de PDF"), max_length=64)
    # Blank only for documents issued before e-invoices existed; every new one has both files.
    xml = models.FileField(
        _("e-factuur (UBL)"), upload_to="facturen/%Y/", max_length=200, blank=True
    )
    xml_sha256 = models.CharField(_("SHA-256 van de e-factuur"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="invoice_number_unique_per_year"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "period"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("billing:invoice", kwargs={"number": self.number})


class InvoiceLine(models.Model):
    """One line of an invoice: a trajectory at the price in force on its start date, a
    municipality's share of a group's minimum purchase (rule 11), or its share of an
    agreement's fixed project costs (rule 12)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("factuur"), on_delete=models.PROTECT, related_name="lines"
    )
    kind = models.CharField(
        _("soort regel"), max_length=20, choices=LineKind.choices, default=LineKind.TRAJECTORY
    )
    trajectory = models.ForeignKey(
        "participants.Trajectory",
        verbose_name=_("traject"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    cohort = models.ForeignKey(
        "projects.Cohort",
        verbose_name=_("groep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "projects.Agreement",
        verbose_name=_("jaarafspraak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)
    project_name = models.CharField(_("project"), max_length=150)
    participant_reference = models.CharField(_("deelnemer (kenmerk)"), max_length=100)
    start_date = models.DateField(_("startdatum"))
    amount = MoneyField(_("bedrag"), allow_negative=True)
    vat_treatment = models.CharField(
        _("btw-behandeling"), max_length=20, choices=VatTreatment.choices
    )
    vat_amount = MoneyField(_("btw"), allow_negative=True, default=0)
    credited_line = models.ForeignKey(
        "self",
        verbose_name=_("gecrediteerde regel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
    )

    class Meta:
        verbose_name = _("factuurregel")
        verbose_name_plural = _("factuurregels")
        ordering = ["project_name", "start_date", "id"]
        constraints = [
            # A line is credited at most once.
            models.UniqueConstraint(fields=["credited_line"], name="line_credited_once"),
            models.CheckConstraint(
                condition=(
                    Q(kind=LineKind.TRAJECTORY, trajectory__isnull=False)
                    | Q(kind=LineKind.SHORTFALL, trajectory__isnull=True, cohort__isnull=False)
                    | Q(kind=LineKind.SHARE, trajectory__isnull=True, agreement__isnull=False)
                ),
                name="line_kind_has_its_subject",
            ),
        ]

    def __str__(self):
        return f"{self.invoice}: {self.project_name} {self.participant_reference}"


class BilledTrajectory(models.Model):
    """The mark that a trajectory has been billed: one per trajectory, ever (the database
    refuses a second). A credit note that says "bill again" removes the mark."""

    trajectory = models.OneToOneField(
        "participants.Trajectory",
        verbose_name=_("traject"),
        on_delete=models.PROTECT,
        related_name="billing_mark",
    )
    line = models.OneToOneField(
        InvoiceLine, verbose_name=_("factuurregel"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("gefactureerd traject")
        verbose_name_plural = _("gefactureerde trajecten")

    def __str__(self):
        return f"{self.trajectory_id} → {self.line.invoice}"


class ParticipationBudget(models.Model):
    """What a municipality sets aside in a year, from its participatiebudget, for these
    projects; the ledger weighs invoices and commitments against it."""

    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="participation_budgets",
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = MoneyField(_("budget"), null=True, blank=True)
    reference = models.CharField(
        _("kenmerk gemeente"),
        max_length=100,
        blank=True,
        help_text=_("Inkoopordernummer of kenmerk dat de gemeente op haar facturen wil zien."),
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("participatiebudget")
        verbose_name_plural = _("participatiebudgetten")
        ordering = ["year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="one_participation_budget_per_municipality_year",
                violation_error_message=_("Deze gemeente heeft al een budget voor dit jaar."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} {self.year}"


class SettledTrajectory(models.Model):
    """Billing rule 9: a billable trajectory whose price in force on its start date was € 0,
    settled by the first run that reached it — no invoice line, and never billed afterwards,
    whatever happens to prices (one per trajectory, ever: the database refuses a second)."""

    trajectory = models.OneToOneField(
        "participants.Trajectory",
        verbose_name=_("traject"),
        on_delete=models.PROTECT,
        related_name="settlement",
    )
    run = models.ForeignKey(
        InvoiceRun,
        verbose_name=_("factuurrun"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    price_from = models.DateField(_("prijs € 0 geldig vanaf"))

    class Meta:
        verbose_name = _("verrekend traject (€ 0)")
        verbose_name_plural = _("verrekende trajecten (€ 0)")
        ordering = ["run", "trajectory"]

    def __str__(self):
        return f"{self.trajectory_id} verrekend in {self.run}"


class BilledShortfall(models.Model):
    """Billing rule 11: a group's minimum purchase has been billed — once, ever (the database
    refuses a second), in the run that first billed the group's participants."""

    cohort = models.OneToOneField(
        "projects.Cohort",
        verbose_name=_("groep"),
        on_delete=models.PROTECT,
        related_name="shortfall_mark",
    )
    run = models.ForeignKey(
        InvoiceRun, verbose_name=_("factuurrun"), on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("minimale afname"))

    class Meta:
        verbose_name = _("gefactureerde minimale afname")
        verbose_name_plural = _("gefactureerde minimale afnames")

    def __str__(self):
        return f"{self.cohort} → {self.run}"


class BilledShare(models.Model):
    """Billing rule 12: an agreement's fixed project costs have been shared out — once, ever
    (the database refuses a second)."""

    agreement = models.OneToOneField(
        "projects.Agreement",
        verbose_name=_("jaarafspraak"),
        on_delete=models.PROTECT,
        related_name="share_mark",
    )
    run = models.ForeignKey(
        InvoiceRun, verbose_name=_("factuurrun"), on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("gedeelde projectkosten"))

    class Meta:
        verbose_name = _("gefactureerde projectkosten")
        verbose_name_plural = _("gefactureerde projectkosten")

    def __str__(self):
        return f"{self.agreement} → {self.run}"


class ArchiveCheck(models.Model):
    """One run of ``manage.py verify_archive``: what it checked and what it found. The health
    page shows the latest; the file names of the findings are printed by the command, not kept."""

    started_at = models.DateTimeField(_("gestart op"))
    finished_at = models.DateTimeField(_("klaar op"))
    documents = models.PositiveIntegerField(_("documenten"))
    files = models.PositiveIntegerField(_("bestanden"))
    missing = models.PositiveIntegerField(_("ontbrekend"))
    changed = models.PositiveIntegerField(_("gewijzigd"))
    orphans = models.PositiveIntegerField(_("zonder document"))

    class Meta:
        verbose_name = _("archiefcontrole")
        verbose_name_plural = _("archiefcontroles")
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{self.finished_at:%d-%m-%Y %H:%M}"

    @property
    def findings(self) -> int:
        return self.missing + self.changed + self.orphans

    @property
    def ok(self) -> bool:
        return self.findings == 0
