"""The archive: a cited page captured when its source is saved, each quote checked in the copy,
and the changes its outlet makes found by a re-check, all against pages served on 127.0.0.1.

The tasks run as the worker runs them (``run_queued_tasks``, on the database queue inside
the test's transaction; ``test_the_capture_runs_on_the_real_worker`` runs the worker command).
"""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sources import archive
from sources.captures import Capture, QuoteCheck, SourceChange
from sources.quotes import locate
from talks.models import Citation

from .conftest import make_claim, make_source, run_queued_tasks
from .pages_served import Page, article

pytestmark = pytest.mark.django_db

QUOTE = "The talks in Geneva lasted nearly five hours, a delegate said."
PAGE = article(
    "Delegations met on Sunday.",
    QUOTE,
    "“We made progress,” said the envoy.",
)


def cite(commits, url, quote=QUOTE, **claim_fields):
    """A source at ``url`` and a claim citing it with ``quote``, saved as an editor's form
    saves them: the capture is queued when the write commits."""

    def write():
        source = make_source(url=url, title="Talks in Geneva")
        claim = make_claim(**claim_fields)
        citation = Citation.objects.create(claim=claim, source=source, quote=quote)
        return citation

    return commits(write)


def current_check(citation):
    return QuoteCheck.objects.of(citation).current().get()


# --- Capture and the quote found -------------------------------------------------------------


