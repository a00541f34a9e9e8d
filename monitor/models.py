"""Monitor editions: a half-year's report, drafted by coordinators and frozen when published."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TrafficLight(models.TextChoices):
    GREEN = "groen", _("groen")
    ORANGE = "oranje", _("oranje")
    RED = "rood", _("rood")


class Edition(models.Model):
    """The monitor of one half-year. Publishing stores a snapshot of every figure; a published
    edition never changes, whatever happens to the trajectories afterwards."""

    period = models.CharField(_("periode"), max_length=7, unique=True)
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

    class Meta:
        verbose_name = _("monitoreditie")
        verbose_name_plural = _("monitoredities")
        ordering = ["-period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, snapshot__isnull=True)
                | Q(published_at__isnull=False, snapshot__isnull=False),
                name="published_edition_has_snapshot",
            )
        ]

    def __str__(self):
        return f"Monitor {self.period}"

    def get_absolute_url(self):
        return reverse("monitor:edition", kwargs={"period": self.period})

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
