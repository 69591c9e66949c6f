"""The sitemap: every published claim, and the people and meetings they reach."""

from django.contrib.sitemaps import Sitemap

from .models import Claim, Meeting, Person


class ClaimSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return Claim.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, claim):
        return claim.updated_at


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.public().order_by("pk").only("slug")


class MeetingSitemap(Sitemap):
    def items(self):
        return Meeting.objects.public().order_by("pk").only("slug")


SITEMAPS = {"claims": ClaimSitemap, "people": PersonSitemap, "meetings": MeetingSitemap}
