"""List filters that stay quick and short on tables of millions of rows.

Django's related and all-values filters offer every related row or value there is: on a table
of a million rows that is tens of thousands of options, fetched and drawn on every page of the list.
These filters offer the values used most by the rows at the top of the list and the ones
chosen (``sources.recently_used``); the search box finds the rest. The dates drill down by
year and month from two index entries.

A list answers only the filters it offers (``OfferedFiltersChangeList``): any other lookup in
the query string (a regular expression on a text column, a range on an id) is refused, and a
value a filter cannot read is refused with the filter's name, never a server error.
"""

from datetime import date
from itertools import pairwise

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldError, ValidationError
from django.db.models import Max, Min

from ..recently_used import TOP_ROWS, most_used


class RefusedFilter(Exception):
    """A list's query string asks for a filter the list does not offer, or a value it cannot
    read; the message says which."""


class OfferedFiltersChangeList(ChangeList):
    """A change list that filters only by its own filters and refuses what they cannot read.

    Django's admin applies whatever lookup the query string names on the model's own
    columns (``?text__regex=...``, a pattern the database may take seconds to run), and a
    custom filter's unreadable value (``?person=abc``) ends as a server error.
    """

    def get_filters(self, request):
        for name, values in self.get_filters_params().items():
            if not all(self.model_admin.lookup_allowed(name, v, request) for v in values):
                raise RefusedFilter(f"This list offers no filter “{name}”.")
        try:
            specs, has_filters, remaining, duplicates, active = super().get_filters(request)
        except (IncorrectLookupParameters, ValueError, OverflowError) as error:
            raise RefusedFilter(f"The dates chosen are not valid ({error}).") from error
        # What is left once every filter took its parameters: a filtered field by its plain
        # name (?status=open, as ?status__exact=open), the date drill-down's range, or
        # lookups no filter offers.
        offered = {
            item if isinstance(item, str) else item[0]
            for item in self.list_filter
            if isinstance(item, (str, tuple, list))  # not a filter class: it took its own
        }
        if self.date_hierarchy:
            offered |= {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        unoffered = sorted(set(remaining) - offered)
        if unoffered:
            raise RefusedFilter(f"This list offers no filter “{unoffered[0]}”.")
        return specs, has_filters, remaining, duplicates, active

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except (IncorrectLookupParameters, FieldError, ValidationError, ValueError) as error:
            raise RefusedFilter(f"A filter's value is not valid ({_first_line(error)}).") from error


def _first_line(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error).splitlines()[0] if str(error) else type(error).__name__


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
