from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitType(models.TextChoices):
    PARTICIPATION_ACT = "participatiewet", _("Participatiewet")
    UNEMPLOYMENT = "ww", _("WW")
    NO_BENEFIT = "nug", _("NUG (geen uitkering)")
    OTHER = "anders", _("anders / onbekend")


class Outcome(models.TextChoices):
    """How an ended trajectory ended; one code per trajectory (shared/domain.md)."""

    COMPLETED = "afgerond", _("afgerond")
    DIPLOMA = "diploma", _("diploma")
    CERTIFICATE = "certificaat", _("certificaat")
    WORK = "werk", _("werk")
    DIPLOMA_AND_WORK = "diploma+werk", _("diploma en werk")
    CERTIFICATE_AND_WORK = "certificaat+werk", _("certificaat en werk")
    WORK_STUDY_JOB = "leerwerkbaan", _("leerwerkbaan")
    DROPPED_OUT = "gestopt", _("voortijdig gestopt")


OUTCOMES_WITH_WORK = frozenset(
    {Outcome.WORK, Outcome.DIPLOMA_AND_WORK, Outcome.CERTIFICATE_AND_WORK}
)
OUTCOMES_WITH_QUALIFICATION = frozenset(
    {
        Outcome.DIPLOMA,
        Outcome.CERTIFICATE,
        Outcome.DIPLOMA_AND_WORK,
        Outcome.CERTIFICATE_AND_WORK,
    }
)


class TrajectoryStatus(models.TextChoices):
    ENROLLED = "aangemeld", _("aangemeld")
    ACTIVE = "in_traject", _("in traject")
    COMPLETED = "afgerond", _("afgerond")
    DROPPED_OUT = "gestopt", _("voortijdig gestopt")
    WITHDRAWN = "ingetrokken", _("ingetrokken")


class ReferralStatus(models.TextChoices):
    """A municipality's referral (aanmelding): ingediend, then geplaatst, afgewezen or
    ingetrokken; nothing else."""

    SUBMITTED = "ingediend", _("ingediend")
    PLACED = "geplaatst", _("geplaatst")
    DECLINED = "afgewezen", _("afgewezen")
    WITHDRAWN = "ingetrokken", _("ingetrokken")


# Allowed status transitions of a referral, as data (the services refuse the rest).
REFERRAL_TRANSITIONS = {
    ReferralStatus.SUBMITTED: {
        ReferralStatus.PLACED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.PLACED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.WITHDRAWN: set(),
}
