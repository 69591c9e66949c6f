"""The public pages read well for the seed: claims, provenance, people, meetings, sources,
search, the corrections log, ClaimReview, the feed and the sitemap."""

import datetime
import html
import json
import re
from html.parser import HTMLParser
from io import StringIO
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from sources.models import SourceBasis
from talks import visibility
from talks.models import Citation, Claim

from .conftest import SEED_FIXTURE, make_claim, make_source

pytestmark = pytest.mark.django_db

PUBLISHED_IN_SEED = 18
IN_REVIEW = "follow-up-with-bidens-negotiators"


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def text_of(response):
    """The page as a reader sees it: text without tags, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|strong|em|span|time|q|cite)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").split())


class Links(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.hrefs = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def links(response):
    return Links(response.content.decode()).hrefs


def chain_links(response):
    """The links of the chain of sources alone, past the summary of origins above it."""
    html = response.content.decode()
    return Links(html[html.index('class="chain chain-root"') :]).hrefs


def claim_review(response):
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(found) == 1
    return json.loads(found[0])


# --- The list, search and filters --------------------------------------------------------------


def test_list_shows_every_published_claim_of_the_seed_newest_first_and_nothing_else(seed, client):
    response = client.get("/claims/")
    assert response.status_code == 200
    claims = [href for href in links(response) if re.fullmatch(r"/claims/[\w-]+/", href)]
    published = visibility.claims().newest_first()
    assert claims == [claim.get_absolute_url() for claim in published]
    assert len(claims) == PUBLISHED_IN_SEED
    assert f"/claims/{IN_REVIEW}/" not in claims
    assert "18 published claims, newest first" in text_of(response)


def test_search_finds_the_claims_that_name_a_word_and_says_when_nothing_matches(seed, client):
    found = links(client.get("/claims/", {"q": "Umerov"}))
    assert "/claims/ukrainian-delegation-led-by-umerov/" in found
    assert "/claims/umerov-clear-directives-from-president/" in found
    assert "/claims/rubio-task-beyond-ending-war/" not in found
    assert "No published claim matches." in text_of(client.get("/claims/", {"q": "zeppelin"}))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"verdict": "unverifiable"}, 4),
        ({"person": "marco-rubio"}, 2),
        ({"meeting": "moscow-putin-witkoff-2025-12-02"}, 5),
        ({"published_from": "2025-12-05", "published_to": "2025-12-05"}, PUBLISHED_IN_SEED),
        ({"published_from": "2025-12-06"}, 0),
        ({"q": "Rubio", "verdict": "mostly_accurate"}, 3),
    ],
)
def test_filters_narrow_the_list(seed, client, filters, expected):
    response = client.get("/claims/", filters)
    assert response.status_code == 200
    shown = [href for href in links(response) if re.fullmatch(r"/claims/[\w-]+/", href)]
    assert len(shown) == expected


def test_a_filter_that_does_not_fit_says_which_and_why(seed, client):
    response = client.get("/claims/", {"person": "nobody", "published_from": "5 December"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Person: No person with published claims has that name." in page
    assert "Published from: Enter a valid date." in page


def test_the_person_filter_offers_only_people_a_published_claim_reaches(seed, client):
    html = client.get("/claims/").content.decode()
    assert '<option value="marco-rubio">Marco Rubio</option>' in html
    # Joe Biden is named only by the claim in review.
    assert "joe-biden" not in html


def test_search_finds_a_claim_by_new_words_however_they_were_written(seed, client):
    """The database derives what the search reads from the texts: an edit by a save or by a
    bulk update is found at once."""
    claim = visibility.claims().newest_first().last()
    claim.claimant_label = "a spokesman in Zaporizhzhia, Умеров's deputy"
    claim._change_reason = "Named where the spokesman spoke"
    claim.save()
    other = visibility.claims().newest_first().first()
    Claim.objects.filter(pk=other.pk).update(verdict_rationale="Read against the transcript.")

    for word in ("Zaporizhzhia", "zaporizhzhia", "Умеров"):
        found = links(client.get("/claims/", {"q": word}))
        assert found.count(claim.get_absolute_url()) == 1, word
    assert set(Claim.objects.search("transcript")) == {other}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
@pytest.mark.parametrize(
    ("by_id", "common", "reads_ahead"),
    [(10_000, 100_000, True), (1, 100_000, True), (10_000, 0, False)],
    ids=["few matches, by id", "many, row by row", "common by the statistics, row by row"],
)
def test_search_on_postgresql_finds_the_matches_in_the_full_text_index(
    seed, monkeypatch, by_id, common, reads_ahead
):
    monkeypatch.setattr("talks.models.claim_search.SEARCH_IDS", by_id)
    monkeypatch.setattr("talks.models.claim_search.COMMON_MATCHES", common)
    with CaptureQueriesContext(connection) as queries:
        found = list(Claim.objects.search("delegation"))
    searches = [q["sql"] for q in queries if "@@" in q["sql"] and "EXPLAIN" not in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {searches[0]}")
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert "talks_claim_search" in plan
    assert any(f"LIMIT {by_id + 1}" in sql for sql in searches) == reads_ahead
    matching = Claim.objects.filter(
        Q(text__icontains="delegation")
        | Q(claimant_label__icontains="delegation")
        | Q(verdict_rationale__icontains="delegation")
    )
    assert set(found) == set(matching) != set()


# --- The claim page ---------------------------------------------------------------------------


def test_claim_page_shows_the_claim_who_made_it_the_verdict_and_why(seed, client):
    response = client.get("/claims/umerov-clear-directives-from-president/")
    page = text_of(response)
    claim = Claim.objects.get(slug="umerov-clear-directives-from-president")
    assert claim.text in page
    assert "Our verdict Unverifiable" in page
    assert claim.verdict_rationale in page
    assert "Fact check · published 5 December 2025" in page
    assert "/people/rustem-umerov/" in links(response)
    assert "U.S.–Ukrainian meeting in Miami, 30 November 2025, Miami, Florida, United States" in (
        page
    )
    assert "No corrections since it was published on 5 December 2025." in page


def test_claim_page_follows_each_source_back_to_the_origin_with_its_exact_quote(seed, client):
    response = client.get("/claims/miami-talks-concluded/")
    page = text_of(response)
    chain = list(
        dict.fromkeys(href for href in chain_links(response) if href.startswith("/sources/"))
    )
    assert chain == [
        "/sources/article-2025-12-05-miami-talks/",
        "/sources/suspilne-report-miami-talks-concluded/",
        "/sources/ukrainian-delegation-sources-miami-talks/",
    ]
    assert "Relays Suspilne’s report that the Miami meeting has concluded" in page
    assert "Suspilne’s report rests on sources within the Ukrainian delegation." in page
    for citation in Claim.objects.get(slug="miami-talks-concluded").citations.all():
        assert citation.quote in page
    assert page.count("This is where the claim starts") == 1
    # The article rests on six more sources that have nothing to do with this claim.
    assert "It rests on 6 more sources" in page


def test_source_page_shows_everything_it_rests_on_and_the_claims_citing_it(seed, client):
    article = client.get("/sources/article-2025-12-05-miami-talks/")
    bases = [href for href in links(article) if href.startswith("/sources/")]
    assert len(set(bases)) == 8  # seven bases, and the briefing behind Suspilne
    assert "/claims/miami-talks-concluded/" in links(article)
    assert f"/claims/{IN_REVIEW}/" not in links(article)

    briefing = client.get("/sources/ukrainian-delegation-sources-miami-talks/")
    assert "this source is the origin of what it says" in text_of(briefing)
    assert "/claims/ukrainian-side-umerov-hnatov/" in links(briefing)
    # The article relays Suspilne, but a claim citing only the article does not rest on it.
    suspilne = links(client.get("/sources/suspilne-report-miami-talks-concluded/"))
    assert "/claims/miami-talks-concluded/" in suspilne
    assert "/claims/moscow-meeting-nearly-five-hours/" not in suspilne


def test_person_page_shows_who_they_are_their_roles_meetings_and_claims(seed, client):
    response = client.get("/people/rustem-umerov/")
    page = text_of(response)
    assert "Rustem Umerov" in page
    assert "Secretary of the National Security and Defense Council of Ukraine" in page
    assert "Умєров" in page
    assert "/meetings/miami-talks-2025-11-30/" in links(response)
    assert "/claims/umerov-clear-directives-from-president/" in links(response)  # made
    assert "/claims/ukrainian-delegation-led-by-umerov/" in links(response)  # about


def test_meeting_page_shows_date_place_participants_and_claims(seed, client):
    response = client.get("/meetings/miami-talks-2025-11-30/")
    page = text_of(response)
    assert "30 November 2025 · Miami, Florida, United States" in page
    assert "/people/rustem-umerov/" in links(response)
    assert "/claims/miami-talks-concluded/" in links(response)

    planned = text_of(client.get("/meetings/follow-up-talks-2025-12-04/"))
    assert "Planned" in planned
    assert "Around 4 December 2025" in planned


# --- Corrections -------------------------------------------------------------------------------


def test_corrections_log_lists_each_change_of_text_or_verdict_with_date_and_reason(seed, client):
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    original = claim.text
    claim.verdict_rationale += " Checked again."
    claim._change_reason = "Rationale polished"
    claim.save()
    claim.text = "The Putin–Witkoff meeting in Moscow lasted about five hours."
    claim._change_reason = "The article says nearly five hours, not over five"
    claim.save()
    claim.verdict = Claim.Verdict.MOSTLY_ACCURATE
    claim._change_reason = "Only one source gives the duration"
    claim.save()

    page = text_of(client.get(claim.get_absolute_url()))
    log = page[page.index("Corrections") :]
    assert "The article says nearly five hours, not over five" in log
    assert f"The claim read: {original}" in log
    assert "Only one source gives the duration" in log
    assert "The verdict was Accurate, now Mostly accurate." in log
    assert "Rationale polished" not in log
    assert "Fact check · published 5 December 2025 · corrected" in page


def test_changes_before_publication_are_not_corrections(client):
    claim = Claim.objects.create(text="A first wording.", status=Claim.Status.DRAFT)
    claim.text = "A better wording."
    claim.save()
    claim.status, claim.verdict = Claim.Status.PUBLISHED, Claim.Verdict.FALSE
    claim.save()
    assert list(claim.history.corrections()) == []
    assert "No corrections since" in text_of(client.get(claim.get_absolute_url()))


# --- ClaimReview -------------------------------------------------------------------------------


@override_settings(
    FACTDESK_PUBLISHER_NAME="Kyiv Fact Desk", FACTDESK_PUBLISHER_URL="https://facts.example.org/"
)
def test_claim_review_carries_every_property_google_asks_for(seed, client):
    claim = Claim.objects.get(slug="zelenskyy-peace-plan-20-points")
    review = claim_review(client.get(claim.get_absolute_url()))
    base = "http://testserver"
    article = {
        "@type": "CreativeWork",
        "headline": claim.citations.get(source__slug="article-2025-12-05-miami-talks").source.title,
        "url": f"{base}/sources/article-2025-12-05-miami-talks/",
        "datePublished": "2025-12-05",
        "inLanguage": "en",
    }
    announcement = {
        "@type": "CreativeWork",
        "headline": "Announcement by Volodymyr Zelenskyy in Ireland on the 20-point peace plan",
        "url": f"{base}/sources/zelenskyy-announcement-ireland-2025-12-02/",
        "datePublished": "2025-12-02",
        "author": {"@type": "Person", "name": "Volodymyr Zelenskyy"},
    }
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base}/claims/zelenskyy-peace-plan-20-points/",
        "claimReviewed": "The peace plan now contains 20 points.",
        "inLanguage": "en",
        "datePublished": "2025-12-05",
        "dateModified": claim.published_at.isoformat(),
        "author": {
            "@type": "Organization",
            "name": "Kyiv Fact Desk",
            "url": "https://facts.example.org/",
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "Accurate",
        },
        "itemReviewed": {
            "@type": "Claim",
            "text": "The peace plan now contains 20 points.",
            "inLanguage": "en",
            "author": {
                "@type": "Person",
                "name": "Volodymyr Zelenskyy",
                "sameAs": "https://www.wikidata.org/wiki/Q3874799",
            },
            "datePublished": "2025-12-02",
            "appearance": [announcement, article],
            "firstAppearance": announcement,
        },
    }


def test_claim_review_of_an_unattributed_unverifiable_claim(seed, client):
    claim = Claim.objects.get(slug="headline-20-point-plan-discussed-in-miami")
    review = claim_review(client.get(claim.get_absolute_url()))
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    item = review["itemReviewed"]
    # The article names neither author nor outlet: the claimant is who the desk wrote down,
    # not an organisation.
    assert item["author"] == {"@type": "Person", "name": "The article’s headline"}
    assert item["firstAppearance"]["url"].endswith("/sources/article-2025-12-05-miami-talks/")
    assert item["datePublished"] == "2025-12-05"
    assert review["author"]["url"] == "http://testserver/"


def test_claim_review_names_the_claimant_from_where_the_claim_starts(client):
    outlet = make_source(title="Kyiv Post story", outlet="Kyiv Post", language="en")
    article = make_source(title="Relaying article", published_on=datetime.date(2025, 12, 5))
    SourceBasis.objects.create(source=article, basis=outlet)
    words = "The delegation agreed on every one of the twenty points in Miami after long talks."
    claim = make_claim(
        text=words, claimant_label="Unnamed officials", status="published", verdict="false"
    )
    Citation.objects.create(claim=claim, source=article)
    Citation.objects.create(claim=claim, source=outlet)
    review = claim_review(client.get(claim.get_absolute_url()))
    item = review["itemReviewed"]
    assert len(review["claimReviewed"]) <= 75
    assert words.startswith(review["claimReviewed"].rstrip("…"))
    assert item["text"] == words
    assert item["author"] == {"@type": "Organization", "name": "Kyiv Post"}
    assert item["firstAppearance"]["headline"] == "Kyiv Post story"
    assert [work["headline"] for work in item["appearance"]] == [
        "Relaying article",
        "Kyiv Post story",
    ]

    outlet.author = "Olena Roshchyna"
    outlet.save()
    cache.clear()  # the edition moves on at commit, which this test never reaches
    item = claim_review(client.get(claim.get_absolute_url()))["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Olena Roshchyna"}


def test_the_claim_review_feed_holds_every_published_review_and_each_correction(seed, client):
    corrected = Claim.objects.get(slug="rubio-task-beyond-ending-war")
    corrected.verdict, corrected._change_reason = "misleading", "Rubio spoke of the talks only"
    corrected.save()
    make_claim(text="A draft nobody reads", verdict="false")

    response = client.get("/claimreview.json")
    assert response["Content-Type"] == "application/ld+json"
    feed = response.json()
    assert (feed["@context"], feed["@type"]) == ("https://schema.org", "DataFeed")
    elements = {e["item"]["url"].split("/")[-2]: e for e in feed["dataFeedElement"]}
    assert set(elements) == set(visibility.claims().values_list("slug", flat=True))
    element = elements[corrected.slug]
    [correction] = element["item"]["correction"]
    assert correction["text"] == "Rubio spoke of the talks only"
    assert element["dateModified"] == correction["datePublished"] == feed["dateModified"]
    assert element["item"]["reviewRating"]["alternateName"] == "Misleading"
    assert claim_review(client.get(corrected.get_absolute_url())) == {
        "@context": "https://schema.org",
        **element["item"],
    }


def test_claim_review_links_a_source_to_its_own_address_when_the_desk_has_one(seed, client):
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    source = claim.citations.get().source
    source.url = "https://example.org/news/miami-talks?utm_source=x"
    source.save()
    review = claim_review(client.get(claim.get_absolute_url()))
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://example.org/news/miami-talks"


# --- Feed, sitemap, robots ---------------------------------------------------------------------


def test_feed_lists_published_claims_and_corrections_newest_first(seed, client):
    corrected = Claim.objects.get(slug="rubio-task-beyond-ending-war")
    corrected.text = "Washington’s task goes beyond ending the war."
    corrected._change_reason = "Closer to Rubio’s words"
    corrected.save()

    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(response.content).findall(f"{atom}entry")
    assert len(entries) == PUBLISHED_IN_SEED
    first = entries[0]
    assert first.find(f"{atom}link").get("href").endswith(corrected.get_absolute_url())
    assert first.find(f"{atom}title").text.startswith("Corrected: Unverifiable:")
    assert "Closer to Rubio’s words" in first.find(f"{atom}summary").text
    assert IN_REVIEW not in response.content.decode()


def test_sitemap_lists_published_claims_and_the_people_and_meetings_they_reach(seed, client):
    index = client.get("/sitemap.xml").content.decode()
    for section in ("claims", "people", "meetings"):
        assert f"/sitemap-{section}.xml" in index
    # Pages are ranges of ids, and on PostgreSQL ids go on from earlier tests: the seed's
    # claims may sit on any page the index lists.
    pages = re.findall(r"<loc>https?://[^/<]+(/sitemap-claims\.xml[^<]*)</loc>", index)
    claims = "".join(client.get(html.unescape(page)).content.decode() for page in pages)
    assert claims.count("<url>") == PUBLISHED_IN_SEED
    # Each claim says when it last changed; the index does not repeat the newest change on
    # every page of a section, which would tell crawlers that all of them had changed.
    assert claims.count("<lastmod>") == PUBLISHED_IN_SEED
    assert "<lastmod>" not in index
    assert IN_REVIEW not in claims
    people = client.get("/sitemap-people.xml").content.decode()
    assert "/people/rustem-umerov/" in people
    assert "/people/joe-biden/" not in people


def test_sitemap_pages_are_ranges_of_ids_up_to_the_last_published_row(seed, client, monkeypatch):
    from talks.public.sitemaps import IdRangeSitemap

    monkeypatch.setattr(IdRangeSitemap, "limit", 5)
    last_id = visibility.claims().latest("pk").pk
    pages = -(-last_id // 5)

    index = client.get("/sitemap.xml").content.decode()
    listed = [client.get(f"/sitemap-claims.xml?p={page}") for page in range(1, pages + 1)]

    assert f"/sitemap-claims.xml?p={pages}<" in index
    assert f"/sitemap-claims.xml?p={pages + 1}<" not in index
    assert sum(page.content.decode().count("<url>") for page in listed) == PUBLISHED_IN_SEED
    second = visibility.claims().filter(pk__range=(6, 10))
    assert re.findall(r"/claims/([^/]+)/", listed[1].content.decode()) == [
        claim.slug for claim in second.order_by("pk")
    ]
    assert client.get(f"/sitemap-claims.xml?p={pages + 1}").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_healthz_answers(client):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
    assert client.get("/healthz").content == b"ok\n"
