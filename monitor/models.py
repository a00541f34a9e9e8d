"""Monitor editions: a half-year's report, drafted by coordinators and frozen when published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from waw.periods import period_in_words


class TrafficLight(models.TextChoices):
    GREEN = "groen", _("groen")
    ORANGE = "oranje", _("oranje")
    RED = "rood", _("rood")


class EditionKind(models.TextChoices):
    HALF_YEAR = "halfjaar", _("halfjaarmonitor")
    # Seed 000: "begin 2025 een laatste monitor ... waarin de totale opbrengst van het programma
    # wordt getoond": the whole term of one programme, in the same layout.
    FINAL = "eindmonitor", _("eindmonitor")


FINAL_KEY_PREFIX = "eind-"


class Edition(models.Model):
    """The monitor of one half-year, or the final monitor over a programme's whole term.
    Publishing stores a snapshot of every figure; a published edition never changes, whatever
    happens to the trajectories afterwards."""

    kind = models.CharField(
        _("soort"), max_length=12, choices=EditionKind.choices, default=EditionKind.HALF_YEAR
    )
    # The half-year the figures run up to: the edition's own half-year, or for a final monitor
    # the last half-year of the programme's term.
    period = models.CharField(_("periode"), max_length=7)
    programme = models.ForeignKey(
        "projects.Programme",
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Alleen bij een eindmonitor: het programma waarvan de looptijd telt."),
    )
    headline = models.TextField(
        _("kopzin"),
        blank=True,
        help_text=_("Leeg: de zin die uit de cijfers volgt."),
    )
    introduction = models.TextField(_("inleiding"), blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepubliceerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("cijfers bij publicatie"), null=True, blank=True, editable=False)
    # The published edition's PDF, rendered once and archived like an invoice: every download
    # serves these bytes, and `verify_archive` checks them against the hash.
    pdf = models.CharField(_("PDF"), max_length=200, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("monitoreditie")
        verbose_name_plural = _("monitoredities")
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(kind="halfjaar"),
                name="one_half_year_edition_per_period",
                violation_error_message=_("Er is al een editie voor dit halfjaar."),
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(kind="eindmonitor"),
                name="one_final_edition_per_programme",
                violation_error_message=_("Dit programma heeft al een eindmonitor."),
            ),
            models.CheckConstraint(
                condition=Q(kind="halfjaar", programme__isnull=True)
                | Q(kind="eindmonitor", programme__isnull=False),
                name="final_edition_has_a_programme",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, snapshot__isnull=True)
                | Q(published_at__isnull=False, snapshot__isnull=False),
                name="published_edition_has_snapshot",
            ),
        ]

    def __str__(self):
        return str(self.title)

    def get_absolute_url(self):
        return reverse("monitor:edition", kwargs={"period": self.key})

    @property
    def is_final(self) -> bool:
        return self.kind == EditionKind.FINAL

    @property
    def title(self) -> str:
        """How a person reads the edition: "Monitor tweede halfjaar 2025", "Eindmonitor Werken
        aan Werk" (never the period's code)."""
        if self.is_final:
            return _("Eindmonitor %(programme)s") % {"programme": self.programme.name}
        return _("Monitor %(period)s") % {"period": period_in_words(self.period)}

    @property
    def key(self) -> str:
        """The edition in URLs: the half-year's code, or eind-<programme> for a final monitor."""
        if self.is_final:
            return f"{FINAL_KEY_PREFIX}{self.programme.slug}"
        return self.period

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class EditionText(models.Model):
    """A coordinator's text about one project or one category in an edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="texts")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        "projects.Category",
        verbose_name=_("categorie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    text = models.TextField(_("tekst"))

    class Meta:
        verbose_name = _("tekst")
        verbose_name_plural = _("teksten")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=True, category__isnull=False)
                | Q(project__isnull=False, category__isnull=True),
                name="text_about_a_project_or_a_category",
            ),
            models.UniqueConstraint(
                fields=["edition", "project"],
                condition=Q(project__isnull=False),
                name="one_text_per_project_per_edition",
            ),
            models.UniqueConstraint(
                fields=["edition", "category"],
                condition=Q(category__isnull=False),
                name="one_text_per_category_per_edition",
            ),
        ]

    def __str__(self):
        return f"{self.edition}: {self.project or self.category}"


class TrafficLightOverride(models.Model):
    """A coordinator's colour for a project in an edition, replacing the computed one; the
    written reason is shown beside it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="overrides")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT
    )
    colour = models.CharField(_("kleur"), max_length=10, choices=TrafficLight.choices)
    reason = models.TextField(_("reden"))

    class Meta:
        verbose_name = _("stoplicht (handmatig)")
        verbose_name_plural = _("stoplichten (handmatig)")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "project"], name="one_override_per_project_per_edition"
            )
        ]

    def __str__(self):
        return f"{self.edition}: {self.project} {self.colour}"


class Story(models.Model):
    """A participant's story: first name or pseudonym only, published only with consent."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stories")
    name = models.CharField(
        _("voornaam of schuilnaam"), max_length=50, help_text=_("Nooit een achternaam.")
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.PROTECT
    )
    text = models.TextField(_("verhaal"))
    consent_given = models.BooleanField(
        _("toestemming gegeven"),
        default=False,
        help_text=_("De deelnemer heeft toestemming gegeven voor publicatie van dit verhaal."),
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verhaal")
        verbose_name_plural = _("verhalen")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.project})"
