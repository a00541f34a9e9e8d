import django_filters
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from billing.constants import DocumentKind
from billing.models import Invoice
from waw.models import Municipality
from waw.periods import period_in_words


def _periods():
    periods = Invoice.objects.order_by("-period").values_list("period", flat=True).distinct()
    return [(period, period_in_words(period)) for period in periods]


class InvoiceFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label=_("Gemeente"), queryset=Municipality.objects.all(), empty_label=_("Alle gemeenten")
    )
    period = django_filters.ChoiceFilter(
        label=_("Periode"), choices=_periods, empty_label=_("Alle perioden")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Soort"),
        choices=[(value, capfirst(label)) for value, label in DocumentKind.choices],
        empty_label=_("Facturen en creditnota's"),
    )

    class Meta:
        model = Invoice
        fields = ["municipality", "period", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and getattr(user, "municipality_id", None) and not user.is_superuser:
            self.filters.pop("municipality", None)
            self.form.fields.pop("municipality", None)
