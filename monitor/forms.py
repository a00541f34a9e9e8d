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
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leeg laten verwijdert de tekst."),
    )


class OverrideForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    colour = forms.ChoiceField(
        label=_("Kleur"),
        choices=[("", _("berekende kleur gebruiken")), *TrafficLight.choices],
        required=False,
    )
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


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Publiceer deze editie; de cijfers worden vastgelegd en veranderen daarna niet meer."
        ),
        error_messages={"required": _("Bevestig de publicatie.")},
    )
