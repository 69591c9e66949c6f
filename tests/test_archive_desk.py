"""The archive as editors and readers meet it: the quote checks on a citation's, a claim's and
a source's admin pages, the desk home's list of quotes not found, a change to a cited page
confirmed by an editor (and refused to a contributor), and readers told of it on the source's
page, once confirmed and not before."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sources import archive
from sources.captures import Capture, SourceChange, text_digest
from talks.models import Citation

from .conftest import make_claim, make_source

pytestmark = pytest.mark.django_db

PAGE = "Talks in Geneva\nThe talks lasted nearly five hours, a delegate said.\nThey end today."
PUBLISHED = {"status": "published", "verdict": "accurate"}


def capture_of(source, text=PAGE, when=None):
    return Capture.objects.create(
        source=source,
        url=source.url,
        fetched_at=when or timezone.now(),
        status=Capture.Status.CAPTURED,
        text=text,
        sha256=text_digest(text),
    )


def cited(quote, text=PAGE, **claim_fields):
    """A claim citing a captured source with ``quote``, checked in the copy."""
    source = make_source(title="Talks in Geneva")
    source.url = f"https://news.example.org/geneva/{source.pk}"
    source.save()
    citation = Citation.objects.create(
        claim=make_claim(text="The talks lasted five hours.", **claim_fields),
        source=source,
        quote=quote,
    )
    capture = capture_of(source, text)
    archive.check_quotes(source, capture)
    return citation, capture


def changed_page(commits=None, **claim_fields):
    """A published claim's source whose outlet took the quote out, as a re-check records it."""
    citation, before = cited("nearly five hours", **claim_fields)
    before.fetched_at = timezone.now() - datetime.timedelta(days=4)
    before.save()
    after = capture_of(before.source, PAGE.replace("nearly five hours", "about three hours"))
    archive.check_quotes(before.source, after)
    change = archive._record_change(
        before.source, before, after, SourceChange.Kind.QUOTE_GONE, ["nearly five hours"]
    )
    return citation, change


# --- Quote checks in the admin ---------------------------------------------------------------


def test_the_claim_page_warns_at_once_of_a_quote_not_in_the_copy(editor_client):
    citation, capture = cited("The delegations signed a deal.")

    page = editor_client.get(reverse("admin:talks_claim_change", args=[citation.claim_id]))

    text = page.content.decode()
    assert 'id="quote-warning"' in text
    assert "“The delegations signed a deal.”, is not in" in text
    assert f"SHA-256 {capture.sha256[:12]}…" in text
    assert "not found</span> Not in" in text  # the citation's own row says so too


def test_the_claim_page_of_a_quote_found_shows_no_warning(editor_client):
    citation, capture = cited("nearly five hours")

    page = editor_client.get(reverse("admin:talks_claim_change", args=[citation.claim_id]))

    text = page.content.decode()
    assert 'id="quote-warning"' not in text
    assert "found</span> Word for word in" in text
    assert f"the copy of {capture.moment}" in text


def test_the_citation_page_shows_the_words_found_closely(editor_client):
    citation, _ = cited("The talks lasted NEARLY five hours")

    page = editor_client.get(reverse("admin:talks_citation_change", args=[citation.pk]))

    text = page.content.decode()
    assert "found closely</span>" in text
    assert '<q class="quote-found">The talks lasted nearly five hours</q>' in text


def test_the_source_page_shows_its_copies_and_each_quote_check(editor_client):
    citation, capture = cited("nearly five hours")

    page = editor_client.get(reverse("admin:sources_source_change", args=[citation.source_id]))

    text = page.content.decode()
    assert "The desk&#x27;s copies of the page" in text or "The desk's copies of the page" in text
    assert reverse("admin:sources_capture_change", args=[capture.pk]) in text
    assert "<q>nearly five hours</q>" in text
    assert "None: no re-check found the page changed." in text


