"""The values a menu offers on a table of millions of rows: those used most lately.

A menu of every related row or value there is would hold tens of thousands on a table of a
million rows,
fetched and drawn on every page. A menu offers instead the values used most by the rows at
the top of a list (what the desk is working on now) and the ones chosen; a search finds the
rest. The count reads at most ``TOP_ROWS`` rows, however large the table, once in
``RECOUNTED_EVERY`` seconds: the top of a list changes by a few rows an hour. The admin's list
filters and the readers' filters both ask ``most_used``.
"""

from collections import Counter

from django.core.cache import cache

TOP_ROWS = 1_000
LISTED = 30
RECOUNTED_EVERY = 300


def most_used(name, values, chosen=()):
    """The ``LISTED`` values seen most often in ``values()`` (empty ones left out), counted
    at most once in ``RECOUNTED_EVERY`` seconds under ``name``; and those chosen."""

    def count():
        counts = Counter(value for value in values() if value not in (None, ""))
        return [value for value, _ in counts.most_common(LISTED)]

    return set(cache.get_or_set(f"most-used:{name}", count, RECOUNTED_EVERY)) | set(chosen)
