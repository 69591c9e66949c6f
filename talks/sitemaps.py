"""The sitemap: every published claim, and the people and meetings they reach."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from .models import Claim, Meeting, Person


class ClaimSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Claim.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, claim):
        return claim.updated_at

    def get_latest_lastmod(self):
        """For the sitemap index, in one query (Django's default reads every claim)."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.public().order_by("pk").only("slug")


class MeetingSitemap(Sitemap):
    def items(self):
        return Meeting.objects.public().order_by("pk").only("slug")


SITEMAPS = {"claims": ClaimSitemap, "people": PersonSitemap, "meetings": MeetingSitemap}
