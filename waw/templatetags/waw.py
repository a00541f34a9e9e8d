from django import template

from waw.money import format_euro
from waw.periods import period_in_words, term_in_words
from waw.text import actor_label

register = template.Library()


@register.filter
def euro(value):
    """Render a Decimal amount as € 1.234,56."""
    return format_euro(value)


@register.filter
def actor(user):
    """The author of a change or a view, also when there is none (see ``actor_label``)."""
    return actor_label(user)


@register.filter
def period_words(code):
    """A period's code as people read it: "2025-H2" → "tweede halfjaar 2025"."""
    return period_in_words(code)


@register.filter
def summary_label(label):
    """A field's label before a colon in the error summary: without its own closing stop, so a
    sentence-long label ("… geef de facturen definitief uit.") does not read "uit.: Bevestig"."""
    return str(label).rstrip(" .:;")


@register.simple_tag
def term(first, last):
    """A term in words with its open ends ("vanaf 1 april 2025", "onbekend")."""
    return term_in_words(first, last)
