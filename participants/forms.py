import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from participants.constants import Outcome
from participants.importing import FILE_TOO_LARGE, MAX_FILE_BYTES
from participants.models import DUPLICATE, Participant, Trajectory
from projects.constants import CohortStatus
from projects.models import Cohort, TariffOption
from projects.selectors import projects_open_for_enrolment, projects_taking_participants
from waw.dates import DateField, DateInput, typed_dates


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each message at its field where the form shows it, the
    rest above the form (a record saved before a rule existed can fail on a field this form
    does not show, and Django refuses an error for a field that is not on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class ParticipantForm(forms.ModelForm):
    class Meta:
        formfield_callback = typed_dates
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

    def has_only_duplicate_errors(self) -> bool:
        """True when the one problem is that the person exists already (the klantnummer is
        taken in the municipality): the enrolment then offers that record, as it promises."""
        errors = [e for field_errors in self.errors.as_data().values() for e in field_errors]
        return bool(errors) and all(e.code == DUPLICATE for e in errors)

    def identity(self) -> dict:
        """What the duplicate rule compares, from the cleaned fields."""
        data = self.cleaned_data
        return {
            "first_name": data.get("first_name", ""),
            "last_name": data.get("last_name", ""),
            "date_of_birth": data.get("date_of_birth"),
            "municipality": data.get("municipality"),
            "client_number": data.get("client_number", ""),
        }


class EnrolmentForm(forms.ModelForm):
    """The trajectory part of an enrolment; the participant is chosen or created beside it."""

    class Meta:
        formfield_callback = typed_dates
        model = Trajectory
        fields = ["project", "cohort", "enrolment_date", "start_date", "notes"]
        widgets = {
            "enrolment_date": DateInput(),
            "start_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_open_for_enrolment()
        # A cancelled group takes no one (billing rule 10).
        self.fields["cohort"].queryset = Cohort.objects.select_related("project").exclude(
            status=CohortStatus.CANCELLED
        )
        self.fields["cohort"].help_text = _("Alleen als het project in groepen (klassen) werkt.")
        if not self.is_bound and not self.initial.get("enrolment_date"):
            self.initial["enrolment_date"] = dt.date.today()


class TrajectoryForm(forms.ModelForm):
    """Editing a trajectory. ``version`` carries the state the form was filled in on, so a
    save over someone else's change in the meantime is refused instead of overwriting it."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = typed_dates
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

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        # An ended project stays possible for an old trajectory; a cost line never is.
        self.fields["project"].queryset = projects_taking_participants()
        # A cancelled group takes no one (billing rule 10).
        self.fields["cohort"].queryset = Cohort.objects.select_related("project").exclude(
            status=CohortStatus.CANCELLED
        )


class GroupForm(forms.ModelForm):
    """A new group (klas) of a project: its option comes from that year's agreement."""

    class Meta:
        formfield_callback = typed_dates
        model = Cohort
        fields = ["project", "name", "start_date", "tariff_option", "capacity"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_open_for_enrolment()
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
    start_date = DateField(label=_("Startdatum"))


class EndForm(forms.Form):
    end_date = DateField(label=_("Einddatum"))
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=[("", "—"), *Outcome.choices])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van intrekking"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=Trajectory._meta.get_field("withdrawal_reason").max_length,
    )


class ImportForm(forms.Form):
    MAX_BYTES = MAX_FILE_BYTES

    file = forms.FileField(
        label=_("Bestand"),
        help_text=lazy(
            lambda: _("CSV (met ; of , gescheiden) of Excel (.xlsx), hoogstens %(mb)s MB.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            str,
        )(),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(FILE_TOO_LARGE % {"mb": self.MAX_BYTES // (1024 * 1024)})
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Alleen .csv- en .xlsx-bestanden kunnen worden ingelezen.")
            )
        return upload
