import django_tables2 as tables
from auditlog.models import LogEntry
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audit import selectors
from waw.text import actor_label

NOWRAP = {"td": {"class": "nowrap"}}


class LogEntryTable(tables.Table):
    timestamp = tables.DateTimeColumn(verbose_name=_("Tijdstip"), attrs=NOWRAP)
    actor = tables.Column(verbose_name=_("Gebruiker"), default=_("systeem / import"))
    kind = tables.Column(verbose_name=_("Handeling"), accessor="action", orderable=False)
    content_type = tables.Column(verbose_name=_("Soort"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Gegeven"))
    changes = tables.Column(verbose_name=_("Oud → nieuw"), orderable=False, empty_values=())

    class Meta:
        model = LogEntry
        fields = ("timestamp", "actor", "kind", "content_type", "object_repr", "changes")
        empty_text = _("Geen regels in het logboek die aan de filters voldoen.")

    def render_actor(self, value):
        return actor_label(value)

    def render_kind(self, record):
        (row,) = selectors.trail_rows([record])
        return row.kind_label

    def render_content_type(self, value):
        model = value.model_class()
        return model._meta.verbose_name if model else value.model

    def render_changes(self, record):
        (row,) = selectors.trail_rows([record])
        if not row.changes:
            return "—"
        return format_html(
            "<ul class='changes'>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {}</li>",
                ((c.field, c.old or "—", c.new or "—") for c in row.changes),
            ),
        )
