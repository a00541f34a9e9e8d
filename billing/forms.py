from django import forms
from django.utils.translation import gettext_lazy as _

from waw.periods import Period, PeriodError


class PeriodForm(forms.Form):
    period = forms.CharField(
        label=_("Periode"),
        max_length=10,
        help_text=_("Bijvoorbeeld 2025-Q1, 2025-H1 of 2025."),
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
