import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class ParticipantTable(tables.Table):
    last_name = tables.Column(verbose_name=_("Achternaam"), linkify=True)
    first_name = tables.Column(verbose_name=_("Voornaam"))
    date_of_birth = tables.DateColumn(verbose_name=_("Geboortedatum"))
    municipality = tables.Column(verbose_name=_("Woongemeente"), order_by=("municipality__name",))
    client_number = tables.Column(verbose_name=_("Klantnummer"))

    class Meta:
        model = Participant
        fields = ("last_name", "first_name", "date_of_birth", "municipality", "client_number")
        empty_text = _("Er zijn (nog) geen deelnemers.")
