"""Money: Decimal euros with two places, never floats."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format

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


def MoneyField(verbose_name, *, allow_negative=False, **kwargs):
    """A euro amount: 12 digits, 2 decimals; non-negative unless said otherwise."""
    validators = list(kwargs.pop("validators", []))
    if not allow_negative:
        validators.append(MinValueValidator(ZERO))
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=validators, **kwargs
    )


class EuroFormField(forms.DecimalField):
    """A euro amount typed the Dutch way ("125.000,50") or the computer way ("125000.50")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and "," in value:
            value = (
                value.strip().replace("€", "").replace(" ", "").replace(".", "").replace(",", ".")
            )
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A text box (not type=number) so a comma can be typed; the browser shows a numeric pad.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs
