"""The read API: what a partner's program sees at /api/v1/, the same published record as the
readers' pages, paged by cursor, cached per edition, rate-limited and readable from any origin."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings

from sources.models import SourceBasis
from talks.models import Citation, ClaimSubject, Contradiction

from .conftest import make_claim, make_meeting, make_person, make_source
from .test_public_rules import claim_hung_with, queries_for

pytestmark = pytest.mark.django_db


def published(**fields):
    fields.setdefault("verdict", "false")
    return make_claim(status="published", **fields)


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content
    return response.json()


def slugs(page):
    return [row["slug"] for row in page["results"]]


def test_the_claim_list_holds_published_claims_newest_first_with_their_filters(client):
    witkoff = make_person(name="Steve Witkoff")
    miami = make_meeting(title="Miami talks")
    old = published(text="Talks in Miami were productive", claimant=witkoff, meeting=miami)
    old.published_at = datetime.datetime(2025, 12, 1, 12, tzinfo=datetime.UTC)
    old.save()
    new = published(text="The envoy flew to Moscow", verdict="accurate")
    ClaimSubject.objects.create(claim=new, person=witkoff)
    make_claim(text="A draft about Witkoff", claimant=witkoff)

    assert slugs(get(client, "/api/v1/claims")) == [new.slug, old.slug]
    assert slugs(get(client, "/api/v1/claims?verdict=accurate")) == [new.slug]
    assert slugs(get(client, f"/api/v1/claims?person={witkoff.slug}")) == [new.slug, old.slug]
    assert slugs(get(client, f"/api/v1/claims?meeting={miami.slug}")) == [old.slug]
    assert slugs(get(client, "/api/v1/claims?published_to=2025-12-01")) == [old.slug]
    assert slugs(get(client, "/api/v1/claims?q=moscow")) == [new.slug]
    row = get(client, "/api/v1/claims?q=miami")["results"][0]
    assert row["claimant"]["name"] == "Steve Witkoff"
    assert row["page"] == f"http://testserver{old.get_absolute_url()}"

    for url in [
        "/api/v1/claims?person=nobody",
        "/api/v1/claims?published_from=2025-12-02&published_to=2025-12-01",
        "/api/v1/claims?q=" + "+".join(["word"] * 11),
        "/api/v1/claims?cursor=not-ours",
    ]:
        assert client.get(url).status_code == 400, url
    assert client.get("/api/v1/claims?verdict=perhaps").status_code == 422


def test_a_cursor_pages_through_every_claim_once_even_when_new_ones_are_published(client):
    claims = [published(text=f"Claim {n}") for n in range(7)]
    seen, url = [], "/api/v1/claims?size=3"
    while url:
        page = get(client, url)
        seen += slugs(page)
        url = page["next"]
        if len(seen) == 3:
            published(text="Published while paging")  # comes first, shifts nothing
    assert seen == [claim.slug for claim in reversed(claims)]


def test_a_claim_carries_its_citations_source_chain_contradictions_and_corrections(client):
    claim = published(text="Kushner is Biden's negotiator", claimant=make_person(name="Author"))
    origin, article = make_source(title="Briefing"), make_source(title="Article")
    SourceBasis.objects.create(source=article, basis=origin, note="relays")
    quoted = Citation.objects.create(claim=claim, source=article, quote="Biden's negotiator")
    Citation.objects.create(claim=claim, source=origin, relation="originates")
    quoted.quote, quoted._change_reason = "Biden's negotiators", "The quote was cut short."
    quoted.save()
    other = published(text="Kushner is Trump's son-in-law")
    Contradiction.objects.create(
        claim_a=other, claim_b=claim, kind="role", status="resolved", prevailing_claim=other
    )
    Contradiction.objects.create(claim_a=claim, claim_b=published(), kind="role", status="open")
    claim.verdict, claim._change_reason = "misleading", "The role was misread."
    claim.save()

    found = get(client, f"/api/v1/claims/{claim.slug}")
    assert [c["quote"] for c in found["citations"]] == ["", "Biden's negotiators"]
    chain = found["source_chain"][0]
    assert (chain["source"]["title"], chain["cited"]) == ("Article", True)
    assert chain["bases"][0]["source"]["title"] == "Briefing"
    assert chain["bases"][0]["note"] == "relays"
    assert chain["bases"][0]["is_origin"]
    [contradiction] = found["contradictions"]
    assert (contradiction["other_claim"]["slug"], contradiction["holds"]) == (other.slug, "other")
    quote, verdict = found["corrections"]
    assert quote["previous_quote"] == "Biden's negotiator"
    assert quote["quote"] == "Biden's negotiators"
    assert quote["reason"] == "The quote was cut short."
    assert (verdict["previous_verdict"], verdict["verdict"]) == ("false", "misleading")
    assert (verdict["reason"], verdict["quote"]) == ("The role was misread.", "")


def test_people_meetings_and_sources_are_those_a_published_claim_reaches(client):
    person, meeting = make_person(name="Public", wikidata_id="Q1"), make_meeting(title="Public")
    origin, article = make_source(title="Origin"), make_source(title="Article")
    SourceBasis.objects.create(source=article, basis=origin)
    claim = published(claimant=person, meeting=meeting)
    Citation.objects.create(claim=claim, source=article)
    hidden = make_claim(claimant=make_person(), meeting=make_meeting())
    Citation.objects.create(claim=hidden, source=make_source(title="Hidden"))

    assert slugs(get(client, "/api/v1/people")) == [person.slug]
    assert slugs(get(client, "/api/v1/meetings")) == [meeting.slug]
    assert sorted(slugs(get(client, "/api/v1/sources"))) == sorted([origin.slug, article.slug])
    assert get(client, f"/api/v1/people/{person.slug}")["same_as"].endswith("/Q1")
    assert get(client, f"/api/v1/sources/{article.slug}")["rests_on"][0]["source"]["slug"] == (
        origin.slug
    )
    for record in [hidden.claimant, hidden.meeting, hidden.citations.get().source]:
        kind = {"Person": "people", "Meeting": "meetings", "Source": "sources"}
        url = f"/api/v1/{kind[type(record).__name__]}/{record.slug}"
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", ["/api/v1/claims", "/api/v1/people", "claim", "source"])
def test_every_answer_runs_the_same_queries_whatever_its_size(client, url):
    counts = []
    for n in (1, 30):
        claim = claim_hung_with(n)
        address = {
            "claim": f"/api/v1/claims/{claim.slug}",
            "source": f"/api/v1/sources/{claim.citations.first().source.slug}",
        }.get(url, url)
        cache.clear()
        counts.append(queries_for(client, f"{address}?size=100&n={n}"))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)  # the cache follows commits
def test_an_answer_is_cached_until_what_it_shows_changes_and_confirmed_with_304(client):
    claim = published(text="Before")
    url = f"/api/v1/claims/{claim.slug}"
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
    assert queries_for(client, url) == 2  # the edition and the clock, the tags' stamps
    etag = first["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304

    claim.text, claim._change_reason = "After", "Reworded."
    claim.save()
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert again.json()["text"] == "After"


def test_any_origin_may_read_and_nothing_may_write(client):
    url = "/api/v1/claims"
    assert client.get(url)["Access-Control-Allow-Origin"] == "*"
    assert client.head(url).status_code == 200
    preflight = client.options(url, headers={"origin": "https://partner.example"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    for method in ["post", "put", "patch", "delete"]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS"


@override_settings(FACTDESK_API_RATE_LIMIT="3/min")
def test_an_address_over_the_rate_limit_is_told_to_wait(client):
    for _ in range(3):
        assert client.get("/api/v1/claims").status_code == 200
    refused = client.get("/api/v1/claims")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    other = client.get("/api/v1/claims", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_the_schema_is_openapi_3_1_and_its_docs_page_needs_no_other_site(client):
    schema = get(client, "/api/v1/openapi.json")
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/claims", "/api/v1/claims/{slug}", "/api/v1/sources/{slug}"} <= set(
        schema["paths"]
    )
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "https://" not in docs
    assert "<script>" not in docs  # scripts come from files; the settings are JSON data


@pytest.mark.django_db(transaction=True)  # the cache follows commits
def test_a_new_citation_shows_in_the_claims_answer_and_a_draft_empties_nothing(client):
    claim = published(text="Cited")
    url = f"/api/v1/claims/{claim.slug}"
    assert client.get(url).json()["citations"] == []
    assert client.get(url)["X-Cache"] == "hit"

    make_claim(text="A draft nobody reads")
    assert client.get(url)["X-Cache"] == "hit"
    Citation.objects.create(claim=claim, source=make_source(title="Wire"), quote="Said so")
    assert [c["quote"] for c in client.get(url).json()["citations"]] == ["Said so"]
