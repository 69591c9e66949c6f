"""The public templates' tags, loaded as ``{% load public %}`` (registered in settings)."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html, format_html_join
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


@register.simple_tag
def marked(text):
    """A search's ``Marked`` text as HTML: every part escaped, the matched ones in <mark>."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", part) if matched else part,)
            for part, matched in text.parts
        ),
    )


@register.simple_tag(takes_context=True)
def in_other_languages(context):
    """(code, name, absolute URL, whether it is this page's) of the page in each language the
    site has, the site's own first: for the language menu and for search engines' hreflang."""
    request = context["request"]
    here = translation.get_language()
    return [
        (
            code,
            name,
            request.build_absolute_uri(translate_url(request.get_full_path(), code)),
            code == here,
        )
        for code, name in settings.LANGUAGES
    ]
