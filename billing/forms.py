from django import forms
from django.utils.translation import gettext_lazy as _

from billing.constants import LineKind
from billing.models import InvoiceRun, ParticipationBudget
from billing.services import CREDIT_REASON_REQUIRED
from waw.money import EuroFormField
from waw.periods import Period, PeriodError


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Periode"),
        max_length=InvoiceRun._meta.get_field("period").max_length,
        help_text=_(
            "Bijvoorbeeld 2025-Q1 (eerste kwartaal), 2025-H1 (eerste halfjaar) of 2025 (heel jaar)."
        ),
    )

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


class IssueForm(PeriodForm):
    confirm = forms.BooleanField(
        label=_("Ik heb de voorvertoning gecontroleerd; geef de facturen definitief uit."),
        error_messages={"required": _("Bevestig dat u de voorvertoning heeft gecontroleerd.")},
    )


def _line_label(line) -> str:
    """A line as the coordinator recognises it: the participant's kenmerk, or for a minimum
    purchase or a share of project costs (which have no participant) what the line bills."""
    what = (
        line.participant_reference
        if line.kind == LineKind.TRAJECTORY
        else line.get_kind_display()
    )
    return f"{line.project_name} – {what} – {line.start_date:%d-%m-%Y}"


class CreditForm(forms.Form):
    """Which lines to credit, which of those to bill again, and why."""

    lines = forms.TypedMultipleChoiceField(
        label=_("Te crediteren regels"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één regel om te crediteren.")},
    )
    rebill = forms.TypedMultipleChoiceField(
        label=_("Opnieuw factureren in de volgende run"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Alleen na een correctie (verkeerde gemeente of tarief). Niet aanvinken als het "
            "traject nooit gefactureerd had mogen worden, bijvoorbeeld omdat het nooit is gestart."
        ),
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": CREDIT_REASON_REQUIRED},
    )
    confirm = forms.BooleanField(
        label=_(
            "Ik begrijp dat de creditnota direct wordt uitgegeven en niet meer kan veranderen."
        ),
        error_messages={"required": _("Bevestig dat de creditnota mag worden uitgegeven.")},
    )

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (line.pk, _line_label(line))
            # Lines not yet credited, in one query (not one per line).
            for line in invoice.lines.filter(credits__isnull=True)
        ]
        self.fields["lines"].choices = choices
        self.fields["rebill"].choices = choices

    def clean(self):
        data = super().clean()
        if set(data.get("rebill", [])) - set(data.get("lines", [])):
            self.add_error(
                "rebill", _("Alleen gecrediteerde regels kunnen opnieuw worden gefactureerd.")
            )
        return data


class ParticipationBudgetForm(forms.Form):
    amount = EuroFormField(label=_("Budget"), min_value=0, required=False, widget=forms.TextInput)
    reference = forms.CharField(
        label=_("Kenmerk gemeente"),
        max_length=ParticipationBudget._meta.get_field("reference").max_length,
        required=False,
        help_text=_("Inkoopordernummer of kenmerk dat op de facturen van dit jaar komt."),
    )
    note = forms.CharField(
        label=_("Toelichting"),
        max_length=ParticipationBudget._meta.get_field("note").max_length,
        required=False,
    )
