"""Status and verdict as coloured badges in lists (colours in talks/static/talks/admin.css)."""

from django.utils.html import format_html


def badge(value, label):
    return format_html('<span class="badge badge-{}">{}</span>', value, label)
