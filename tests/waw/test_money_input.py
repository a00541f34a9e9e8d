"""Amounts are typed the Dutch way everywhere money is entered: one parser (waw.money)."""

import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from waw.money import TOO_MANY_DECIMALS, EuroFormField, MoneyModelField, parse_amount

APPS = ["waw", "projects", "participants", "billing", "monitor", "audit"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("60.000", "60000"),
        ("60.000,00", "60000.00"),
        ("€ 60.000", "60000"),
        ("€\u00a060.000,50", "60000.50"),
        ("60000", "60000"),
        ("60000,5", "60000.5"),
        ("1.234.567,89", "1234567.89"),
        ("125000.50", "125000.50"),
        ("12.5", "12.5"),
        ("-11.800,00", "-11800.00"),
    ],
)
def test_amounts_are_read_as_people_type_them_in_the_netherlands(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["60,000,00", "6.00.000", "1.2.3", "zestig", "€", "60.000,0.5"])
def test_text_that_is_no_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


@pytest.mark.parametrize("typed", ["60.000", "60.000,00", "€ 60.000", "60000", "60000,5"])
def test_the_money_form_field_accepts_the_ways_people_type_an_amount(typed):
    assert EuroFormField().clean(typed) == parse_amount(typed)


def test_three_decimals_are_refused_with_a_dutch_message():
    with pytest.raises(forms.ValidationError) as refused:
        EuroFormField().clean("60.000,005")
    assert refused.value.messages == [str(TOO_MANY_DECIMALS % {"places": 2})]
    assert "cijfers achter de komma" in refused.value.messages[0]


def test_words_are_refused_with_a_dutch_message():
    with pytest.raises(forms.ValidationError) as refused:
        EuroFormField().clean("zestigduizend")
    assert "Vul een bedrag in" in refused.value.messages[0]


def _money_model_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, MoneyModelField):
                yield model, field


def test_every_money_column_gets_the_dutch_money_form_field():
    found = list(_money_model_fields())
    assert found, "no MoneyField columns found"
    for model, field in found:
        assert isinstance(field.formfield(), EuroFormField), f"{model.__name__}.{field.name}"


def _form_classes():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
def test_every_form_field_for_a_decimal_reads_amounts_the_dutch_way():
    seen = 0
    for cls in _form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DecimalField):
                seen += 1
                assert isinstance(field, EuroFormField), f"{cls.__name__}.{name}"
    assert seen


@pytest.mark.django_db
def test_every_admin_form_reads_amounts_the_dutch_way(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        money = {f.name for f in model._meta.get_fields() if isinstance(f, MoneyModelField)}
        if not money:
            continue
        form = model_admin.get_form(request)
        for name in money & set(form.base_fields):
            checked += 1
            assert isinstance(form.base_fields[name], EuroFormField), f"{model.__name__}.{name}"
    assert checked


@pytest.mark.django_db
def test_the_tariff_option_formset_reads_prices_the_dutch_way():
    from projects.forms import TariffOptionFormSet

    form = TariffOptionFormSet().empty_form
    assert isinstance(form.fields["price_per_participant"], EuroFormField)
    assert isinstance(form.fields["project_costs"], EuroFormField)


def test_the_group_import_reads_a_price_with_the_same_parser():
    from participants.group_import import _price

    assert _price("€ 1.500") == Decimal("1500")
    assert _price("1.500,50") == Decimal("1500.50")
    assert _price("vijftien") is None
