import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.constants import Outcome
from participants.models import Participant, Trajectory
from projects.constants import CohortStatus
from projects.forms import DateInput
from projects.models import Cohort, Project, TariffOption


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "municipality",
            "client_number",
            "benefit_type",
            "is_refugee",
            "is_psychologically_vulnerable",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = dt.date.today()
        if born > today:
            raise forms.ValidationError(_("Een geboortedatum kan niet in de toekomst liggen."))
        if born.year < today.year - 110:
            raise forms.ValidationError(_("Controleer het geboortejaar."))
        return born


class EnrolmentForm(forms.ModelForm):
    """The trajectory part of an enrolment; the participant is chosen or created beside it."""

    class Meta:
        model = Trajectory
        fields = ["project", "cohort", "enrolment_date", "start_date", "notes"]
        widgets = {
            "enrolment_date": DateInput(),
            "start_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.exclude(status="ended")
        # A cancelled group takes no one (billing rule 10).
        self.fields["cohort"].queryset = Cohort.objects.select_related("project").exclude(
            status=CohortStatus.CANCELLED
        )
        self.fields["cohort"].help_text = _("Alleen als het project in groepen (klassen) werkt.")
        if not self.is_bound and not self.initial.get("enrolment_date"):
            self.initial["enrolment_date"] = dt.date.today()


class TrajectoryForm(forms.ModelForm):
    class Meta:
        model = Trajectory
        fields = [
            "project",
            "cohort",
            "municipality_at_start",
            "enrolment_date",
            "start_date",
            "end_date",
            "outcome",
            "notes",
        ]
        widgets = {
            "enrolment_date": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A cancelled group takes no one (billing rule 10).
        self.fields["cohort"].queryset = Cohort.objects.select_related("project").exclude(
            status=CohortStatus.CANCELLED
        )


class GroupForm(forms.ModelForm):
    """A new group (klas) of a project: its option comes from that year's agreement."""

    class Meta:
        model = Cohort
        fields = ["project", "name", "start_date", "tariff_option", "capacity"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.exclude(status="ended")
        self.fields["tariff_option"].queryset = TariffOption.objects.select_related(
            "agreement__project"
        ).order_by("agreement__project__name", "-agreement__year", "label")
        self.fields["tariff_option"].label_from_instance = lambda o: (
            f"{o.agreement.project} {o.agreement.year}: {o.label}"
            + (f" (minimaal {o.min_group_size})" if o.min_group_size else "")
        )


class GroupStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden (verplicht als de groep onder het minimum start)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )


class GroupCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van annuleren"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    confirm = forms.BooleanField(
        label=_("Ja, annuleer de groep en trek de trajecten in de groep in met deze reden."),
        error_messages={"required": _("Bevestig dat u de groep wilt annuleren.")},
    )


class StartForm(forms.Form):
    start_date = forms.DateField(label=_("Startdatum"), widget=DateInput())


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("Einddatum"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=[("", "—"), *Outcome.choices])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van intrekking"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("CSV (met ; of , gescheiden) of Excel (.xlsx), hoogstens 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 5 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Alleen .csv- en .xlsx-bestanden kunnen worden ingelezen.")
            )
        return upload
