"""Money: Decimal euros with two places, never floats."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """Quantise to cents (half up, as accountants round); refuses floats and non-numbers."""
    if isinstance(value, float):
        raise TypeError("Geldbedragen zijn Decimal, nooit float.")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"Geen geldig bedrag: {value!r}") from None


def format_euro(value) -> str:
    """€ 1.234,56 — with a non-breaking space so the sign never wraps away from the amount."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    return "€\u00a0" + number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


NOT_AN_AMOUNT = _("Vul een bedrag in, bijvoorbeeld 60.000 of 60.000,00.")
TOO_MANY_DECIMALS = _(
    "Een bedrag heeft hoogstens %(places)s cijfers achter de komma, bijvoorbeeld 60.000,00."
)

# "60.000" and "1.234.567": dots between groups of three digits are thousands separators.
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_amount(text: str) -> Decimal:
    """An amount as people type it in the Netherlands, to a Decimal (not yet quantised).

    "60.000", "60.000,00", "€ 60.000", "60000", "60000,5" and "-11.800" are read the Dutch
    way: a comma is the decimal sign and dots between groups of three digits separate the
    thousands. A single dot before one, two or four or more digits ("125000.50") is a decimal
    point, as a spreadsheet or a computer writes it. Anything else raises ``ValueError``.
    Every money input (forms, the admin, the imports) reads amounts through this function.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text))
    sign = ""
    if cleaned[:1] in "+-":
        sign, cleaned = cleaned[:1].replace("+", ""), cleaned[1:]
    if "," in cleaned:
        whole, _comma, fraction = cleaned.partition(",")
        if "," in fraction or "." in fraction:
            raise ValueError(text)
        if "." in whole and not _GROUPED.match(whole):
            raise ValueError(text)
        cleaned = whole.replace(".", "") + "." + fraction
    elif _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise ValueError(text)
    return Decimal(sign + cleaned)


class MoneyModelField(models.DecimalField):
    """A DecimalField whose form field reads amounts the Dutch way (the admin and every model
    form get it). It deconstructs as a plain DecimalField, so migrations do not change."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", EuroFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def MoneyField(verbose_name, *, allow_negative=False, **kwargs):
    """A euro amount: 12 digits, 2 decimals; non-negative unless said otherwise."""
    validators = list(kwargs.pop("validators", []))
    if not allow_negative:
        validators.append(MinValueValidator(ZERO))
    return MoneyModelField(
        verbose_name, max_digits=12, decimal_places=2, validators=validators, **kwargs
    )


class EuroFormField(forms.DecimalField):
    """A euro amount typed the Dutch way ("125.000,50", "€ 60.000") or the computer way
    ("125000.50"), read by ``parse_amount``."""

    default_error_messages = {"invalid": NOT_AN_AMOUNT}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value)
        except (ValueError, InvalidOperation):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and self.decimal_places is not None:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                raise ValidationError(
                    TOO_MANY_DECIMALS,
                    code="max_decimal_places",
                    params={"places": self.decimal_places},
                )

    def widget_attrs(self, widget):
        # A text box (not type=number) so a comma can be typed; the browser shows a numeric pad.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs
