"""The region's municipalities and the people who use the application."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from waw.identifiers import (
    OIN_PATTERN,  # noqa: F401 - re-exported: code that knew its old home keeps working
    validate_house_number,
    validate_kvk,
    validate_oin,
    validate_po_box,
    validate_postcode,
)
from waw.postal import PostalAddress
from waw.text import actor_label

ADDRESS_EITHER_OR = _("Vul straat en huisnummer óf een postbus in, niet allebei.")
STREET_NEEDS_NUMBER = _("Vul straat én huisnummer in (of laat beide leeg en vul een postbus in).")


class Municipality(models.Model):
    """A municipality (gemeente) of the labour-market region; pays for its own residents."""

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    is_central = models.BooleanField(
        _("centrumgemeente"),
        default=False,
        help_text=_("De centrumgemeente (Hilversum) betaalt mee aan de vaste projectkosten."),
    )
    invoice_address = models.TextField(
        _("oud factuuradres (vrije tekst)"),
        blank=True,
        help_text=_(
            "Alleen een adres dat bij de omzetting niet werd herkend; het staat niet op facturen. "
            "Vul het adres in de velden hieronder in."
        ),
    )

    oin = models.CharField(
        _("OIN"),
        max_length=20,
        blank=True,
        validators=[validate_oin],
        help_text=_(
            "Organisatie-identificatienummer (20 cijfers): het adres voor e-facturen via Peppol."
        ),
    )
    # The invoice address as separate fields: the e-invoice rules (BR-NL-4) want street,
    # postcode and city apart. Street and number, or a Postbus (which has its own postcode).
    invoice_department = models.CharField(
        _("afdeling of contactpersoon"),
        max_length=100,
        blank=True,
        help_text=_("Voor wie de factuur is, bijvoorbeeld Crediteurenadministratie."),
    )
    invoice_street = models.CharField(_("straat"), max_length=100, blank=True)
    invoice_house_number = models.CharField(
        _("huisnummer"),
        max_length=12,
        blank=True,
        validators=[validate_house_number],
        help_text=_("Met toevoeging, bijvoorbeeld 1 of 12a."),
    )
    invoice_po_box = models.CharField(
        _("postbus"),
        max_length=6,
        blank=True,
        validators=[validate_po_box],
        help_text=_("Alleen het nummer, bijvoorbeeld 9900; in plaats van straat en huisnummer."),
    )
    invoice_postcode = models.CharField(
        _("postcode"),
        max_length=7,
        blank=True,
        validators=[validate_postcode],
        help_text=_("In de vorm 1234 AB; bij een postbus de postcode van de postbus."),
    )
    invoice_city = models.CharField(_("plaats"), max_length=100, blank=True)
    invoice_email = models.EmailField(
        _("e-mailadres facturen"),
        blank=True,
        help_text=_("Waar facturen en vragen daarover heen gaan."),
    )
    kvk = models.CharField(
        _("KvK-nummer"),
        max_length=8,
        blank=True,
        validators=[validate_kvk],
        help_text=_("8 cijfers; nodig als er geen OIN is."),
    )
    reference_required = models.BooleanField(
        _("factuur alleen met kenmerk"),
        default=False,
        help_text=_(
            "De gemeente neemt alleen facturen aan met haar kenmerk (inkoopordernummer) van het "
            "jaar; een run wacht dan tot dat kenmerk is ingevuld."
        ),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        # One address: street and number, or a Postbus (with the Postbus's own postcode).
        errors = {}
        if self.invoice_po_box and (self.invoice_street or self.invoice_house_number):
            errors["invoice_po_box"] = ADDRESS_EITHER_OR
        elif bool(self.invoice_street) != bool(self.invoice_house_number):
            field = "invoice_house_number" if self.invoice_street else "invoice_street"
            errors[field] = STREET_NEEDS_NUMBER
        if errors:
            raise ValidationError(errors)

    @property
    def invoice_postal_address(self) -> PostalAddress:
        return PostalAddress(
            street=self.invoice_street,
            house_number=self.invoice_house_number,
            po_box=self.invoice_po_box,
            postcode=self.invoice_postcode,
            city=self.invoice_city,
        )


class User(AbstractUser):
    """A user; a gemeente user is tied to exactly one municipality and sees only its residents."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Alleen voor gemeentegebruikers: de gemeente waarvan zij de gegevens zien."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self):
        # As every page names a person (waw.text.actor_label): the audit trail's old → new
        # values of "uitgegeven door" show "Carla Coördinator", as the history does.
        return actor_label(self)


class Job(models.Model):
    """Long work started by a user and done by a task worker (waw/jobs.py): what it is, who
    started it, how far it got and how it ended. The task queue's own rows
    (django_tasks_db) are pruned; a job stays, so its result page does too."""

    class Kind(models.TextChoices):
        TRAJECTORY_IMPORT = "trajectory_import", _("Trajecten importeren")
        GROUP_IMPORT = "group_import", _("Groepen importeren")
        INVOICE_RUN = "invoice_run", _("Factuurrun uitgeven")
        EDITION_PDF = "edition_pdf", _("PDF van een editie maken")

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    # "The same run": while a job with this key is queued or running, another is refused (the
    # database says so, so two requests at the same moment cannot both start one).
    key = models.CharField(_("sleutel"), max_length=200)
    title = models.CharField(_("omschrijving"), max_length=200, blank=True)
    user = models.ForeignKey(
        "waw.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("gestart door"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    params = models.JSONField(_("invoer"), default=dict, blank=True)
    input_name = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    # The uploaded file, kept only until the task ends (JOB_INPUT_DIR).
    input_path = models.CharField(_("invoerbestand"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    # Written by the worker every second or so while it runs: a job whose worker stopped
    # writing (killed, machine gone) is marked failed by jobs.reap_stale.
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    worker_host = models.CharField(_("machine"), max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(_("proces"), null=True, blank=True)
    task_id = models.CharField(_("taak"), max_length=64, blank=True)
    done = models.PositiveIntegerField(_("gedaan"), default=0)
    total = models.PositiveIntegerField(_("totaal"), null=True, blank=True)
    outcome = models.JSONField(_("uitkomst"), null=True, blank=True)
    error = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="waw_job_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="waw_job_user_created")]

    def __str__(self):
        return self.title or self.get_kind_display()

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("job", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(self.done * 100 / self.total))
