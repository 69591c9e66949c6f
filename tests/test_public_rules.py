"""The public pages are read-only, show nothing unpublished, escape every text, send the
security headers, and stay fast: a fixed number of queries, a cache that a change empties at
once, and answers of 304 while a reader's copy still holds."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.models import SourceBasis
from sources.provenance import ProvenanceMap
from talks.models import (
    Citation,
    ClaimSubject,
    Contradiction,
    Participant,
    PersonAlias,
    Role,
)

from .conftest import make_claim, make_meeting, make_person, make_source
from .test_public_pages import chain_links, claim_review, text_of

pytestmark = pytest.mark.django_db

PUBLISHED = {"status": "published", "verdict": "false"}


def published_claim(**fields):
    return make_claim(**PUBLISHED, **fields)


@pytest.fixture
def claim_with_everything(commits):
    """A published claim with a claimant, a meeting, a subject and a cited source chain."""
    return commits(make_claim_with_everything)


def make_claim_with_everything():
    person = make_person(name="Rustem Umerov")
    meeting = make_meeting(title="Miami talks", start_date=datetime.date(2025, 11, 30))
    origin = make_source(title="Delegation briefing")
    article = make_source(title="The article")
    SourceBasis.objects.create(source=article, basis=origin)
    claim = published_claim(claimant=person, meeting=meeting, claimed_on=datetime.date(2025, 12, 5))
    Citation.objects.create(claim=claim, source=article, quote="As reported.")
    Citation.objects.create(claim=claim, source=origin, quote="As said.", relation="originates")
    ClaimSubject.objects.create(claim=claim, person=person)
    Participant.objects.create(meeting=meeting, person=person, side="Ukraine")
    return claim


def public_urls(claim):
    person, meeting = claim.claimant, claim.meeting
    source = claim.citations.first().source
    return [
        "/",
        "/claims/",
        "/claims/?q=umerov",
        claim.get_absolute_url(),
        person.get_absolute_url(),
        meeting.get_absolute_url(),
        f"/sources/{source.slug}/",
        "/feed/",
        "/claimreview.json",
        "/sitemap.xml",
        "/sitemap-claims.xml",
        "/robots.txt",
        "/healthz",
    ]


def api_urls(claim):
    """The read API's addresses that show ``claim`` and what it reaches (tests/test_api.py)."""
    person, meeting = claim.claimant, claim.meeting
    source = claim.citations.first().source
    return [
        "/api/v1/claims",
        "/api/v1/claims?q=secret",
        f"/api/v1/claims?person={person.slug}",
        f"/api/v1/claims?meeting={meeting.slug}",
        f"/api/v1/claims/{claim.slug}",
        "/api/v1/people",
        f"/api/v1/people/{person.slug}",
        "/api/v1/meetings",
        f"/api/v1/meetings/{meeting.slug}",
        "/api/v1/sources",
        f"/api/v1/sources/{source.slug}",
    ]


# --- Read-only ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_every_public_url_answers_only_get_and_head(client, claim_with_everything, method):
    for url in public_urls(claim_with_everything):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD", url
        assert client.get(url).status_code in (200, 302), url
        assert client.head(url).status_code in (200, 302), url


def test_no_public_page_links_to_the_admin_or_offers_a_form_that_writes(
    client, claim_with_everything
):
    for url in public_urls(claim_with_everything):
        html = client.get(url, follow=True).content.decode()
        assert "/admin/" not in html.replace("Disallow: /admin/", ""), url
        assert not re.search(r'<form[^>]+method="post"', html, re.I), url
        assert "csrfmiddlewaretoken" not in html, url


