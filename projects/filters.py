import django_filters
from django.utils.translation import gettext_lazy as _

from projects.constants import ProjectStatus
from projects.models import Agreement, Category, Programme, Project


def _agreement_years():
    years = Agreement.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        label=_("Zoeken op naam"), method="filter_name", lookup_expr="icontains"
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Categorie"), queryset=Category.objects.all(), empty_label=_("Alle categorieën")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, empty_label=_("Alle statussen")
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programma"), queryset=Programme.objects.all(), empty_label=_("Alle programma's")
    )
    year = django_filters.ChoiceFilter(
        label=_("Jaarafspraak in"),
        choices=_agreement_years,
        method="filter_year",
        empty_label=_("Alle jaren"),
    )

    class Meta:
        model = Project
        fields = ["name", "category", "status", "programme", "year"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip())

    def filter_year(self, queryset, name, value):
        return queryset.filter(agreements__year=int(value)).distinct()
