"""A cached public page holds until one of its own records changes: a busy desk empties only
the pages its writes show, a write the public cannot see empties none, a page renders once
per change, and nothing taken off the public pages is served from the cache."""

import datetime
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from talks import page_cache, page_tags
from talks.models import Citation, Claim, Contradiction, ContradictionSuggestion, Statement
from talks.models.editions import PendingStamp

from .conftest import make_claim, make_person, make_source

pytestmark = pytest.mark.django_db

PUBLISHED = {"status": "published", "verdict": "false"}


@pytest.fixture
def desk(commits):
    """Two published claims by one claimant, citing one source, and a draft by them too."""
    return commits(make_desk)


def make_desk():
    claimant, source = make_person(name="Steve Witkoff"), make_source(title="Wire report")
    read, other = (make_claim(claimant=claimant, text=t, **PUBLISHED) for t in ("Read", "Other"))
    for claim in (read, other):
        Citation.objects.create(claim=claim, source=source, quote=f"{claim.text} quote")
    draft = make_claim(claimant=claimant, text="A draft")
    return {"read": read, "other": other, "draft": draft, "source": source}


def cache_status(client, url):
    return client.get(url)["X-Cache"]


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert cache_status(client, url) == "hit", url


def save(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    record._change_reason = "Test"
    record.save()


def test_writes_the_public_cannot_see_empty_no_cached_page(client, desk, commits):
    read, other, draft = desk["read"], desk["other"], desk["draft"]
    urls = [read.get_absolute_url(), "/claims/", "/feed/", "/sitemap-claims.xml"]
    warm(client, *urls)

    commits(lambda: save(draft, text="A draft, rewritten"))
    commits(lambda: save(draft, status="in_review"))
    commits(
        lambda: Statement.objects.create(
            claim=draft,
            kind="acts_for",
            person=read.claimant,
            on_behalf_of=make_person(),
            date="2025-12-02",
        )
    )
    commits(lambda: Contradiction.objects.create(claim_a=read, claim_b=other, kind="role"))
    commits(
        lambda: ContradictionSuggestion.objects.create(
            claim_a=read, claim_b=other, rule="role", explanation="x"
        )
    )
    assert [cache_status(client, url) for url in urls] == ["hit"] * len(urls)


def test_a_correction_empties_its_own_page_and_the_lists_not_the_other_claims(
    client, desk, commits
):
    read, other = desk["read"], desk["other"]
    warm(client, read.get_absolute_url(), other.get_absolute_url(), "/claims/", "/feed/")

    commits(lambda: save(other, text="Other, corrected"))

    assert cache_status(client, read.get_absolute_url()) == "hit"
    page = client.get(other.get_absolute_url())
    assert (page["X-Cache"], "Other, corrected" in page.content.decode()) == ("miss", True)
    assert "Other, corrected" in client.get("/claims/").content.decode()
    assert "Other, corrected" in client.get("/feed/").content.decode()


def test_a_new_citation_of_a_shared_source_shows_on_the_source_page_only(client, desk, commits):
    read, source = desk["read"], desk["source"]
    third = commits(lambda: make_claim(claimant=make_person(), text="Third", **PUBLISHED))
    source_url = f"/sources/{source.slug}/"
    warm(client, read.get_absolute_url(), source_url, third.get_absolute_url())

    commits(lambda: Citation.objects.create(claim=third, source=source, quote="Third quote"))

    assert cache_status(client, read.get_absolute_url()) == "hit"
    assert "Third quote" in client.get(third.get_absolute_url()).content.decode()
    assert third.get_absolute_url() in client.get(source_url).content.decode()


def another_reader_is_rendering(url):
    """As if another reader were rendering the page at ``url`` again right now."""
    key = page_cache.cache_key("public-page", "en", RequestFactory().get(url), edition=0)
    cache.set(f"{key}:rendering", 1)
    return lambda: cache.delete(f"{key}:rendering")


def test_a_retraction_is_never_answered_from_the_stale_copy(client, desk, commits):
    read = desk["read"]
    url = read.get_absolute_url()
    warm(client, url)
    commits(lambda: save(read, status="retracted"))

    another_reader_is_rendering(url)
    assert client.get(url).status_code == 404


def test_while_one_reader_renders_a_changed_page_the_others_get_the_copy(client, desk, commits):
    """One render per change however many ask: while one reader renders a corrected page,
    the others are answered from the copy; then everyone gets the new page."""
    read = desk["read"]
    url = read.get_absolute_url()
    warm(client, url)
    commits(lambda: save(read, verdict_rationale="New rationale."))

    done = another_reader_is_rendering(url)
    meanwhile = client.get(url)
    assert meanwhile["X-Cache"] == "stale"
    assert "New rationale." not in meanwhile.content.decode()
    done()
    fresh = client.get(url)
    assert (fresh["X-Cache"], "New rationale." in fresh.content.decode()) == ("miss", True)
    assert cache_status(client, url) == "hit"


def test_last_modified_moves_with_the_page_not_with_the_desk(client, desk, commits, monkeypatch):
    read, other = desk["read"], desk["other"]
    url = read.get_absolute_url()
    clock = SimpleNamespace(time=lambda: 1796115600, monotonic=time.monotonic)
    monkeypatch.setattr("talks.page_cache.time", clock)
    first = client.get(url)["Last-Modified"]
    assert first == "Tue, 01 Dec 2026 09:00:00 GMT"

    clock.time = lambda: 1796119200
    commits(lambda: save(other, text="Other, corrected"))
    commits(lambda: save(read.claimant, wikidata_id=""))  # stamps, but the bytes are the same
    assert client.get(url)["Last-Modified"] == first

    commits(lambda: save(read, verdict_rationale="New rationale."))
    assert client.get(url)["Last-Modified"] == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_a_stamp_that_fails_after_the_commit_loses_nothing(client, desk, commits, monkeypatch):
    """The retraction commits but its stamp fails: the tag stays pending from the write's own
    transaction, so the claim is gone at the next request all the same, and the next stamp
    (a minute on) makes the one that failed."""
    read = desk["read"]
    url = read.get_absolute_url()
    warm(client, url)

    def unreachable(*args, **kwargs):
        raise ConnectionError("the database went away after the commit")

    monkeypatch.setattr(page_tags, "_keep_newest", unreachable)
    commits(lambda: save(read, status="retracted"))
    monkeypatch.undo()
    assert PendingStamp.objects.filter(tag=page_tags.record_tag(Claim, read.pk)).exists()
    assert client.get(url).status_code == 404

    PendingStamp.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    commits(lambda: save(desk["other"], text="Other, corrected"))
    assert not PendingStamp.objects.exists()
    assert client.get(url).status_code == 404


def clock_now():
    return page_tags.edition_and_now("default")[1]


def test_a_transaction_stamps_once_at_its_commit_and_a_rollback_not_at_all(
    desk, django_capture_on_commit_callbacks
):
    read = desk["read"]
    clock = clock_now()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            Citation.objects.create(claim=read, source=make_source(), quote=f"Quote {n}")
        save(read, text="Read, corrected")
        assert clock_now() == clock  # nothing before the commit
    assert len(callbacks) == 1
    assert clock_now() == clock + 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        save(read, text="Never")
        transaction.set_rollback(True)
    assert callbacks == []
    assert clock_now() == clock + 1


def test_a_corrected_page_is_rendered_again_in_the_background(client, desk, commits, settings):
    """With the readers' origin known, a correction enqueues the claim's pages; once the task
    has run, the next reader is served the corrected page from the cache."""
    from django_tasks_db.models import DBTaskResult

    from talks.page_cache import render_claim_pages

    settings.FACTDESK_PUBLIC_ORIGINS = ["http://testserver"]
    read = desk["read"]
    url = read.get_absolute_url()
    warm(client, url)

    commits(lambda: save(read, text="Read, corrected"))
    (queued,) = DBTaskResult.objects.filter(task_path=render_claim_pages.module_path)
    assert queued.args_kwargs["kwargs"] == {"claim_ids": [read.pk]}

    assert render_claim_pages.call(claim_ids=[read.pk]) == 2  # in English and in Ukrainian
    assert translation.get_language() == "en"  # the worker's next task is not in Ukrainian
    page = client.get(url)
    assert (page["X-Cache"], "Read, corrected" in page.content.decode()) == ("hit", True)


def test_a_page_of_many_records_is_tagged_by_their_models_and_still_follows_each(client, commits):
    claims = commits(lambda: [make_claim(text=f"Claim {n}", **PUBLISHED) for n in range(120)])
    draft = commits(lambda: make_claim(text="A draft"))
    url = "/sitemap-claims.xml"
    warm(client, url)
    (key,) = [k for k in cache._cache if "public-page" in k]  # noqa: SLF001 (locmem's own)
    assert len(cache.get(key.split(":", 2)[2]).tags) <= page_tags.MAX_TAGS

    commits(lambda: save(draft, text="A draft, rewritten"))
    assert cache_status(client, url) == "hit"
    commits(lambda: save(claims[7], slug="claim-seven-corrected"))
    assert "claim-seven-corrected" in client.get(url).content.decode()
