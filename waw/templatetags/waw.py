from django import template

from waw.money import format_euro

register = template.Library()


@register.filter
def euro(value):
    """Render a Decimal amount as € 1.234,56."""
    return format_euro(value)
