"""Dates are typed in one text field, the ways people type them; one parser (waw.dates)."""

import datetime as dt
import importlib
import inspect

import pytest
from django import forms

from waw.dates import NOT_A_DATE, DateField, DateInput, parse_date

APPS = ["waw", "projects", "participants", "billing", "monitor", "audit"]


@pytest.mark.parametrize(
    "typed",
    ["12041988", "12-04-1988", "12-4-1988", "12/04/1988", "12.04.1988", "1988-04-12", " 12041988 "],
)
def test_a_date_is_read_however_it_is_typed(typed):
    assert parse_date(typed) == dt.date(1988, 4, 12)


@pytest.mark.parametrize("typed", ["31021988", "1204198", "12-04-88", "morgen", "1988/04/12"])
def test_text_that_is_no_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


def test_the_date_field_refuses_with_a_dutch_message():
    with pytest.raises(forms.ValidationError) as refused:
        DateField().clean("31-02-1988")
    assert refused.value.messages == [str(NOT_A_DATE)]


def test_the_date_box_is_one_text_field_showing_dd_mm_yyyy():
    html = DateInput().render("d", dt.date(1988, 4, 12))

    assert 'type="text"' in html
    assert 'value="12-04-1988"' in html
    assert 'inputmode="numeric"' in html


def _form_classes():
    for app in APPS:
        for module_name in (f"{app}.forms", f"{app}.filters"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


@pytest.mark.django_db
def test_every_date_field_of_every_form_and_filter_reads_dates_with_the_one_parser():
    from projects.forms import TariffOptionFormSet

    seen = 0
    classes = [*_form_classes(), TariffOptionFormSet.form]
    for cls in classes:
        fields = getattr(cls, "base_fields", None)
        if fields is None and hasattr(cls, "base_filters"):
            fields = {name: f.field for name, f in cls.base_filters.items()}
        for name, field in (fields or {}).items():
            if isinstance(field, forms.DateField):
                seen += 1
                assert isinstance(field, DateField), f"{cls.__name__}.{name}"
                assert isinstance(field.widget, DateInput), f"{cls.__name__}.{name}"
    assert seen > 15


def test_the_import_reads_dates_with_the_same_parser():
    from participants.importing import _date

    assert _date("12041988") == dt.date(1988, 4, 12)
    assert _date("12-04-1988") == dt.date(1988, 4, 12)
