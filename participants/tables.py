import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from participants.models import Participant, Trajectory

NOWRAP = {"td": {"class": "nowrap"}}


class ParticipantTable(tables.Table):
    last_name = tables.Column(verbose_name=_("Achternaam"), linkify=True)
    first_name = tables.Column(verbose_name=_("Voornaam"))
    # The residence details are empty for a participant the reader may not see them of
    # (participants.selectors); they sort on values that are empty there as well.
    date_of_birth = tables.DateColumn(
        verbose_name=_("Geboortedatum"), attrs=NOWRAP, order_by=("sort_date_of_birth",)
    )
    municipality = tables.Column(verbose_name=_("Woongemeente"), order_by=("sort_municipality",))
    client_number = tables.Column(verbose_name=_("Klantnummer"), order_by=("sort_client_number",))

    class Meta:
        model = Participant
        fields = ("last_name", "first_name", "date_of_birth", "municipality", "client_number")
        empty_text = _("Er zijn (nog) geen deelnemers.")


class TrajectoryTable(tables.Table):
    participant = tables.Column(
        verbose_name=_("Deelnemer"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("participant__last_name", "participant__first_name"),
    )
    project = tables.Column(verbose_name=_("Project"), order_by=("project__name",))
    municipality_at_start = tables.Column(
        verbose_name=_("Gemeente"), order_by=("municipality_at_start__name",)
    )
    enrolment_date = tables.DateColumn(verbose_name=_("Aanmelding"), attrs=NOWRAP)
    start_date = tables.DateColumn(verbose_name=_("Start"), attrs=NOWRAP)
    end_date = tables.DateColumn(verbose_name=_("Einde"), attrs=NOWRAP)
    outcome = tables.Column(verbose_name=_("Uitkomst"))
    status = tables.Column(verbose_name=_("Status"), accessor="get_status_display", orderable=False)

    class Meta:
        model = Trajectory
        fields = (
            "participant",
            "project",
            "municipality_at_start",
            "enrolment_date",
            "start_date",
            "end_date",
            "outcome",
            "status",
        )
        order_by = ("-enrolment_date",)
        empty_text = _("Er zijn geen trajecten die aan deze keuze voldoen.")
