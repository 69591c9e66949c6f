"""The readers' site tells nothing of what the desk holds unpublished, nor of what other
readers asked for, and sends the headers a security scanner looks for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talks.public.sitemaps import IdRangeSitemap

from .conftest import make_claim, make_meeting, make_person, make_source
from .test_public_rules import published_claim

pytestmark = pytest.mark.django_db


def test_the_sitemap_index_tells_nothing_of_unpublished_claims(client, monkeypatch):
    monkeypatch.setattr(IdRangeSitemap, "limit", 5)
    published_claim(pk=3)  # PostgreSQL's id sequence does not start again for each test
    make_claim(pk=1_000, text="A draft far down the desk.")

    index = client.get("/sitemap.xml").content.decode()

    assert "/sitemap-claims.xml<" in index or "/sitemap-claims.xml?p=1<" in index
    assert "/sitemap-claims.xml?p=2<" not in index


def unpublished_records():
    """A record of each kind with a page, reached by no published claim."""
    claim = make_claim(
        text="A draft about a meeting.", claimant=make_person(), meeting=make_meeting()
    )
    claim.citations.create(source=make_source(), quote="A quote.")
    return {
        "claims": claim.slug,
        "people": claim.claimant.slug,
        "meetings": claim.meeting.slug,
        "sources": claim.citations.get().source.slug,
    }


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 404
    return [query["sql"].replace("'no-such-record'", "%s") for query in queries.captured_queries]


@pytest.mark.parametrize("kind", ["claims", "people", "meetings", "sources"])
def test_an_unpublished_records_404_costs_what_a_missing_records_does(client, kind):
    slug = unpublished_records()[kind]

    unpublished = queries_of(client, f"/{kind}/{slug}/")
    missing = queries_of(client, f"/{kind}/no-such-record/")

    assert len(unpublished) == len(missing)


def test_readers_are_not_told_whether_a_page_came_from_the_cache(client, settings):
    settings.PAGE_CACHE_STATUS_HEADER = False  # production's
    claim = published_claim()
    client.get(claim.get_absolute_url())

    response = client.get(claim.get_absolute_url())

    assert response.status_code == 200
    assert "X-Cache" not in response


@pytest.mark.parametrize("url", ["/claims/", "/healthz", "/admin/login/", "/claims/no-such-claim/"])
def test_every_response_sends_the_headers_a_security_scanner_expects(client, url):
    response = client.get(url)

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
