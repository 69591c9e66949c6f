from django import template

register = template.Library()


@register.filter
def thousands(number):
    """1000000 as "1,000,000", whatever the locale settings."""
    return f"{number:,}"
