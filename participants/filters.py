import datetime as dt

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.constants import Outcome, TrajectoryStatus
from participants.selectors import (
    not_started_condition,
    participant_visibility,
    past_duration_condition,
)
from projects.models import Project
from waw.dates import DateFilter
from waw.models import Municipality

TARGET_GROUPS = [
    ("jongere", _("jongere (< 27 jaar)")),
    ("50plus", _("50-plusser")),
    ("statushouder", _("statushouder")),
    ("psychisch", _("psychische kwetsbaarheid")),
]


def _years_ago(years: int) -> dt.date:
    today = dt.date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


STATUS_FILTERS = {
    TrajectoryStatus.ENROLLED: Q(withdrawn_at__isnull=True, start_date__isnull=True),
    TrajectoryStatus.ACTIVE: Q(
        withdrawn_at__isnull=True, start_date__isnull=False, end_date__isnull=True
    ),
    TrajectoryStatus.COMPLETED: Q(withdrawn_at__isnull=True, end_date__isnull=False)
    & ~Q(outcome=Outcome.DROPPED_OUT),
    TrajectoryStatus.DROPPED_OUT: Q(withdrawn_at__isnull=True, outcome=Outcome.DROPPED_OUT),
    TrajectoryStatus.WITHDRAWN: Q(withdrawn_at__isnull=False),
}


class TrajectoryFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Naam of klantnummer"), method="filter_name")
    project = django_filters.ModelChoiceFilter(
        label=_("Project"), queryset=Project.objects.all(), empty_label=_("Alle projecten")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Gemeente"),
        field_name="municipality_at_start",
        queryset=Municipality.objects.all(),
        empty_label=_("Alle gemeenten"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=TrajectoryStatus.choices,
        method="filter_status",
        empty_label=_("Alle statussen"),
    )
    start_from = DateFilter(
        label=_("Gestart vanaf"), field_name="start_date", lookup_expr="gte"
    )
    start_until = DateFilter(
        label=_("Gestart tot en met"),
        field_name="start_date",
        lookup_expr="lte",
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Uitkomst"), choices=Outcome.choices, empty_label=_("Alle uitkomsten")
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Doelgroep"),
        choices=TARGET_GROUPS,
        method="filter_target_group",
        empty_label=_("Alle doelgroepen"),
    )

    attention = django_filters.ChoiceFilter(
        label=_("Aandacht"),
        choices=[
            ("niet_gestart", _("aangemeld, niet gestart na de wachttijd")),
            ("over_duur", _("loopt langer dan de trajectduur")),
        ],
        method="filter_attention",
        empty_label=_("Alle trajecten"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and getattr(user, "municipality_id", None) and not user.is_superuser:
            # A gemeente user only has its own municipality; the choice would only confuse.
            self.filters.pop("municipality", None)
            self.form.fields.pop("municipality", None)

    def _details(self) -> Q:
        """Only participants whose residence details the user may see match a filter on one
        (klantnummer, age, target group): a former municipality must not find a person by them."""
        if self.user is None:
            return Q(pk__in=[])
        return participant_visibility(user=self.user).details_condition("participant__")

    def filter_name(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(participant__first_name__icontains=word)
                | Q(participant__last_name__icontains=word)
                | (Q(participant__client_number__iexact=word) & self._details())
            )
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(STATUS_FILTERS[value])

    def filter_attention(self, queryset, name, value):
        today = timezone.localdate()
        if value == "niet_gestart":
            return queryset.filter(
                not_started_condition(today=today, weeks=settings.WORKLIST_NOT_STARTED_WEEKS)
            )
        return queryset.filter(past_duration_condition(today=today))

    def filter_target_group(self, queryset, name, value):
        queryset = queryset.filter(self._details())
        if value == "jongere":
            return queryset.filter(participant__date_of_birth__gt=_years_ago(27))
        if value == "50plus":
            return queryset.filter(participant__date_of_birth__lte=_years_ago(50))
        if value == "statushouder":
            return queryset.filter(participant__is_refugee=True)
        return queryset.filter(participant__is_psychologically_vulnerable=True)
