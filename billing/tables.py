import django_tables2 as tables
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from billing.models import Invoice
from waw.periods import period_in_words


class InvoiceTable(tables.Table):
    number = tables.Column(verbose_name=_("Nummer"), linkify=True)
    kind = tables.Column(verbose_name=_("Soort"))
    municipality = tables.Column(verbose_name=_("Gemeente"), order_by=("municipality__name",))
    period = tables.Column(verbose_name=_("Periode"))
    issue_date = tables.DateColumn(verbose_name=_("Factuurdatum"))
    total = tables.TemplateColumn(
        "{% load waw %}{{ value|euro }}",
        verbose_name=_("Totaal"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    pdf = tables.TemplateColumn(
        "<a href=\"{% url 'billing:pdf' record.number %}\">PDF"
        '<span class="visually-hidden"> {{ record.number }}</span></a>'
        "{% if record.xml %} · <a href=\"{% url 'billing:xml' record.number %}\">XML"
        '<span class="visually-hidden"> {{ record.number }}</span></a>{% endif %}',
        verbose_name=_("Downloaden"),
        orderable=False,
        exclude_from_export=True,
    )

    def render_kind(self, record):
        return capfirst(record.get_kind_display())

    def value_kind(self, record):
        return capfirst(record.get_kind_display())

    def render_period(self, value):
        return period_in_words(value)

    def value_period(self, value):
        return period_in_words(value)

    class Meta:
        model = Invoice
        fields = ("number", "kind", "municipality", "period", "issue_date", "total", "pdf")
        order_by = ("-issue_date", "-number")
        empty_text = _("Er zijn nog geen facturen uitgegeven.")
