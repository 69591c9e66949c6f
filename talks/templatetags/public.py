from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def options(choices, chosen):
    """``<option>`` elements for (value, label) pairs, ``chosen`` selected.

    The list's filters offer every person and meeting with a published claim: hundreds of
    options, which cost more than the rest of the page when rendered by the template
    language, and still most of it through ``format_html``; each value and label is escaped.
    """
    return mark_safe(
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
