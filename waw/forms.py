from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from waw.models import Municipality
from waw.services import INVOICE_DATA_FIELDS, normalise_invoice_data


class LoginForm(AuthenticationForm):
    """Django's sign-in form with a message in plain Dutch instead of the stock translation."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "De gebruikersnaam of het wachtwoord klopt niet. Let op: hoofdletters tellen mee."
        ),
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code uit de authenticator-app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Vul de zes cijfers uit de app in.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class MunicipalityInvoiceDataForm(forms.ModelForm):
    """A municipality's invoice data; typed forms ("1211ab", an OIN with spaces) are accepted
    and stored in their standard form."""

    class Meta:
        model = Municipality
        fields = INVOICE_DATA_FIELDS

    def _normalised(self, name):
        return normalise_invoice_data({name: self.cleaned_data.get(name)})[name]

    def clean_invoice_postcode(self):
        return self._normalised("invoice_postcode")

    def clean_invoice_po_box(self):
        return self._normalised("invoice_po_box")

    def clean_oin(self):
        return self._normalised("oin")

    def clean_kvk(self):
        return self._normalised("kvk")
