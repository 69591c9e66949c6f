"""The archive in chromium: an editor sees a source's copy and its quote checks, is warned of a
quote not in the copy, opens the change a re-check recorded, confirms it, and readers see it
on the source's public page; a contributor sees the change and cannot decide it.

The cited page is served on 127.0.0.1 by the test; the capture and the re-check run on the
real worker command. Screenshots at 1366 and 390 px under test-output/screenshots/.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from sources.captures import Capture, QuoteCheck, SourceChange
from talks.models import Citation

from ..conftest import make_claim, make_source
from ..pages_served import Page, article
from .conftest import PHONE, log_in, overflow, screenshot

QUOTE = "The talks in Geneva lasted nearly five hours, a delegate said."
PAGE = article("Delegations met on Sunday.", QUOTE, "“We made progress,” said the envoy.")
CHANGED = article(
    "Delegations met on Sunday.",
    "The talks in Geneva were short, a delegate said.",
    "“We made progress,” said the envoy.",
)


def run_worker():
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def cited_page(served_pages):
    """A published claim and a draft citing a page served here, captured by the worker: the
    published claim's quote stands in it, the draft's does not."""
    served_pages.routes["/geneva"] = Page(PAGE)
    source = make_source(
        url=served_pages.url("/geneva"), title="Talks in Geneva end", outlet="Wire"
    )
    published = make_claim(
        text="The Geneva talks lasted nearly five hours.", status="published", verdict="accurate"
    )
    Citation.objects.create(claim=published, source=source, quote=QUOTE)
    draft = make_claim(text="The delegations signed a deal in Geneva.")
    Citation.objects.create(claim=draft, source=source, quote="The delegations signed a deal.")
    run_worker()
    assert Capture.objects.filter(source=source, status="captured").count() == 1
    return served_pages, source, draft


def fits(page):
    assert overflow(page) == [], f"{page.url} is wider than the window: {overflow(page)}"


def fits_on_a_phone(page):
    page.set_viewport_size(PHONE)
    wide = overflow(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert wide == [], f"{page.url} is wider than a phone: {wide}"


def test_an_editor_checks_a_quote_confirms_a_changed_page_and_readers_see_it(
    live_server, page, role_user, cited_page
):
    site, source, draft = cited_page
    editor = role_user("Editor")
    log_in(page, live_server, editor)

    # The desk home: the quote not in the copy needs the editor.
    quotes = page.locator("#desk-quotes")
    expect(quotes).to_contain_text("“The delegations signed a deal.”")
    fits(page)
    screenshot(page, "archive-desk-home")

    # The draft's page says so at the top, and beside the citation.
    quotes.get_by_role("link", name=re.compile("The delegations signed a deal")).click()
    expect(page.locator("#quote-warning")).to_contain_text("is not in")
    expect(page.locator(".field-quote_check").first).to_contain_text("not found")
    fits(page)
    fits_on_a_phone(page)
    screenshot(page, "archive-claim-quote-not-found")

    # The source's page: its copy, and each quote's check with the copy's time and hash.
    warning = page.locator("#quote-warning")
    warning.get_by_role("link", name=re.compile("Talks in Geneva end")).click()
    copies = page.locator(".field-copies")
    capture = Capture.objects.get(source=source)
    expect(copies).to_contain_text(f"SHA-256 {capture.sha256[:12]}…")
    checks = page.locator(".field-quotes_in_the_copy")
    expect(checks).to_contain_text("Word for word in")
    expect(checks).to_contain_text("Not in")
    fits(page)
    fits_on_a_phone(page)
    screenshot(page, "archive-source-copies")

    # The copy itself, read-only.
    copies.get_by_role("link", name=re.compile("the copy of")).first.click()
    expect(page.locator(".field-sha256")).to_contain_text(capture.sha256)
    expect(page.locator(".field-text")).to_contain_text(QUOTE)
    expect(page.locator("input[name=_save]")).to_have_count(0)
    fits(page)
    screenshot(page, "archive-capture")

    # The outlet changes the page; the nightly re-check records it.
    site.routes["/geneva"] = Page(CHANGED)
    call_command("recheck_sources", stdout=StringIO())
    change = SourceChange.objects.get()
    page.goto(f"{live_server.url}/admin/")
    changes = page.locator("#desk-page_changes")
    expect(changes).to_contain_text("Talks in Geneva end")
    changes.get_by_role("link", name="Talks in Geneva end").click()

    diff = page.locator("#source-change-diff")
    expect(diff.locator("del.diff").first).to_be_visible()
    expect(diff.locator("ins.diff").first).to_be_visible()
    expect(page.locator(".field-quotes_gone_list")).to_contain_text(QUOTE)
    fits(page)
    fits_on_a_phone(page)
    screenshot(page, "archive-source-change")

    page.fill("#id_decision_note", "The outlet rewrote the paragraph the desk quoted.")
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.locator(".messagelist .success")).to_contain_text("The change is confirmed.")
    expect(page.locator("#source-change-decision")).to_have_count(0)
    screenshot(page, "archive-source-change-confirmed")
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (SourceChange.Status.CONFIRMED, editor)
    assert QuoteCheck.objects.of(draft.citations.get()).current().get().capture == change.after

    # Readers are told on the source's page.
    page.goto(f"{live_server.url}/sources/{source.slug}/")
    told = page.locator(".source-changed")
    expect(told).to_contain_text("This page was changed by its outlet after we quoted it on")
    expect(told).to_contain_text("The outlet rewrote the paragraph the desk quoted.")
    fits(page)
    fits_on_a_phone(page)
    screenshot(page, "archive-public-source-changed")


def test_a_contributor_sees_a_change_and_cannot_decide_it(live_server, page, role_user, cited_page):
    site, source, _ = cited_page
    site.routes["/geneva"] = Page(CHANGED)
    call_command("recheck_sources", stdout=StringIO())
    log_in(page, live_server, role_user("Contributor"))

    changes = page.locator("#desk-page_changes")
    expect(changes).to_contain_text("Waiting for an editor.")
    changes.get_by_role("link", name="Talks in Geneva end").click()

    expect(page.locator("#source-change-diff del.diff").first).to_be_visible()
    expect(page.locator("#source-change-decision")).to_have_count(0)
    screenshot(page, "archive-source-change-contributor")
    page.goto(f"{live_server.url}/sources/{source.slug}/")
    expect(page.locator(".source-changed")).to_have_count(0)
