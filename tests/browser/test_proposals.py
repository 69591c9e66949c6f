"""Statements the desk proposed from the claims' words, decided on the claim's page in
chromium: an editor accepts one, corrects one, rejects one and runs the suggestion rules; a
contributor decides a claim in review's and only reads a published claim's.

Screenshots at 1366 and 390 px in test-output/screenshots/ (proposals-*.png).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from talks.models import Claim, Contradiction, ContradictionSuggestion, RejectedProposal, Statement

from ..conftest import SEED_FIXTURE
from .conftest import DESKTOP, PHONE, log_in, screenshot

BIDEN = "follow-up-with-bidens-negotiators"
TRUMP = "witkoff-kushner-act-for-trump"
MIAMI = "miami-meeting-2025-11-30-after-geneva"


@pytest.fixture(autouse=True)
def proposed():
    """The seed without its hand-written statements and its contradiction; the desk's
    proposals in their place."""
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())
    Contradiction.objects.all().delete()
    for statement in Statement.objects.all():
        statement.delete()
    call_command("propose_statements", stdout=StringIO())


def open_claim(page, live_server, slug):
    claim = Claim.objects.get(slug=slug)
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/change/")
    return page.locator("#proposed-statements")


def proposal(section, words):
    """The proposal whose statement (not the words it was read from) says ``words``."""
    return section.locator(".proposal").filter(
        has=section.page.locator(".proposal-statement", has_text=words)
    )


def section_fits_a_phone(page):
    page.set_viewport_size(PHONE)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('#proposed-statements, #proposed-statements *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    page.set_viewport_size(DESKTOP)
    assert wide == [], wide


def test_an_editor_accepts_corrects_and_rejects_proposals_then_runs_the_rules(
    live_server, page, role_user
):
    editor = role_user("Editor")
    log_in(page, live_server, editor)

    # The claim that calls Witkoff and Kushner "President Biden's negotiators".
    section = open_claim(page, live_server, BIDEN)
    expect(section.locator("h2")).to_have_text("Proposed statements (2)")
    kushner = proposal(section, "Jared Kushner acts on behalf of Joe Biden")
    expect(kushner).to_contain_text("Read from: “The follow-up meeting from 4 December")
    section_fits_a_phone(page)
    screenshot(page, "proposals-claim")
    kushner.get_by_role("button", name="Accept").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Accepted: Jared Kushner acts on behalf of Joe Biden"
    )
    expect(section.locator("h2")).to_have_text("Proposed statements (1)")
    accepted = Statement.objects.get(claim__slug=BIDEN, person__slug="jared-kushner")
    assert (accepted.status, accepted.history.first().history_user) == ("accepted", editor)

    # Correct one: the place of the Geneva round, as the desk writes it.
    section = open_claim(page, live_server, MIAMI)
    geneva = proposal(section, "in Geneva, Switzerland")
    geneva.get_by_role("link", name="Correct").click()
    page.fill("#id_place", "Geneva")
    page.fill("#id_change_reason", "The desk writes the city alone")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Accepted as corrected")
    expect(page).to_have_url(re.compile(r"/change/#proposed-statements$"))
    screenshot(page, "proposals-corrected")
    corrected = Statement.objects.get(claim__slug=MIAMI, place="Geneva")
    assert corrected.history.first().history_change_reason == "The desk writes the city alone"

    # Reject one, saying why: it never comes back.
    section = open_claim(page, live_server, TRUMP)
    putin = proposal(section, "Vladimir Putin attended")
    putin.get_by_label("Why, if you reject it").fill("The claim is about Witkoff and Kushner")
    putin.get_by_role("button", name="Reject").click()
    expect(page.locator(".messagelist .success")).to_contain_text("it will not be proposed again")
    expect(section).not_to_contain_text("Vladimir Putin attended")
    screenshot(page, "proposals-rejected")
    rejection = RejectedProposal.objects.get(statement__startswith="Vladimir Putin")
    assert (rejection.rejected_by, rejection.reason) == (
        editor,
        "The claim is about Witkoff and Kushner",
    )
    call_command("propose_statements", stdout=StringIO())
    page.reload()
    expect(section).not_to_contain_text("Vladimir Putin attended")

    # Run the rules: the Biden-versus-Trump pair, from the proposed statements.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Run the suggestion rules now").click()
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())
    page.goto(f"{live_server.url}/admin/talks/contradictionsuggestion/")
    row = page.locator("#result_list tr", has_text="From proposed statements")
    expect(row.first).to_contain_text("Steve Witkoff acting for Joe Biden")
    screenshot(page, "proposals-suggestions")
    suggestion = ContradictionSuggestion.objects.get(rule="role")
    assert {suggestion.claim_a.slug, suggestion.claim_b.slug} == {BIDEN, TRUMP}
    assert not Contradiction.objects.exists()


def test_a_contributor_decides_a_claim_in_reviews_proposals_and_reads_a_published_ones(
    live_server, page, role_user
):
    contributor = role_user("Contributor")
    log_in(page, live_server, contributor)

    section = open_claim(page, live_server, TRUMP)  # published
    expect(section.locator(".errornote")).to_contain_text("edited by editors only")
    expect(section.get_by_role("button", name="Accept")).to_have_count(0)
    section_fits_a_phone(page)
    screenshot(page, "proposals-contributor-published")

    section = open_claim(page, live_server, BIDEN)  # in review
    witkoff = proposal(section, "Steve Witkoff acts on behalf of Joe Biden")
    witkoff.get_by_role("button", name="Accept").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Accepted: Steve Witkoff")
    screenshot(page, "proposals-contributor-accepted")
    accepted = Statement.objects.get(claim__slug=BIDEN, person__slug="steve-witkoff")
    assert (accepted.status, accepted.history.first().history_user) == ("accepted", contributor)

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("button", name="Run the suggestion rules now")).to_have_count(0)
