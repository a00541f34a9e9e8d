"""Participants (residents on a trajectory) and their trajectories. Personal data: scope it."""

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants import dates
from participants.constants import BenefitType, Outcome, ReferralStatus, TrajectoryStatus
from waw.text import normalise

# The code of the errors that mean "this person (or this trajectory) exists already": the
# enrolment then offers the existing record instead of showing an error.
DUPLICATE = "duplicate"
WITHDRAWAL_REASON_MAX_LENGTH = 1000


def identity_key(*, first_name: str, last_name: str, date_of_birth) -> str:
    """The duplicate rule as one value: first and last name ignoring case, accents and
    punctuation, and the birth date. A digest, so the key adds no readable copy of the name."""
    text = "\x1f".join([normalise(first_name), normalise(last_name), date_of_birth.isoformat()])
    return hashlib.sha256(text.encode()).hexdigest()


class Participant(models.Model):
    """A resident taking part in one or more projects. No BSN: the app does not need it."""

    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    date_of_birth = models.DateField(_("geboortedatum"), validators=[dates.validate_birth_date])
    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("woongemeente"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    client_number = models.CharField(_("klantnummer"), max_length=50, blank=True)
    benefit_type = models.CharField(
        _("uitkering"), max_length=20, choices=BenefitType.choices, default=BenefitType.OTHER
    )
    is_refugee = models.BooleanField(_("statushouder"), default=False)
    is_psychologically_vulnerable = models.BooleanField(
        _("psychische kwetsbaarheid"), default=False
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    # Kept in step with the name and birth date by save(), so that the database refuses a
    # second record of the same person even when two sessions enrol them at the same moment.
    # Empty (NULL) only for rows written in bulk (synthetic data) and for duplicates that
    # existed before the constraint (migration 0004).
    identity_key = models.CharField(  # noqa: DJ001 - NULLs never collide in the unique index
        _("identiteitssleutel"), max_length=64, null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(
        _("geanonimiseerd op"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Na de bewaartermijn: naam, geboortedag en klantnummer zijn gewist."),
    )

    class Meta:
        verbose_name = _("deelnemer")
        verbose_name_plural = _("deelnemers")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["municipality", "last_name", "first_name"]),
            # The list's order, so a page of a large table is read from the index, not sorted.
            models.Index(fields=["last_name", "first_name", "id"], name="participant_by_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "client_number"],
                condition=~Q(client_number=""),
                name="client_number_unique_per_municipality",
                violation_error_message=_(
                    "Deze gemeente heeft al een deelnemer met dit klantnummer."
                ),
                violation_error_code=DUPLICATE,
            ),
            models.UniqueConstraint(
                fields=["identity_key"],
                name="participant_identity_unique",
                violation_error_message=_("Er is al een deelnemer met deze naam en geboortedatum."),
                violation_error_code=DUPLICATE,
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        # A derived column, not a rule: it must never disagree with the fields it digests,
        # whichever path saves the record (service, admin, import, factories).
        self.refresh_identity_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "identity_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("participants:detail", kwargs={"pk": self.pk})

    def refresh_identity_key(self) -> None:
        if self.date_of_birth:
            self.identity_key = identity_key(
                first_name=self.first_name,
                last_name=self.last_name,
                date_of_birth=self.date_of_birth,
            )

    def validate_identity(self) -> None:
        """The identity constraint as a validation error, for forms that do not hold the key
        (the admin's): refuses a second record of a person who exists."""
        self.refresh_identity_key()
        self.validate_constraints(exclude={f.name for f in self._meta.fields} - {"identity_key"})

    def age_on(self, day: date) -> int | None:
        born = self.date_of_birth
        if born is None:  # hidden from the reader (participants.selectors)
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age_today(self) -> int | None:
        return self.age_on(date.today())

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}. {self.last_name}"


def check_group_rule(*, cohort, start_date, taken: int | None) -> None:
    """Billing rule 10 for a trajectory in ``cohort``: a cancelled group takes no trajectories
    and none of its trajectories starts; a group with a capacity takes no more than that
    (``taken``: its other trajectories that are not withdrawn)."""
    from projects.constants import CohortStatus

    if cohort.status == CohortStatus.CANCELLED:
        if start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Groep %(group)s is geannuleerd; een traject in deze groep kan niet "
                        "starten."
                    )
                    % {"group": cohort.name}
                }
            )
        raise ValidationError(
            {
                "cohort": _("Groep %(group)s is geannuleerd; kies een andere groep.")
                % {"group": cohort.name}
            }
        )
    if cohort.capacity and taken >= cohort.capacity:
        raise ValidationError(
            {
                "cohort": _("Groep %(group)s is vol (capaciteit %(n)s).")
                % {"group": cohort.name, "n": cohort.capacity}
            }
        )


