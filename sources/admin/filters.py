"""List filters that stay quick and short on tables of millions of rows.

Django's related and all-values filters offer every related row or value there is: on a table
of a million rows that is tens of thousands of options, fetched and drawn on every page of the list.
These filters offer the values used most by the rows at the top of the list and the ones
chosen (``sources.recently_used``); the search box finds the rest. The dates drill down by
year and month from two index entries.
"""

from datetime import date
from itertools import pairwise

from django.contrib import admin
from django.db.models import Max, Min

from ..recently_used import TOP_ROWS, most_used


def top_of_list(model_admin, request, field_path):
    """``field_path``'s values in the first ``TOP_ROWS`` rows of the admin's list."""
    ordering = model_admin.get_ordering(request) or ["-pk"]
    rows = model_admin.model._default_manager.order_by(*ordering)
    return rows.values_list(field_path, flat=True)[:TOP_ROWS]


class RecentlyUsedRelatedFilter(admin.RelatedFieldListFilter):
    """Filter by a related object, offering those the top of the list uses most."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = f"{self.lookup_title} (most used lately)"

    def field_choices(self, field, request, model_admin):
        chosen = [int(value) for value in self.lookup_val or () if value.isdigit()]
        ids = most_used(
            f"{model_admin.opts.label}.{self.field_path}",
            lambda: top_of_list(model_admin, request, self.field_path),
            chosen,
        )
        related = field.related_model._default_manager.filter(pk__in=ids)
        return sorted(((obj.pk, str(obj)) for obj in related), key=lambda choice: choice[1])


class RecentlyUsedValuesFilter(admin.AllValuesFieldListFilter):
    """Filter by a column's value, offering those the top of the list uses most."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        used = most_used(
            f"{model_admin.opts.label}.{field_path}",
            lambda: top_of_list(model_admin, request, field_path),
            self.lookup_val or (),
        )
        self.lookup_choices = sorted(used)
        self.title = f"{self.title} (most used lately)"


class YearsFilter(admin.DateFieldListFilter):
    """A date drill-down by year, then month, that reads two index entries.

    ``date_hierarchy`` lists the years by a ``DISTINCT`` over every row (a second and more on a
    million rows); the years here come from the column's first and last dates, which an
    index on the column gives at once.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        span = model._default_manager.aggregate(first=Min(field_path), last=Max(field_path))
        years = range(span["last"].year, span["first"].year - 1, -1) if span["first"] else ()
        chosen = self.date_params.get(self.lookup_kwarg_since, "")
        self.links = (
            self.links[:1]  # any date
            + tuple((str(year), self._range(*_year(year))) for year in years)
            + tuple((f"· {start:%B %Y}", self._range(start, end)) for start, end in _months(chosen))
            + self.links[5:]  # no date, has date: for nullable fields
        )

    def _range(self, start, end):
        return {self.lookup_kwarg_since: start, self.lookup_kwarg_until: end}


def _year(year):
    return date(year, 1, 1), date(year + 1, 1, 1)


def _months(since):
    """The months of the year a chosen range starts in, as (first day, next month's first)."""
    try:
        year = date.fromisoformat(since[:10]).year
    except ValueError:
        return []
    return pairwise([date(year, month, 1) for month in range(1, 13)] + [date(year + 1, 1, 1)])
