import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit import selectors
from audit.constants import ENTRY_KINDS
from waw.dates import DateFilter
from waw.params import positive_int


class ContentTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return str(model._meta.verbose_name_plural if model else obj.model).capitalize()


class ContentTypeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ContentTypeField


class LogEntryFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=_("Gebruiker"),
        queryset=get_user_model().objects.order_by("username"),
        empty_label=_("Alle gebruikers"),
    )
    content_type = ContentTypeChoiceFilter(
        label=_("Soort gegeven"),
        queryset=lambda request: selectors.logged_models(),
        empty_label=_("Alle soorten"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Handeling"),
        choices=ENTRY_KINDS,
        method="filter_kind",
        empty_label=_("Alle handelingen"),
    )
    date_from = DateFilter(
        label=_("Vanaf"), field_name="timestamp", lookup_expr="date__gte"
    )
    date_until = DateFilter(
        label=_("Tot en met"), field_name="timestamp", lookup_expr="date__lte"
    )
    record = django_filters.CharFilter(label=_("Gegeven (naam of nummer)"), method="filter_record")

    def filter_kind(self, queryset, name, value):
        return queryset.filter(selectors.kind_filter(value))

    def filter_record(self, queryset, name, value):
        value = value.strip()
        condition = Q(object_repr__icontains=value)
        number = positive_int(value)
        if number is not None:
            condition |= Q(object_id=number)
        return queryset.filter(condition)
