from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitor.models import Story, TrafficLight
from monitor.services import OVERRIDE_REASON_REQUIRED
from projects.models import Category, Programme, Project
from waw.periods import period_in_words

FIRST_MONITOR_YEAR = 2020  # Werken aan Werk started in 2020 (seed 003); its first monitor: 2020


def half_year_choices() -> list[tuple[str, str]]:
    """Every half-year from the first monitor's year up to the current one, newest first: the
    code as the value (it goes into the URL), the words as the label."""
    today = timezone.localdate()
    codes = [
        f"{year}-H{half}"
        for year in range(FIRST_MONITOR_YEAR, today.year + 1)
        for half in (1, 2)
        if not (year == today.year and half == 2 and today.month <= 6)
    ]
    return [(code, period_in_words(code)) for code in reversed(codes)]


class EditionCreateForm(forms.Form):
    period = forms.ChoiceField(label=_("Halfjaar"), choices=half_year_choices)
    introduction = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class FinalEditionCreateForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programma"),
        queryset=Programme.objects.filter(end_date__isnull=False),
        empty_label=_("Kies een programma"),
        help_text=_(
            "De eindmonitor toont de totale opbrengst over de hele looptijd van het programma."
        ),
    )
    introduction = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class IntroductionForm(forms.Form):
    headline = forms.CharField(
        label=_("Kopzin"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Voorgesteld uit de cijfers; pas hem aan als u wilt. Leeg maken zet de voorgestelde "
            "zin terug."
        ),
    )
    introduction = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ProjectTextForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.all(),
        required=False,
        empty_label=_("Geen project"),
    )
    category = forms.ModelChoiceField(
        label=_("of categorie"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Geen categorie"),
    )
    text = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Een bestaande tekst wordt vervangen; weghalen doet u met “verwijderen”."),
    )


class OverrideForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.all(), empty_label=_("Kies een project")
    )
    colour = forms.ChoiceField(label=_("Kleur"), choices=TrafficLight.choices)
    # Required here as by the service (a coordinator's colour always comes with its reason),
    # so the form does not call it optional.
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": OVERRIDE_REASON_REQUIRED},
    )


class StoryForm(forms.Form):
    name = forms.CharField(
        label=_("Voornaam of schuilnaam"), max_length=Story._meta.get_field("name").max_length
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.all(), empty_label=_("Kies een project")
    )
    text = forms.CharField(label=_("Verhaal"), widget=forms.Textarea(attrs={"rows": 4}))
    consent_given = forms.BooleanField(
        label=_("De deelnemer heeft toestemming gegeven voor publicatie"), required=False
    )


class StoryEditForm(forms.Form):
    name = forms.CharField(
        label=_("Voornaam of schuilnaam"), max_length=Story._meta.get_field("name").max_length
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.all(), empty_label=_("Kies een project")
    )
    text = forms.CharField(
        label=_("Verhaal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Verandert de naam of de tekst, dan moet de toestemming opnieuw worden vastgelegd."
        ),
    )


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("De deelnemer heeft toestemming gegeven voor publicatie van dit verhaal"),
        error_messages={"required": _("Vink aan dat de deelnemer toestemming heeft gegeven.")},
    )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Publiceer deze editie; de cijfers worden vastgelegd en veranderen daarna niet meer."
        ),
        error_messages={"required": _("Bevestig de publicatie.")},
    )
