from django import forms
from django.utils.translation import gettext_lazy as _

from monitor.models import Edition, Story, TrafficLight
from projects.models import Category, Project


class EditionCreateForm(forms.Form):
    period = forms.CharField(
        label=_("Halfjaar"),
        max_length=Edition._meta.get_field("period").max_length,
        help_text=_("2025-H1 of 2025-H2"),
    )
    introduction = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=_("Inleiding"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ProjectTextForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.all(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("of categorie"), queryset=Category.objects.all(), required=False
    )
    text = forms.CharField(
        label=_("Tekst"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Een bestaande tekst wordt vervangen; weghalen doet u met “verwijderen”."),
    )


class OverrideForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    colour = forms.ChoiceField(label=_("Kleur"), choices=TrafficLight.choices)
    reason = forms.CharField(
        label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StoryForm(forms.Form):
    name = forms.CharField(
        label=_("Voornaam of schuilnaam"), max_length=Story._meta.get_field("name").max_length
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    text = forms.CharField(label=_("Verhaal"), widget=forms.Textarea(attrs={"rows": 4}))
    consent_given = forms.BooleanField(
        label=_("De deelnemer heeft toestemming gegeven voor publicatie"), required=False
    )


class StoryEditForm(forms.Form):
    name = forms.CharField(
        label=_("Voornaam of schuilnaam"), max_length=Story._meta.get_field("name").max_length
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    text = forms.CharField(
        label=_("Verhaal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Verandert de naam of de tekst, dan moet de toestemming opnieuw vastgelegd."),
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
