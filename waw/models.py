"""The region's municipalities and the people who use the application."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Organisatie-identificatienummer: how Dutch public bodies are addressed over Peppol.
OIN_PATTERN = r"^\d{20}$"


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
        _("factuuradres"),
        blank=True,
        help_text=_(
            "Zoals het op de factuur moet staan, bijvoorbeeld t.a.v. de crediteurenadministratie."
        ),
    )

    oin = models.CharField(
        _("OIN"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(OIN_PATTERN, _("Een OIN bestaat uit precies 20 cijfers."))],
        help_text=_(
            "Organisatie-identificatienummer (20 cijfers): het adres voor e-facturen via Peppol."
        ),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self):
        return self.name


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