# --- Nothing unpublished -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "in_review", "retracted"])
def test_an_unpublished_claim_is_not_found_and_shows_nowhere(client, claim_with_everything, status):
    published = claim_with_everything
    hidden = make_claim(
        text="Secret claim under review",
        status=status,
        verdict="false" if status == "retracted" else "",
        claimant=published.claimant,
        meeting=published.meeting,
        published_at=timezone.now() if status == "retracted" else None,
    )
    source = published.citations.first().source
    Citation.objects.create(claim=hidden, source=source, quote="Secret quote")
    ClaimSubject.objects.create(claim=hidden, person=published.claimant)
    Contradiction.objects.create(
        claim_a=published, claim_b=hidden, kind="role", status="confirmed", note="Secret note"
    )

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/claims/{hidden.slug}").status_code == 404
    for url in [
        *public_urls(published),
        "/claims/?q=secret",
        "/sitemap-people.xml",
        *api_urls(published),
    ]:
        body = client.get(url, follow=True).content.decode()
        assert hidden.slug not in body, url
        assert "Secret" not in body, url


def test_people_meetings_and_sources_that_only_unpublished_claims_reach_are_not_found(client):
    person = make_person(name="Only in a draft")
    meeting = make_meeting(title="Only in a draft")
    source = make_source(title="Only in a draft")
    draft = make_claim(claimant=person, meeting=meeting)
    Citation.objects.create(claim=draft, source=source)
    for url in [
        person.get_absolute_url(),
        meeting.get_absolute_url(),
        f"/sources/{source.slug}/",
        "/people/nobody/",
        "/claims/nothing/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "There is no published page at this address." in text_of(response)
    for url in [
        f"/api/v1/{kind}/{record.slug}"
        for kind, record in [("people", person), ("meetings", meeting), ("sources", source)]
    ]:
        assert client.get(url).status_code == 404, url

    draft.status, draft.verdict = "published", "accurate"
    draft.save()
    for url in [person.get_absolute_url(), meeting.get_absolute_url(), f"/sources/{source.slug}/"]:
        assert client.get(url).status_code == 200, url


def test_only_decided_contradictions_between_published_claims_are_shown(
    client, claim_with_everything
):
    claim = claim_with_everything
    confirmed = published_claim(text="Confirmed other claim")
    opened = published_claim(text="Open other claim")
    resolved = published_claim(text="Resolved other claim")
    dismissed = published_claim(text="Dismissed other claim")
    for other, status, holds in [
        (confirmed, "confirmed", None),
        (opened, "open", None),
        (resolved, "resolved", claim),
        (dismissed, "dismissed", None),
    ]:
        Contradiction.objects.create(
            claim_a=other, claim_b=claim, kind="role", status=status, prevailing_claim=holds
        )
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Confirmed other claim" in page
    assert "Resolved other claim" in page
    assert "This claim holds." in page
    assert "Open other claim" not in page
    assert "Dismissed other claim" not in page
    assert "The other claim holds." in text_of(client.get(resolved.get_absolute_url()))


# --- Escaping and headers ----------------------------------------------------------------------


SCRIPT = "<script>alert(1)</script>"


def test_every_text_is_escaped(client):
    x = SCRIPT
    person = make_person(name=f"Person {x}", description=x, wikidata_id="")
    # Languages are codes from a list the database holds them to: nothing to break out with.
    PersonAlias.objects.create(person=person, name=x, language="uk")
    Role.objects.create(person=person, title=x, organisation=x, note=x)
    meeting = make_meeting(title=f"Meeting {x}", place=x, country=x, description=x)
    Participant.objects.create(meeting=meeting, person=person, side=x, note=x)
    origin = make_source(
        title=f"Origin {x}",
        outlet=x,
        author=x,
        notes=x,
        language="uk",
        url="javascript:alert(1)",
        archive_url="javascript:alert(2)",
    )
    source = make_source(title=f"Source {x}", outlet=x, author=x, notes=x)
    SourceBasis.objects.create(source=source, basis=origin, note=x)
    claim = published_claim(
        text=f"Claim {x}", claimant=person, meeting=meeting, claimant_label=x, verdict_rationale=x
    )
    other = published_claim(text=f"Other {x}")
    Citation.objects.create(claim=claim, source=source, quote=x, location=x)
    Citation.objects.create(claim=claim, source=origin, quote=x, location=x)
    ClaimSubject.objects.create(claim=claim, person=person)
    Contradiction.objects.create(
        claim_a=claim, claim_b=other, kind="role", status="resolved", note=x,
        prevailing_claim=other, resolution_note=x,
    )  # fmt: skip
    claim.text = f"Corrected {x}"
    claim._change_reason = x
    claim.save()

    urls = [
        claim.get_absolute_url(),
        "/claims/",
        f"/claims/?q={x}",
        person.get_absolute_url(),
        meeting.get_absolute_url(),
        f"/sources/{source.slug}/",
        f"/sources/{origin.slug}/",
        "/feed/",
        "/sitemap-claims.xml",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<script>" not in html.replace('<script type="application/ld+json">', ""), url
        assert "<i>" not in html, url
        assert "javascript:" not in html, url
    page = client.get(claim.get_absolute_url())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()
    assert claim_review(page)["claimReviewed"] == f"Corrected {x}"


@pytest.mark.parametrize("cache", ["miss", "hit"])
def test_public_pages_send_the_security_headers_and_no_cookie(client, claim_with_everything, cache):
    url = claim_with_everything.get_absolute_url()
    if cache == "hit":
        client.get(url)
    response = client.get(url)
    assert response["X-Cache"] == cache
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


# --- Fast: queries, cache, conditional GET -----------------------------------------------------


def claim_hung_with(n):
    """A published claim with ``n`` each of citations (each source resting on another),
    people it is about, decided contradictions and corrections."""
    claim = published_claim(claimant=make_person(), meeting=make_meeting())
    for i in range(n):
        source, basis = make_source(), make_source()
        SourceBasis.objects.create(source=source, basis=basis)
        Citation.objects.create(claim=claim, source=source, quote=f"Quote {i}")
        ClaimSubject.objects.create(claim=claim, person=make_person())
        Contradiction.objects.create(
            claim_a=claim, claim_b=published_claim(), kind="date", status="confirmed"
        )
        claim.text = f"Wording {i}"
        claim._change_reason = f"Correction {i}"
        claim.save()
    return claim


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_claim_page_runs_the_same_queries_with_one_or_fifty_of_everything(client, commits):
    small, large = commits(lambda: (claim_hung_with(1), claim_hung_with(50)))
    large_page = text_of(client.get(large.get_absolute_url()))
    assert large_page.count("Correction ") == 50
    assert large_page.count("Quote ") == 50

    cold = [queries_for(client, claim.get_absolute_url() + "?cold") for claim in (small, large)]
    for claim in (small, large):
        client.get(claim.get_absolute_url())
    warm = [queries_for(client, claim.get_absolute_url()) for claim in (small, large)]
    # The edition and the clock, the claim, its citations, people, source bases,
    # contradictions, corrections (of the claim, and of its quotes).
    assert cold == [8, 8]
    # Warm: the edition and the clock, the stamps of the page's tags.
    assert warm == [2, 2]


@pytest.mark.parametrize(
    "page",
    ["/claims/", "/claims/?q=claim", "person", "meeting", "source", "/feed/", "/claimreview.json"],
)
def test_other_pages_run_the_same_queries_whatever_their_size(client, page):
    counts = []
    for n in (1, 30):
        claim = claim_hung_with(n)
        url = {
            "person": claim.claimant.get_absolute_url(),
            "meeting": claim.meeting.get_absolute_url(),
            "source": f"/sources/{claim.citations.first().source.slug}/",
        }.get(page, page)
        cache.clear()  # every query the page needs, none remembered from the first round
        counts.append(queries_for(client, f"{url}{'&' if '?' in url else '?'}n={n}"))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "change",
    [
        "claim text",
        "citation quote",
        "source title",
        "basis of a source",
        "claimant's name",
        "meeting title",
        "new contradiction",
        "citation removed",
    ],
)
@pytest.mark.django_db(transaction=True)  # the cache follows commits
def test_a_change_to_anything_on_the_page_shows_at_once(client, claim_with_everything, change):
    claim = claim_with_everything
    url = claim.get_absolute_url()
    assert client.get(url).status_code == 200  # now cached
    citation = claim.citations.get(relation="repeats")
    make_change(change, claim, citation)
    if change == "basis of a source":
        assert "It rests on 1 more source" in text_of(client.get(url))
    elif change == "citation removed":
        assert "As reported." not in client.get(url).content.decode()
    else:
        assert "CHANGED" in client.get(url).content.decode()


def make_change(change, claim, citation):
    if change == "claim text":
        claim.text = "CHANGED"
        claim.save()
    elif change == "citation quote":
        citation.quote = "CHANGED"
        citation.save()
    elif change == "source title":
        citation.source.title = "CHANGED"
        citation.source.save()
    elif change == "basis of a source":
        SourceBasis.objects.create(source=citation.source, basis=make_source(title="New basis"))
    elif change == "claimant's name":
        claim.claimant.name = "CHANGED"
        claim.claimant.save()
    elif change == "meeting title":
        claim.meeting.title = "CHANGED"
        claim.meeting.save()
    elif change == "new contradiction":
        other = published_claim(text="CHANGED")
        Contradiction.objects.create(claim_a=claim, claim_b=other, kind="date", status="confirmed")
    elif change == "citation removed":
        citation.delete()


@pytest.mark.django_db(transaction=True)
def test_a_readers_copy_is_confirmed_with_304_until_the_page_changes(client, claim_with_everything):
    url = claim_with_everything.get_absolute_url()
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
    assert (first["X-Cache"], client.get(url)["X-Cache"]) == ("miss", "hit")
    etag, modified = first["ETag"], first["Last-Modified"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    claim_with_everything.verdict_rationale = "A new reason."
    claim_with_everything.save()
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_provenance_walks_every_level_in_one_query_and_a_cycle_ends_it(
    client, django_assert_num_queries
):
    article, agency, briefing, leak = (make_source(title=t) for t in ["A", "B", "C", "D"])
    for source, basis in [(article, agency), (agency, briefing), (briefing, leak), (leak, agency)]:
        SourceBasis.objects.create(source=source, basis=basis)
    with django_assert_num_queries(1):
        tree = ProvenanceMap(SourceBasis.objects.upstream_of([article.pk])).tree(article)
    walked = []
    while tree.bases:
        (tree,) = tree.bases
        walked.append(tree.source)
    assert walked == [agency, briefing, leak]

    claim = published_claim()
    Citation.objects.create(claim=claim, source=article, quote="Quoted")
    Citation.objects.create(claim=claim, source=leak, quote="Leaked", relation="originates")
    page = client.get(claim.get_absolute_url())
    chain = [href for href in chain_links(page) if "/sources/" in href]
    assert chain == [f"/sources/{s.slug}/" for s in (article, agency, briefing, leak)]
    # A source only behind cited ones is on the public record too, with no claim citing it.
    behind = client.get(f"/sources/{agency.slug}/")
    assert behind.status_code == 200
    assert "No published claim cites it directly" in text_of(behind)


@pytest.mark.django_db(transaction=True)
def test_an_import_shows_on_the_public_pages_at_once(client, tmp_path):
    """The importer writes by COPY, without signals; the cached pages must still move on."""
    from talks.exchange import import_fixtures
    from talks.models.editions import Edition

    before = Edition.current().number
    fixture = tmp_path / "one.json"
    fixture.write_text(
        '[{"model": "talks.person", "fields": {"slug": "new-envoy", "name": "New Envoy"}}]'
    )

    import_fixtures([fixture])

    assert Edition.current().number > before


def test_the_list_offers_the_people_and_meetings_of_the_newest_claims_and_the_chosen(
    client, monkeypatch
):
    from talks.public import forms

    monkeypatch.setattr(forms, "TOP_ROWS", 1)
    old = published_claim(claimant=make_person(name="Old Speaker"), meeting=make_meeting())
    new = published_claim(claimant=make_person(name="New Speaker"), meeting=make_meeting())

    def offered(page, name, slug):
        return f'<option value="{slug}"' in page and name in page

    listed = client.get("/claims/").content.decode()
    chosen = client.get("/claims/", {"person": old.claimant.slug}).content.decode()

    assert offered(listed, "New Speaker", new.claimant.slug)
    assert offered(listed, new.meeting.title, new.meeting.slug)
    assert not offered(listed, "Old Speaker", old.claimant.slug)
    assert not offered(listed, old.meeting.title, old.meeting.slug)
    assert offered(chosen, "Old Speaker", old.claimant.slug)
