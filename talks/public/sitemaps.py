"""The sitemap: every published claim, and the people and meetings they reach.

Each sitemap page is a range of ids (page 3 holds the rows with ids 4,001 to 6,000), not an
offset into a count: at a million claims, counting the published ones for the index and
skipping to page 300 both read every row before the page; a range reads its own rows. The
pages run to the last published row's id (the index tells no one how many rows the desk holds
unpublished), so a range with nothing published in it is an empty page.
"""

from math import ceil
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.utils.functional import cached_property

from .. import visibility


class IdRangePaginator:
    """What Django's sitemap views ask of a paginator, by ranges of ``per_page`` ids."""

    def __init__(self, queryset, per_page):
        self.queryset, self.per_page = queryset, per_page

    @cached_property
    def num_pages(self):
        last_id = self.queryset.aggregate(last=Max("pk"))["last"] or 0
        return max(1, ceil(last_id / self.per_page))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(number) from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        first_id = (number - 1) * self.per_page + 1
        rows = self.queryset.filter(pk__gte=first_id, pk__lt=first_id + self.per_page)
        return SimpleNamespace(object_list=rows)


class IdRangeSitemap(Sitemap):
    limit = 2_000  # a page renders in about 150 ms

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        """None: the index shows no lastmod (talks/sitemap_index.xml says why), and Django's
        default reads every row to find it."""
        return None


class ClaimSitemap(IdRangeSitemap):
    def items(self):
        return visibility.claims().order_by("pk").only("slug", "updated_at")

    def lastmod(self, claim):
        return claim.updated_at


class PersonSitemap(IdRangeSitemap):
    def items(self):
        return visibility.people().order_by("pk").only("slug")


class MeetingSitemap(IdRangeSitemap):
    def items(self):
        return visibility.meetings().order_by("pk").only("slug")


SITEMAPS = {"claims": ClaimSitemap, "people": PersonSitemap, "meetings": MeetingSitemap}