class Trajectory(models.Model):
    """One participant in one project: enrolment → start → end with an outcome."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("deelnemer"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    cohort = models.ForeignKey(
        "projects.Cohort",
        verbose_name=_("groep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    municipality_at_start = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("gemeente bij start"),
        on_delete=models.PROTECT,
        related_name="trajectories",
        help_text=_("De woongemeente bij de start; deze gemeente betaalt het traject."),
    )
    enrolment_date = models.DateField(
        _("aanmelddatum"), validators=[dates.validate_trajectory_date]
    )
    start_date = models.DateField(
        _("startdatum"), null=True, blank=True, validators=[dates.validate_trajectory_date]
    )
    end_date = models.DateField(
        _("einddatum"), null=True, blank=True, validators=[dates.validate_end_date]
    )
    outcome = models.CharField(_("uitkomst"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("opmerkingen"), blank=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawal_reason = models.TextField(
        _("reden van intrekking"),
        blank=True,
        max_length=WITHDRAWAL_REASON_MAX_LENGTH,
        validators=[MaxLengthValidator(WITHDRAWAL_REASON_MAX_LENGTH)],
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        ordering = ["-enrolment_date", "id"]
        indexes = [
            models.Index(fields=["municipality_at_start", "start_date"]),
            models.Index(fields=["project", "start_date"]),
            models.Index(fields=["end_date"]),
            # Measured with bench/ at a million rows: the list's default order, the billing
            # run's "started on or before", and the running trajectories of a project (the
            # list's "in traject" filter) each read from an index instead of the whole table.
            models.Index(fields=["-enrolment_date", "id"], name="trajectory_newest_first"),
            models.Index(fields=["start_date"], name="trajectory_start"),
            models.Index(
                fields=["project", "start_date"],
                condition=Q(end_date__isnull=True, withdrawn_at__isnull=True),
                name="trajectory_running_by_project",
            ),
            # The monitor's cache digest reads the latest change.
            models.Index(fields=["updated_at"], name="trajectory_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(start_date__gte=models.F("enrolment_date")),
                name="trajectory_start_not_before_enrolment",
                violation_error_message=dates.START_BEFORE_ENROLMENT,
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | (Q(start_date__isnull=False) & Q(end_date__gte=models.F("start_date"))),
                name="trajectory_end_after_start",
                violation_error_message=dates.END_BEFORE_START,
            ),
            # A second enrolment in a project while the first still runs is a mistake (both
            # would be billed once started): end or withdraw the first one.
            models.UniqueConstraint(
                fields=["participant", "project"],
                condition=Q(end_date__isnull=True, withdrawn_at__isnull=True),
                name="one_open_trajectory_per_participant_and_project",
                violation_error_message=_(
                    "Deze deelnemer heeft al een lopend traject in dit project."
                ),
                violation_error_code=DUPLICATE,
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(outcome=""))
                | (Q(end_date__isnull=False) & ~Q(outcome="")),
                name="trajectory_outcome_iff_ended",
                violation_error_message=_(
                    "Een beëindigd traject heeft een uitkomst, en alleen een beëindigd traject."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.project}"

    def get_absolute_url(self):
        return reverse("participants:trajectory", kwargs={"pk": self.pk})

    def clean(self):
        from projects.models import NO_PARTICIPANTS

        if self.project_id and not self.project.takes_participants:
            raise ValidationError({"project": NO_PARTICIPANTS % {"project": self.project}})
        if self.cohort_id and self.project_id and self.cohort.project_id != self.project_id:
            raise ValidationError({"cohort": _("Deze groep hoort bij een ander project.")})
        if self.cohort_id and not self.withdrawn_at:
            self._check_group()

    def _check_group(self):
        """Billing rule 10: a cancelled group takes no trajectories and none of its trajectories
        starts; a group with a capacity takes no more than that."""
        from projects.models import Cohort

        # Read from the database: the decision may have been taken since this row was loaded.
        cohort = Cohort.objects.get(pk=self.cohort_id)
        taken = None
        if cohort.capacity:
            taken = cohort.trajectories.filter(withdrawn_at__isnull=True).exclude(pk=self.pk)
            taken = taken.count()
        check_group_rule(cohort=cohort, start_date=self.start_date, taken=taken)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def status(self) -> str:
        if self.withdrawn_at:
            return TrajectoryStatus.WITHDRAWN
        if self.end_date:
            if self.outcome == Outcome.DROPPED_OUT:
                return TrajectoryStatus.DROPPED_OUT
            return TrajectoryStatus.COMPLETED
        if self.start_date:
            return TrajectoryStatus.ACTIVE
        return TrajectoryStatus.ENROLLED

    def get_status_display(self):
        return TrajectoryStatus(self.status).label


class TrajectoryChange(models.Model):
    """One recorded change to a trajectory: who changed which field when, old → new."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("traject"), on_delete=models.CASCADE, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    field = models.CharField(_("gegeven"), max_length=50)
    old_value = models.CharField(_("oud"), max_length=300, blank=True)
    new_value = models.CharField(_("nieuw"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("trajectwijziging")
        verbose_name_plural = _("trajectwijzigingen")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["trajectory", "changed_at"])]

    def __str__(self):
        return f"{self.trajectory_id} {self.field}: {self.old_value} → {self.new_value}"


