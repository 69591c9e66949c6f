"""The public templates' tags, loaded as ``{% load public %}`` (registered in settings)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def options(choices, chosen):
    """``<option>`` elements for (value, label) pairs, ``chosen`` selected, each value and
    label escaped: one call, where a template loop would resolve each variable in turn."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == chosen else "", label)
            for value, label in choices
        ),
    )
