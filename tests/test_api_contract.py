"""What machines read keeps its promises: the read API its OpenAPI schema (schemathesis
generates requests from it, sends them to the app in-process and checks every answer), and the
ClaimReview data feed what Google asks of fact-check markup (read by a JSON-LD processor)."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from pyld import jsonld
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .test_public_pages import seed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CASES_PER_OPERATION = 25  # a bounded, repeatable run: a few seconds for every operation
# No server error, and every answer as the schema says: its status, its type, its shape. Not
# schemathesis's guess that a request the schema allows must succeed: a person's slug
# that no published claim reaches, or a cursor the API never gave, is a 400 by design.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def one_connection():
    """The app answers in the test's own transaction, as Django's test client has it: no
    request closes the connection (on PostgreSQL it would open another, outside the test's
    transaction, which cannot see its rows)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_generated_request_breaks_the_server_or_the_schema(seed, settings, one_connection):  # noqa: F811
    settings.FACTDESK_API_RATE_LIMIT = "100000/min"  # these requests all come from one address
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_the_schema(case):
            case.call_and_validate(checks=CHECKS)

        keeps_the_schema()


# --- The ClaimReview data feed, as a JSON-LD processor reads it ---------------------------------

SCHEMA = "http://schema.org/"
# What schema.org's context says of its terms: every name is in its vocabulary. Kept here, so
# the test never fetches https://schema.org/ (the suite runs without a network).
SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": SCHEMA}}

# Google's fact-check markup (developers.google.com/search/docs/appearance/structured-data/
# factcheck): what it requires and what it recommends, by the node that carries it.
REVIEW_PROPERTIES = ["claimReviewed", "reviewRating", "url", "author", "datePublished"]
RATING_PROPERTIES = ["alternateName"]
SCORED_PROPERTIES = ["ratingValue", "bestRating", "worstRating"]
CLAIM_PROPERTIES = ["author", "datePublished", "appearance", "firstAppearance"]
AUTHOR_PROPERTIES = ["name"]


def schema_org_loader(url, options=None):
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


def missing(node, properties):
    return [name for name in properties if not node.get(SCHEMA + name)]


def test_every_review_in_the_feed_has_what_google_requires_and_recommends(seed, client):  # noqa: F811
    feed = client.get("/claimreview.json").json()
    [expanded] = jsonld.expand(feed, {"documentLoader": schema_org_loader})
    assert expanded["@type"] == [SCHEMA + "DataFeed"]
    elements = expanded[SCHEMA + "dataFeedElement"]
    assert len(elements) == len(feed["dataFeedElement"]) > 0

    problems = []
    for element in elements:
        [review] = element[SCHEMA + "item"]
        [rating], [claim] = review[SCHEMA + "reviewRating"], review[SCHEMA + "itemReviewed"]
        scored = rating.get(SCHEMA + "alternateName", [{}])[0].get("@value") != "Unverifiable"
        for node, properties in [
            (element, ["dateCreated", "dateModified"]),
            (review, REVIEW_PROPERTIES),
            (review.get(SCHEMA + "author", [{}])[0], AUTHOR_PROPERTIES),
            (rating, RATING_PROPERTIES + (SCORED_PROPERTIES if scored else [])),
            (claim, CLAIM_PROPERTIES),
            (claim.get(SCHEMA + "author", [{}])[0], AUTHOR_PROPERTIES),
        ]:
            problems += [
                (review[SCHEMA + "url"][0]["@value"], name) for name in missing(node, properties)
            ]
        assert review["@type"] == [SCHEMA + "ClaimReview"]
    assert problems == []