REFERRAL_MOTIVATION_MAX_LENGTH = 1000


class Referral(models.Model):
    """A municipality's referral (aanmelding) of one of its residents to a project, optionally
    to a planned group: the minimum to find or create the participant, and why. The
    coordinator places it (then ``trajectory`` is the trajectory it became) or declines it."""

    municipality = models.ForeignKey(
        "waw.Municipality",
        verbose_name=_("woongemeente"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    cohort = models.ForeignKey(
        "projects.Cohort",
        verbose_name=_("groep"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    date_of_birth = models.DateField(_("geboortedatum"), validators=[dates.validate_birth_date])
    client_number = models.CharField(_("klantnummer"), max_length=50, blank=True)
    motivation = models.TextField(
        _("motivatie"),
        max_length=REFERRAL_MOTIVATION_MAX_LENGTH,
        validators=[MaxLengthValidator(REFERRAL_MOTIVATION_MAX_LENGTH)],
        help_text=_("Kort: waarom dit project bij deze inwoner past."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SUBMITTED,
    )
    decline_reason = models.TextField(
        _("reden van afwijzing"),
        blank=True,
        max_length=REFERRAL_MOTIVATION_MAX_LENGTH,
        validators=[MaxLengthValidator(REFERRAL_MOTIVATION_MAX_LENGTH)],
    )
    # Unique: one referral becomes at most one trajectory, and a trajectory comes from at most
    # one referral.
    trajectory = models.OneToOneField(
        Trajectory,
        verbose_name=_("traject"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemeld door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afgehandeld door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    # Set when the retention rule erased the personal data (participants.services).
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_known"
            ),
            # The database side of "placing twice is refused": a placed referral has its
            # trajectory, and only a placed one.
            models.CheckConstraint(
                condition=(Q(status=ReferralStatus.PLACED) & Q(trajectory__isnull=False))
                | (~Q(status=ReferralStatus.PLACED) & Q(trajectory__isnull=True)),
                name="referral_placed_iff_trajectory",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} → {self.project}"

    def get_absolute_url(self):
        return reverse("participants:referral", kwargs={"pk": self.pk})

    def clean(self):
        # The same rule as a trajectory's: nobody is referred to a cost line.
        from projects.models import NO_PARTICIPANTS

        if self.project_id and not self.project.takes_participants:
            raise ValidationError({"project": NO_PARTICIPANTS % {"project": self.project}})

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.SUBMITTED
