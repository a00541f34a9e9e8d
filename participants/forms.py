import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from participants.constants import Outcome, ReferralStatus
from participants.importing import FILE_TOO_LARGE, MAX_UPLOAD_BYTES
from participants.models import (
    DUPLICATE,
    REFERRAL_MOTIVATION_MAX_LENGTH,
    Participant,
    Referral,
    Trajectory,
)
from projects.constants import CohortStatus, ProjectStatus
from projects.models import Cohort, Project, TariffOption
from projects.selectors import projects_open_for_enrolment, projects_taking_participants
from waw.dates import DateField, DateInput, typed_dates
from waw.models import Municipality


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
        # The options of the projects the group can be of, not of ended projects.
        self.fields["tariff_option"].queryset = (
            TariffOption.objects.filter(agreement__project__in=self.fields["project"].queryset)
            .select_related("agreement__project")
            .order_by("agreement__project__name", "-agreement__year", "label")
        )
        self.fields["tariff_option"].label_from_instance = _option_label


def _option_label(option) -> str:
    """"Wijkleerbedrijf 2026: Standaard, minimaal 15 deelnemers"; without the minimum when
    the option's own name already says it (names copied from the documents often do)."""
    text = f"{option.agreement.project} {option.agreement.year}: {option.label}"
    minimum = option.min_group_size
    if minimum and f"minimaal {minimum}" not in option.label:
        text += _(", minimaal %(n)s deelnemers") % {"n": minimum}
    return text


class GroupStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        help_text=_("Alleen nodig als de groep onder het minimum start."),
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
    MAX_BYTES = MAX_UPLOAD_BYTES

    file = forms.FileField(
        label=_("Bestand"),
        help_text=lazy(
            lambda: (
                _(
                    "CSV (gescheiden door puntkomma's of komma's) of Excel (.xlsx), "
                    "hoogstens %(mb)s MB."
                )
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            ),
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


class ReferralForm(forms.Form):
    """A klantmanager's referral. The lists offer running projects and planned groups; a
    posted choice outside them reaches the service, which says in Dutch why it is refused."""

    municipality = forms.ModelChoiceField(
        label=_("Woongemeente"), queryset=Municipality.objects.order_by("name")
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.all())
    cohort = forms.ModelChoiceField(
        label=_("Groep"),
        queryset=Cohort.objects.select_related("project"),
        required=False,
        help_text=_("Een geplande groep van dit project; leeg laten mag."),
    )
    first_name = forms.CharField(
        label=_("Voornaam"), max_length=Referral._meta.get_field("first_name").max_length
    )
    last_name = forms.CharField(
        label=_("Achternaam"), max_length=Referral._meta.get_field("last_name").max_length
    )
    date_of_birth = DateField(
        label=_("Geboortedatum"),
        validators=Referral._meta.get_field("date_of_birth").validators,
    )
    client_number = forms.CharField(
        label=_("Klantnummer"),
        required=False,
        max_length=Referral._meta.get_field("client_number").max_length,
    )
    motivation = forms.CharField(
        label=_("Motivatie"),
        max_length=REFERRAL_MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Referral._meta.get_field("motivation").help_text,
    )

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].initial = municipality
        if municipality is not None:
            # A klantmanager refers residents of its own municipality only: the one choice.
            self.fields["municipality"].widget.choices = [(municipality.pk, str(municipality))]
        open_projects = projects_open_for_enrolment().order_by("name")
        self.fields["project"].widget.choices = [("", "---------")] + [
            (project.pk, str(project)) for project in open_projects
        ]
        planned = (
            Cohort.objects.filter(status=CohortStatus.PLANNED)
            .exclude(project__status=ProjectStatus.ENDED)
            .select_related("project")
            .order_by("project__name", "start_date", "name")
        )
        self.fields["cohort"].widget.choices = [("", _("geen groep"))] + [
            (cohort.pk, f"{cohort} ({cohort.start_date:%d-%m-%Y})") for cohort in planned
        ]


class ReferralPlaceForm(forms.Form):
    """The coordinator places a referral: in which group, and as which existing participant
    when the duplicate rule finds the person."""

    cohort = forms.ModelChoiceField(
        label=_("Groep"), queryset=Cohort.objects.none(), required=False
    )
    existing = forms.ModelChoiceField(
        label=_("Bestaande deelnemer"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Deze persoon staat al in de administratie; kies het bestaande record."),
    )

    def __init__(self, *args, referral, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(project=referral.project)
        self.fields["cohort"].initial = referral.cohort_id
        self.fields["cohort"].widget.choices = [("", _("geen groep"))] + [
            (
                cohort.pk,
                f"{cohort.name} ({cohort.start_date:%d-%m-%Y}, {cohort.get_status_display()})",
            )
            for cohort in self.fields["cohort"].queryset.exclude(status=CohortStatus.CANCELLED)
        ]
        if candidates:
            self.fields["existing"].queryset = Participant.objects.filter(
                pk__in=[c.pk for c in candidates]
            )
            self.fields["existing"].required = True
            self.fields["existing"].initial = candidates[0].pk
        else:
            del self.fields["existing"]


class ReferralDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afwijzing"),
        max_length=REFERRAL_MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De gemeente leest deze reden."),
    )


class ReferralStatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statussen")), *ReferralStatus.choices],
        required=False,
    )
