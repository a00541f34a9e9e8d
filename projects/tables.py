import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class ProjectTable(tables.Table):
    name = tables.Column(verbose_name=_("Project"), linkify=True)
    category = tables.Column(verbose_name=_("Categorie"), order_by=("category__order",))
    project_type = tables.Column(verbose_name=_("Type"))
    provider = tables.Column(verbose_name=_("Uitvoerder"))
    programme = tables.Column(verbose_name=_("Programma"), order_by=("programme__name",))
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Project
        fields = ("name", "category", "project_type", "provider", "programme", "status")
        empty_text = _("Er zijn geen projecten die aan deze keuze voldoen.")
