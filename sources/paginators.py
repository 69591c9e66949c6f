"""Pagination that never counts a whole large table.

The admin counts every changelist. On a table of a million rows an exact ``COUNT(*)`` costs
more than the page itself, so lists count up to a bound ("more than 10,000"), and an unfiltered list
of a large PostgreSQL table takes the planner's estimate of its size ("about 1,000,000").
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .planner import estimated_table_rows


class BoundedCountPaginator(Paginator):
    count_bound = 10_000
    count_is_estimate = False
    count_is_bounded = False

    def __init__(self, *args, count_bound=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_bound = count_bound or self.count_bound

    @cached_property
    def count(self):
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return len(queryset)
        estimate = _estimated_rows(queryset)
        if estimate is not None and estimate > self.count_bound:
            self.count_is_estimate = True
            return estimate
        count = count_up_to(queryset, self.count_bound + 1)
        self.count_is_bounded = count > self.count_bound
        return count


def count_up_to(queryset, limit):
    """How many rows the query gives, counting no further than ``limit``.

    Unordered and by id only, so that PostgreSQL may count from an index and stop at the
    limit, and computes no row's annotations (a search vector, a count of related rows)."""
    return queryset.order_by().values("pk")[:limit].count()


def _estimated_rows(queryset):
    """The planner's row estimate for an unfiltered PostgreSQL table, else None."""
    if queryset.query.where:
        return None
    return estimated_table_rows(queryset.model, queryset.db) or None