def test_the_capture_page_is_read_only_with_its_text_and_hash(editor_client):
    _, capture = cited("nearly five hours")

    page = editor_client.get(reverse("admin:sources_capture_change", args=[capture.pk]))

    text = page.content.decode()
    assert capture.sha256 in text and "They end today." in text
    assert 'name="_save"' not in text
    assert (
        editor_client.post(
            reverse("admin:sources_capture_delete", args=[capture.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Capture.objects.filter(pk=capture.pk).exists()


def test_the_desk_home_lists_the_quotes_not_found(as_role):
    citation, _ = cited("The delegations signed a deal.")
    cited("nearly five hours")

    for role in ("Contributor", "Editor", "Chief editor"):
        page = as_role(role).get(reverse("admin:index"))
        section = next(s for s in page.context["desk_sections"] if s.key == "quotes")
        assert [row[0] for row in section.rows] == [
            reverse("admin:talks_claim_change", args=[citation.claim_id])
        ], role
        assert section.count == 1
        assert section.more_url.endswith("?quote_check=missing")


def test_the_citation_list_filters_the_quotes_not_found(editor_client):
    missing, _ = cited("The delegations signed a deal.")
    cited("nearly five hours")

    page = editor_client.get(reverse("admin:talks_citation_changelist"), {"quote_check": "missing"})

    assert [c.pk for c in page.context["cl"].result_list] == [missing.pk]


# --- A change confirmed ----------------------------------------------------------------------


def test_the_change_page_shows_the_text_changed_as_a_word_diff(editor_client):
    _, change = changed_page()

    page = editor_client.get(reverse("admin:sources_sourcechange_change", args=[change.pk]))

    text = page.content.decode()
    assert (
        'The talks lasted <del class="diff">nearly</del><ins class="diff">about</ins> '
        '<del class="diff">five</del><ins class="diff">three</ins> hours' in text
    )
    assert "<q>nearly five hours</q>" in text  # the quote gone
    assert "Confirm the change" in text


def test_an_editor_confirms_a_change_and_readers_are_told_on_the_source_page(
    as_role, client, commits, django_capture_on_commit_callbacks
):
    citation, change = commits(lambda: changed_page(**PUBLISHED))
    public_url = reverse("public:source", args=[citation.source.slug])
    assert "changed by its outlet" not in client.get(public_url).content.decode()
    editor = as_role("Editor")

    with django_capture_on_commit_callbacks(execute=True):  # the stamp, as at the commit
        answer = editor.post(
            reverse("admin:sources_sourcechange_confirm", args=[change.pk]),
            {"note": "The outlet now says three hours."},
        )

    assert answer.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (SourceChange.Status.CONFIRMED, editor.user)
    version = change.history.first()
    assert version.history_user == editor.user
    assert version.history_change_reason == "Confirmed: the outlet changed the page"
    page = client.get(public_url).content.decode()
    quoted = f"{change.before.fetched_at:%-d %B %Y}"
    assert f"This page was changed by its outlet after we quoted it on {quoted}." in page
    assert "words we quote from it were no longer there" in page
    assert "The outlet now says three hours." in page


def test_a_contributor_may_not_confirm_a_change(as_role):
    _, change = changed_page()

    answer = as_role("Contributor").post(
        reverse("admin:sources_sourcechange_confirm", args=[change.pk])
    )

    assert answer.status_code == 403
    change.refresh_from_db()
    assert change.status == SourceChange.Status.OPEN


def test_a_change_decided_already_is_refused_with_a_message(as_role):
    _, change = changed_page()
    editor = as_role("Editor")
    editor.post(reverse("admin:sources_sourcechange_dismiss", args=[change.pk]))

    answer = editor.post(
        reverse("admin:sources_sourcechange_confirm", args=[change.pk]), follow=True
    )

    messages = [str(m) for m in answer.context["messages"]]
    assert messages[-1] == "This change was dismissed already by editor."
    change.refresh_from_db()
    assert change.status == SourceChange.Status.DISMISSED


def test_a_dismissed_or_open_change_is_never_shown_to_readers(client):
    citation, change = changed_page(**PUBLISHED)
    public_url = reverse("public:source", args=[citation.source.slug])

    assert "changed by its outlet" not in client.get(public_url).content.decode()
    change.status = SourceChange.Status.DISMISSED
    change.save()
    assert "changed by its outlet" not in client.get(public_url).content.decode()


def test_the_source_page_costs_the_same_queries_with_changes_told(client):
    citation, change = changed_page(**PUBLISHED)
    public_url = reverse("public:source", args=[citation.source.slug])
    with CaptureQueriesContext(connection) as without:
        client.get(public_url)
    change.status = SourceChange.Status.CONFIRMED
    change.save()
    later = capture_of(citation.source, "Another text.")
    second = archive._record_change(
        citation.source, change.after, later, SourceChange.Kind.CHANGED, []
    )
    second.status = SourceChange.Status.CONFIRMED
    second.save()

    cache.clear()
    with CaptureQueriesContext(connection) as told:
        page = client.get(public_url)

    assert page.content.decode().count("changed by its outlet") == 2
    assert len(told) == len(without)
