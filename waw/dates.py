"""Dates as people type them in one text field: ``12041988``, ``12-04-1988``, ``12/4/1988``,
``12.04.1988`` or ``1988-04-12``. One parser for every date form field and the import.

A browser's date field is three or four Tab stops (day, month, year and a calendar button) and
reads differently in every browser; one text box with a numeric keyboard is as fast as a
spreadsheet cell. The plausible range of a date is not this module's business: the model
fields' validators (participants/dates.py) check it on every path.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_A_DATE = _("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 12-04-1988 of 12041988.")
SHOWN_FORMAT = "%d-%m-%Y"

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DIGITS_ONLY = re.compile(r"(\d{2})(\d{2})(\d{4})")


def parse_date(text) -> dt.date:
    """The date in a typed text; ``ValueError`` when it is none (or no day, such as 31-02)."""
    text = str(text).strip()
    for pattern, order in (
        (_DAY_MONTH_YEAR, (1, 2, 3)),
        (_DIGITS_ONLY, (1, 2, 3)),
        (_YEAR_MONTH_DAY, (3, 2, 1)),
    ):
        match = pattern.fullmatch(text)
        if match:
            day, month, year = (int(match.group(i)) for i in order)
            return dt.date(year, month, day)
    raise ValueError(text)


class DateInput(forms.TextInput):
    """One text box for a date, with a numeric keyboard on a phone."""

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "placeholder": "dd-mm-jjjj", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime(SHOWN_FORMAT)
        return super().format_value(value)


class DateField(forms.DateField):
    """A date typed the ways ``parse_date`` reads."""

    widget = DateInput
    default_error_messages = {"invalid": NOT_A_DATE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def typed_dates(db_field, **kwargs):
    """``formfield_callback`` of a model form: its date columns become ``DateField``s."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs["form_class"] = DateField
        kwargs.setdefault("widget", DateInput)
    return db_field.formfield(**kwargs)



class DateFilter(django_filters.DateFilter):
    """A filter on a date typed as in the forms (one parser)."""

    field_class = DateField