def test_saving_a_cited_source_captures_its_page_and_finds_the_quote(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"))

    run_queued_tasks()

    capture = Capture.objects.get(source=citation.source)
    assert capture.status == Capture.Status.CAPTURED
    assert capture.text.splitlines() == [
        "Talks in Geneva",
        "Delegations met on Sunday.",
        QUOTE,
        "“We made progress,” said the envoy.",
    ]
    assert "tracking" not in capture.text and "World" not in capture.text  # script, menu
    assert capture.sha256 == hashlib.sha256(capture.text.encode()).hexdigest()
    assert capture.history.get().history_type == "+"
    check = current_check(citation)
    assert (check.result, check.capture, check.score) == (QuoteCheck.Result.FOUND, capture, 1.0)
    assert capture.text[check.offset :].startswith(QUOTE)
    assert check.context_before.endswith("Delegations met on Sunday.\n")
    # The desk says who it is, and asked the site's robots.txt first.
    assert served_pages.requests[0][0] == "/robots.txt"
    assert served_pages.fetched("/geneva")[0].startswith("factdesk-archive/1.0 (+http")


def test_a_quote_with_other_typography_is_found_closely_with_the_words_that_stand(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    quote = '"we made  PROGRESS," said the envoy'
    citation = cite(commits, served_pages.url("/geneva"), quote=quote)

    run_queued_tasks()

    check = current_check(citation)
    assert check.result == QuoteCheck.Result.CLOSE
    assert check.found_text == "“We made progress,” said the envoy"
    assert 0.9 < check.score < 1


def test_a_quote_with_a_word_changed_is_found_closely_with_its_score(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    quote = "The talks in Geneva lasted almost five hours, a delegate said."
    citation = cite(commits, served_pages.url("/geneva"), quote=quote)

    run_queued_tasks()

    check = current_check(citation)
    assert check.result == QuoteCheck.Result.CLOSE
    assert check.found_text == QUOTE
    assert 0.85 <= check.score < 1


def test_a_quote_not_in_the_capture_is_flagged_at_once(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"), quote="The delegations signed a deal.")

    run_queued_tasks()

    check = current_check(citation)
    assert check.result == QuoteCheck.Result.MISSING
    assert list(QuoteCheck.objects.current().missing()) == [check]


def test_a_citation_added_later_is_checked_in_the_copy_without_fetching_again(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    first = cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    second = commits(
        lambda: Citation.objects.create(
            claim=make_claim(), source=first.source, quote="said the envoy"
        )
    )

    run_queued_tasks()

    assert len(served_pages.fetched("/geneva")) == 1
    assert current_check(second).result == QuoteCheck.Result.FOUND
    assert current_check(first).capture == current_check(second).capture


def test_a_changed_quote_is_checked_again_and_the_old_check_is_no_longer_current(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()

    def edit():
        citation.quote = "The envoy left early."
        citation.save()

    commits(edit)
    run_queued_tasks()

    assert current_check(citation).result == QuoteCheck.Result.MISSING
    assert QuoteCheck.objects.of(citation).count() == 2


def test_a_removed_citation_is_flagged_no_more(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"), quote="Not on the page at all.")
    run_queued_tasks()

    commits(citation.delete)

    assert not QuoteCheck.objects.current().missing().exists()


def test_a_translated_quote_is_not_checked_and_says_why(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)

    def write():
        source = make_source(url=served_pages.url("/geneva"), language="en")
        quote = "Переговори тривали п'ять годин."
        return Citation.objects.create(
            claim=make_claim(), source=source, quote=quote, language="uk"
        )

    citation = commits(write)
    run_queued_tasks()

    check = current_check(citation)
    assert check.result == QuoteCheck.Result.NOT_CHECKED
    assert check.note == "The quote is a translation (uk); the page is in en."


def test_an_import_captures_the_sources_it_writes(served_pages, tmp_path, commits):
    from talks.exchange import import_fixtures

    served_pages.routes["/imported"] = Page(article("Imported words stand here."))
    fixture = tmp_path / "sources.json"
    fixture.write_text(
        '[{"model": "sources.source", "fields": {"slug": "imported", "title": "Imported", '
        f'"kind": "news_article", "url": "{served_pages.url("/imported")}"}}}}]'
    )

    commits(lambda: import_fixtures([fixture]))
    run_queued_tasks()

    capture = Capture.objects.get(source__slug="imported")
    assert "Imported words stand here." in capture.text


def test_nothing_is_fetched_when_the_archive_is_off(served_pages, commits, settings):
    settings.FACTDESK_ARCHIVE = False
    served_pages.routes["/geneva"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))

    run_queued_tasks()

    assert not Capture.objects.exists() and not served_pages.requests


# --- What the desk refuses and what fails, recorded -----------------------------------------


def captured(served_pages, commits, path):
    source = commits(lambda: make_source(url=served_pages.url(path)))
    run_queued_tasks()
    return Capture.objects.get(source=source)


def test_a_page_robots_txt_disallows_is_not_fetched(served_pages, commits):
    served_pages.routes["/robots.txt"] = Page(
        "User-agent: factdesk\nDisallow: /private\n", content_type="text/plain"
    )
    served_pages.routes["/private/page"] = Page(PAGE)

    capture = captured(served_pages, commits, "/private/page")

    assert capture.status == Capture.Status.REFUSED
    assert capture.error == "The site's robots.txt asks crawlers not to fetch it."
    assert not served_pages.fetched("/private/page")


def test_a_robots_txt_that_cannot_be_read_stops_the_fetch(served_pages, commits):
    served_pages.routes["/robots.txt"] = Page("Down", status=503, content_type="text/plain")
    served_pages.routes["/geneva"] = Page(PAGE)

    capture = captured(served_pages, commits, "/geneva")

    assert capture.status == Capture.Status.FAILED
    assert capture.error.startswith("The site's robots.txt could not be read")
    assert not served_pages.fetched("/geneva")


@pytest.mark.parametrize(
    ("page", "error"),
    [
        (Page("Gone", status=404, content_type="text/plain"), "The site answered 404 Not Found."),
        (
            Page(b"%PDF-1.7 ...", content_type="application/pdf"),
            "Not a web page or plain text (application/pdf): the desk keeps copies of web "
            "pages only; archive it by hand.",
        ),
        (Page("x" * 3000), "Larger than the 1 KB the desk keeps of a page."),
        (
            Page("x" * 3000, headers={"Content-Length": None}),
            "Larger than the 1 KB the desk keeps of a page.",
        ),
        (Page(PAGE, delay=3), "The site did not answer within 1 seconds."),
        (Page("<html><script>only()</script></html>"), "The page holds no readable text."),
    ],
    ids=["404", "not HTML", "too large", "too large, no length said", "timeout", "empty"],
)
def test_a_page_that_cannot_be_captured_is_recorded_with_why(
    served_pages, commits, settings, page, error
):
    settings.FACTDESK_ARCHIVE_MAX_BYTES = 1024
    settings.FACTDESK_ARCHIVE_TIMEOUT = 1
    served_pages.routes["/page"] = page

    capture = captured(served_pages, commits, "/page")

    assert (capture.status, capture.error) == (Capture.Status.FAILED, error)
    assert capture.text == "" and capture.sha256 == ""


def test_an_address_inside_the_desk_network_is_refused(served_pages, commits, settings):
    settings.FACTDESK_ARCHIVE_PRIVATE_ADDRESSES = False
    served_pages.routes["/geneva"] = Page(PAGE)

    capture = captured(served_pages, commits, "/geneva")

    assert capture.status == Capture.Status.FAILED
    assert "private or local address (127.0.0.1)" in capture.error
    assert not served_pages.requests


def test_a_failed_capture_is_tried_again_at_the_next_save(served_pages, commits):
    served_pages.routes["/geneva"] = Page("Down", status=500, content_type="text/plain")
    citation = cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    served_pages.routes["/geneva"] = Page(PAGE)

    def save_again():
        citation.source.notes = "Checked again."
        citation.source.save()

    commits(save_again)
    run_queued_tasks()

    assert [c.status for c in Capture.objects.filter(source=citation.source)] == [
        Capture.Status.CAPTURED,
        Capture.Status.FAILED,
    ]
    assert current_check(citation).result == QuoteCheck.Result.FOUND


# --- The re-check ---------------------------------------------------------------------------


def test_a_recheck_finds_the_changed_text_and_records_the_change_with_a_diff(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    first = Capture.objects.get()
    served_pages.routes["/geneva"] = Page(
        article(
            "Delegations met on Sunday.",
            "The talks in Geneva were short, a delegate said.",
            "“We made progress,” said the envoy.",
        )
    )

    call_command("recheck_sources", stdout=StringIO())

    change = SourceChange.objects.get()
    assert change.source == citation.source and change.status == SourceChange.Status.OPEN
    assert change.kind == SourceChange.Kind.QUOTE_GONE
    assert change.quotes_gone == [QUOTE]
    assert change.before == first and change.after.text != first.text
    assert f"-{QUOTE}" in change.diff.splitlines()
    assert "+The talks in Geneva were short, a delegate said." in change.diff.splitlines()
    reason = change.history.get().history_change_reason
    assert reason == "Re-checked by the archive: a quote is gone"
    check = current_check(citation)
    assert (check.result, check.capture) == (QuoteCheck.Result.MISSING, change.after)


def test_a_recheck_of_a_page_changed_elsewhere_records_a_change_with_the_quotes_standing(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    served_pages.routes["/geneva"] = Page(PAGE.replace("on Sunday", "on Saturday"))

    call_command("recheck_sources", stdout=StringIO())

    change = SourceChange.objects.get()
    assert (change.kind, change.quotes_gone) == (SourceChange.Kind.CHANGED, [])


def test_a_recheck_of_an_unchanged_page_keeps_no_second_copy_and_records_no_change(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    citation = cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    first = Capture.objects.get()

    call_command("recheck_sources", stdout=StringIO())

    again = Capture.objects.exclude(pk=first.pk).get()
    assert (again.text, again.same_as, again.sha256) == ("", first, first.sha256)
    assert again.page_text == first.text
    assert not SourceChange.objects.exists()
    assert current_check(citation).capture == first


def test_a_recheck_of_a_page_taken_down_records_it_gone(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    del served_pages.routes["/geneva"]

    call_command("recheck_sources", stdout=StringIO())

    change = SourceChange.objects.get()
    assert (change.kind, change.quotes_gone) == (SourceChange.Kind.REMOVED, [QUOTE])
    assert change.after.error == "The site answered 404 Not Found."


def test_a_recheck_that_cannot_reach_the_site_records_the_failure_and_no_change(
    served_pages, commits
):
    served_pages.routes["/geneva"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    served_pages.routes["/geneva"] = Page("Oops", status=502, content_type="text/plain")

    call_command("recheck_sources", stdout=StringIO())

    assert Capture.objects.first().error == "The site answered 502 Bad Gateway."
    assert not SourceChange.objects.exists()


def test_the_recheck_command_fetches_only_cited_pages_and_says_what_it_found(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    served_pages.routes["/uncited"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))
    commits(lambda: make_source(url=served_pages.url("/uncited")))
    run_queued_tasks()
    served_pages.routes["/geneva"] = Page(PAGE.replace(QUOTE, "Nothing."))
    out = StringIO()

    call_command("recheck_sources", stdout=out)

    assert len(served_pages.fetched("/uncited")) == 1  # captured when saved, not re-checked
    assert len(served_pages.fetched("/geneva")) == 2
    assert "Re-checked 1 cited page: 1 changed (1 with a quote gone), 0 could not be fetched." in (
        out.getvalue()
    )


def test_the_recheck_command_can_queue_the_work_for_the_workers(served_pages, commits):
    served_pages.routes["/geneva"] = Page(PAGE)
    cite(commits, served_pages.url("/geneva"))
    run_queued_tasks()
    out = StringIO()

    call_command("recheck_sources", "--queue", stdout=out)

    assert "Queued the re-check of 1 cited page." in out.getvalue()
    assert Capture.objects.count() == 1
    run_queued_tasks()
    assert Capture.objects.count() == 2


# --- Through the real worker ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_capture_runs_on_the_real_worker(served_pages):
    served_pages.routes["/geneva"] = Page(PAGE)
    with transaction.atomic():
        source = make_source(url=served_pages.url("/geneva"))
        citation = Citation.objects.create(claim=make_claim(), source=source, quote=QUOTE)
    assert not Capture.objects.exists()  # the save queued it; a worker does it

    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {str(source.pk): "captured"}
    assert current_check(citation).result == QuoteCheck.Result.FOUND


# --- Finding a quote ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "result", "found"),
    [
        ("nearly five hours", "exact", "nearly five hours"),
        ("NEARLY  five\nhours", "close", "nearly five hours"),
        ("“We made progress”", "close", '"We made progress,"'),
        ("the talks lasted nearly 5 hours", "missing", None),
        ("we have made progress, said the envoy", "close", '"We made progress," said the envoy.'),
        ("Completely unrelated words here", "missing", None),
    ],
)
def test_locate_finds_a_quote_exactly_then_closely(quote, result, found):
    page = 'Intro.\nThe talks lasted nearly five hours.\n"We made progress," said the envoy.'
    located = locate(quote, page)
    assert located.result == result
    if found is not None:
        assert located.text == found
        assert page[located.start : located.end] == located.text


def test_locate_reads_a_long_page_quickly():
    """A megabyte of text, a long page's ten times over, in seconds on a shared machine."""
    import time

    page = "\n".join(f"Paragraph {n} says something about talk number {n}." for n in range(20000))
    started = time.perf_counter()
    located = locate("Paragraph 19999 says something about talks number 19999.", page)
    assert located.result == "close" and located.text.startswith("Paragraph 19999 says")
    assert time.perf_counter() - started < 5


def test_the_archive_finds_every_model_that_cites_sources():
    labels = {model._meta.label for model in archive.citing_models()}
    assert labels == {"talks.Citation", "talks.MeetingCitation", "talks.RoleCitation"}
