"""Each role's daily work on the seed desk, in chromium at 1366 px, as a person would do it:
clicking links and buttons, typing into fields, choosing from the autocomplete menus.

Every step saves a screenshot at 1366 and 390 px (test-output/screenshots/); the page fails
the test on any console error, CSP violation or server error (see conftest.py). The
recording of a claim counts its clicks and fields and prints them.
"""

import datetime
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from talks.models import (
    Claim,
    Contradiction,
    ContradictionSuggestion,
    ImportRun,
    Meeting,
    Statement,
)

from ..conftest import SEED_FIXTURE, make_claim
from ..test_import import BROKEN_DESK, DESK, changed_fields
from .conftest import log_in, overflow, screenshot

RECORDING_GOAL = {"clicks": 15, "fields": 25}


@pytest.fixture(autouse=True)
def seed(settings, tmp_path):
    settings.FIXTURE_UPLOAD_DIR = tmp_path / "uploads"
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


class Steps:
    """Drives the page as a person does, counting what they click and fill in."""

    def __init__(self, page):
        self.page = page
        self.clicks = self.fields = 0

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def fill(self, locator, value):
        locator.fill(value)
        self.fields += 1

    def select(self, locator, **option):
        locator.select_option(**option)
        self.fields += 1

    def choose(self, widget, search, option):
        """Pick from an autocomplete: open it, type a few words, click the option."""
        self.click(widget.locator(".select2-selection"))
        self.fill(self.page.locator(".select2-container--open .select2-search__field"), search)
        self.click(self.page.locator(".select2-results__option", has_text=option).first)


def fits(page):
    assert overflow(page) == [], f"{page.url} is wider than the window: {overflow(page)}"


def success(page):
    return page.locator(".messagelist .success")


def test_a_contributor_records_a_claim_from_an_article_and_flags_it(
    live_server, page, role_user, capsys
):
    contributor = role_user("Contributor")
    log_in(page, live_server, contributor)
    expect(page.locator("#desk-drafts")).to_be_visible()
    fits(page)
    screenshot(page, "desk-home-contributor")

    steps = Steps(page)
    steps.click(page.get_by_role("link", name="Record a claim from an article"))
    expect(page.locator("h1")).to_have_text("Record a claim from an article")
    steps.fill(page.locator("#id_new_source_url"), "https://news.example.org/umerov-geneva")
    steps.fill(page.locator("#id_new_source_title"), "Umerov: the next round will be in Geneva")
    steps.fill(page.locator("#id_new_source_outlet"), "Kyiv Independent")
    steps.fill(page.locator("#id_text"), "The next round of talks will be held in Geneva.")
    steps.fill(page.locator("#id_new_claimant_name"), "Serhiy Kyslytsya")
    steps.fill(page.locator("#id_claimed_on"), "2025-12-06")
    steps.fill(page.locator("#id_quote"), "We will meet again in Geneva, Kyslytsya said.")
    steps.fill(page.locator("#id_location"), "paragraph 3")
    steps.choose(page.locator(".field-subjects"), "Umerov", "Rustem Umerov")
    row = page.locator("#statement-0")
    steps.select(row.locator("select[name='statements-0-kind']"), value="attended")
    steps.choose(row.locator(".field-person"), "Umerov", "Rustem Umerov")
    steps.choose(row.locator(".field-meeting"), "Geneva", "U.S.–Ukrainian negotiations in Geneva")
    steps.select(page.locator("#id_status"), value="in_review")
    steps.fill(page.locator("#id_change_reason"), "From the morning wires")
    fits(page)
    screenshot(page, "record-claim")
    steps.click(page.get_by_role("button", name="Record the claim"))

    expect(success(page)).to_contain_text("Recorded")
    expect(success(page)).to_contain_text("new source")
    expect(success(page)).to_contain_text("new person “Serhiy Kyslytsya”")
    with capsys.disabled():
        print(
            f"\nRecording a claim from an article with a new source and a new person: "
            f"{steps.clicks} clicks, {steps.fields} fields "
            f"(goal: at most {RECORDING_GOAL['clicks']} and {RECORDING_GOAL['fields']})"
        )
    assert steps.clicks <= RECORDING_GOAL["clicks"]
    assert steps.fields <= RECORDING_GOAL["fields"]
    claim = Claim.objects.get(text="The next round of talks will be held in Geneva.")
    assert (claim.status, claim.claimant.name) == ("in_review", "Serhiy Kyslytsya")
    assert claim.statements.get().kind == Statement.Kind.ATTENDED
    assert {r.history_change_reason for r in claim.history.all()} == {"From the morning wires"}
    fits(page)
    screenshot(page, "recorded-claim")

    # A contributor cannot publish: the form says so, and nothing changes.
    page.select_option("#id_status", value="published")
    page.click("input[name=_save]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.locator("#content")).to_contain_text("Only a chief editor can publish")
    claim.refresh_from_db()
    assert claim.status == "in_review"

    # Flag it against another claim, from the claim's own page.
    page.get_by_role("link", name="Flag a contradiction").first.click()
    Steps(page).choose(page.locator(".field-other_claim"), "Geneva", "U.S.–Ukrainian meeting")
    page.select_option("#id_kind", label="Place")
    page.fill("#id_note", "One says Geneva, the other Miami.")
    screenshot(page, "flag-from-claim")
    page.get_by_role("button", name="Flag as contradiction").click()
    expect(page.locator(".contradiction-status")).to_contain_text("Open")
    assert Contradiction.objects.filter(flagged_by=contributor).count() == 1


def test_an_editor_reviews_flags_decides_corrects_runs_the_rules_and_imports(
    live_server, page, role_user, tmp_path
):
    editor = role_user("Editor")
    miami = Meeting.objects.get(slug="miami-talks-2025-11-30")
    dated_otherwise = make_claim(text="The Miami meeting was on 1 December.", status="in_review")
    Statement.objects.create(
        claim=dated_otherwise, kind="meeting_date", meeting=miami, date=datetime.date(2025, 12, 1)
    )
    log_in(page, live_server, editor)
    fits(page)
    screenshot(page, "desk-home-editor")

    # Review: the claim in review gets its verdict.
    page.locator("#desk-review").get_by_role("link", name=re.compile("President Biden")).click()
    page.select_option("#id_verdict", label="False")
    page.fill("#id_verdict_rationale", "Biden left office on 20 January 2025.")
    fits(page)
    screenshot(page, "review-claim")
    page.click("input[name=_save]")
    expect(success(page)).to_contain_text("was changed successfully")

    # Flag two claims from the list.
    page.goto(f"{live_server.url}/admin/talks/claim/")
    fits(page)
    screenshot(page, "claim-list")
    for slug in ["ushakov-no-compromises", "rubio-productive-continuation-of-geneva"]:
        pk = Claim.objects.get(slug=slug).pk
        page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", label="Flag as contradiction")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".side-by-side .claim-column")).to_have_count(2)
    page.select_option("#id_kind", label="Event")
    page.fill("#id_note", "No compromise against a productive continuation.")
    screenshot(page, "flag-from-list")
    page.get_by_role("button", name="Flag as contradiction").click()
    expect(success(page)).to_contain_text("Flagged as an open contradiction")

    # Compare the seed's contradiction side by side, and confirm it.
    page.goto(f"{live_server.url}/admin/")
    page.locator("#desk-open").get_by_role("link", name=re.compile("The follow-up meeting")).click()
    columns = page.locator(".side-by-side .claim-column")
    expect(columns).to_have_count(2)
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"], "not side by side"
    expect(columns.nth(0).locator(".differs").first).to_be_visible()
    fits(page)
    screenshot(page, "contradiction-side-by-side")
    page.locator("#decisions").get_by_role("link", name="Confirm").click()
    page.fill("#id_change_reason", "Both stand in the same article")
    page.get_by_role("button", name="Confirm").click()
    expect(success(page)).to_have_text("The contradiction is confirmed.")
    screenshot(page, "confirmed")

    # Dismiss the one flagged from the list.
    page.goto(f"{live_server.url}/admin/talks/contradiction/?status__exact=open")
    page.locator("#result_list").get_by_role("link", name=re.compile("Event")).click()
    page.locator("#decisions").get_by_role("link", name="Dismiss").click()
    page.fill("#id_change_reason", "Different questions: compromise and tone")
    page.get_by_role("button", name="Dismiss").click()
    expect(success(page)).to_have_text("The contradiction is dismissed.")
    screenshot(page, "dismissed")

    # Correct a published claim: the reason is asked for, then kept.
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/change/")
    page.fill("#id_text", "The Putin–Witkoff meeting in Moscow lasted about five hours.")
    page.click("input[name=_save]")
    expect(page.locator(".field-change_reason .errorlist")).to_contain_text("say why")
    screenshot(page, "correction-needs-a-reason")
    page.fill("#id_change_reason", "Kremlin readout: about five hours")
    page.click("input[name=_save]")
    expect(success(page)).to_contain_text("was changed successfully")

    # Run the suggestion rules from the desk home, and flag what they found.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Run the suggestion rules now").click()
    expect(success(page)).to_contain_text("running in the background")
    expect(page.locator("#suggestion-run-status")).to_contain_text("Queued since")
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())
    page.reload()  # the list reloads itself every 5 seconds while the run is unfinished
    expect(page.locator("#suggestion-run-status")).to_contain_text(
        re.compile(r"by editor over the whole desk, found \d+: \d+ new")
    )
    fits(page)
    screenshot(page, "suggestions")
    suggestion = ContradictionSuggestion.objects.get(claim_a=dated_otherwise)
    row = page.locator("#result_list tr", has_text="The Miami meeting was on 1 December.")
    row.get_by_role("button", name="Flag").click()
    expect(success(page)).to_contain_text("Flagged as an open contradiction")
    screenshot(page, "suggestion-flagged")
    suggestion.refresh_from_db()
    assert suggestion.status == "flagged"
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#suggestion-run-status")).to_contain_text("by editor over")

    # Import a file: its problems first, then a dry run, then the import.
    broken, desk = tmp_path / "broken.json", tmp_path / "desk.json"
    broken.write_text(json.dumps(BROKEN_DESK), encoding="utf-8")
    # An editor imports drafts and claims in review; published ones take a chief editor.
    in_review = changed_fields(DESK, 4, status="in_review", verdict="")
    desk.write_text(json.dumps(in_review), encoding="utf-8")
    for path in (broken, desk):
        page.goto(f"{live_server.url}/admin/talks/importrun/")
        page.locator("#content").get_by_role("link", name="Import a fixture").click()
        page.set_input_files("#id_fixture", str(path))
        page.fill("#id_reason", "Partner desk's file")
        page.get_by_role("button", name="Check the file").click()
        if path == broken:
            problems = page.locator("#import-problems")
            expect(problems).to_contain_text("broken.json: nothing was imported")
            expect(problems.locator("li")).to_have_count(7)
            fits(page)
            screenshot(page, "import-problems")
            assert not ImportRun.objects.filter(channel=ImportRun.Channel.ADMIN).exists()
    expect(page.locator("#import-summary")).to_contain_text("Dry run of desk.json")
    screenshot(page, "import-dry-run")
    page.get_by_role("button", name="Import desk.json").click()
    expect(success(page)).to_contain_text("Imported desk.json")
    screenshot(page, "imported")
    assert ImportRun.objects.get(channel=ImportRun.Channel.ADMIN).user == editor


def test_a_chief_editor_publishes_resolves_reverts_deletes_and_restores(
    live_server, page, role_user
):
    chief = role_user("Chief editor")
    claim = Claim.objects.get(slug="follow-up-with-bidens-negotiators")
    log_in(page, live_server, chief)
    fits(page)
    screenshot(page, "desk-home-chief")

    # Publishing without a verdict is refused on the form, beside the status.
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/change/")
    page.select_option("#id_status", label="Published")
    page.check("#id_publish_despite_contradiction")
    page.click("input[name=_save]")
    expect(page.locator(".field-status .errorlist")).to_contain_text(
        "A published claim needs a verdict"
    )
    fits(page)
    screenshot(page, "publish-refused")
    page.select_option("#id_verdict", label="False")
    page.fill("#id_verdict_rationale", "Biden left office on 20 January 2025.")
    page.check("#id_publish_despite_contradiction")
    page.click("input[name=_save]")
    expect(success(page)).to_contain_text("was changed successfully")
    claim.refresh_from_db()
    assert claim.status == "published" and claim.published_at is not None

    # Resolve the contradiction: the claim that holds, by its words.
    contradiction = Contradiction.objects.get()
    page.goto(f"{live_server.url}/admin/talks/contradiction/{contradiction.pk}/change/")
    page.locator("#decisions").get_by_role("link", name="Resolve").click()
    page.get_by_label(re.compile("B · “Steve Witkoff, a U.S. envoy")).check()
    page.fill("#id_resolution_note", "Trump has been president since 20 January 2025.")
    page.fill("#id_change_reason", "Checked against the inauguration")
    fits(page)
    screenshot(page, "resolve")
    page.get_by_role("button", name="Resolve").click()
    expect(success(page)).to_have_text("The contradiction is resolved.")
    screenshot(page, "resolved")

    # The claim's history: one timeline, two versions side by side, a revert with a reason.
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/history/")
    timeline = page.locator(".timeline > li")
    expect(timeline.filter(has_text="Contradiction changed")).to_have_count(1)
    expect(timeline.filter(has_text="Citation added").first).to_be_visible()
    expect(page.locator("ins.diff", has_text="False").first).to_be_visible()
    fits(page)
    screenshot(page, "history")
    page.get_by_role("button", name="Compare the two versions").click()
    expect(page.locator("#compare-versions-table tr.differs").first).to_be_visible()
    fits(page)
    screenshot(page, "compare-versions")
    page.go_back()
    timeline.filter(has_text="Claim created").get_by_role("link").click()
    expect(page.locator("#revert-changes")).to_contain_text("What reverting will change")
    page.fill("#id_change_reason", "Back to review: the verdict needs a second look")
    fits(page)
    screenshot(page, "revert")
    page.get_by_role("button", name="Revert").click()
    expect(success(page)).to_contain_text("to the version of")
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert claim.history.latest().history_change_reason.startswith("Back to review")

    # Delete a claim, find it among the deleted ones, and restore it.
    gone = Claim.objects.get(slug="rubio-task-beyond-ending-war")
    page.goto(f"{live_server.url}/admin/talks/claim/{gone.pk}/change/")
    page.locator(".submit-row").get_by_role("button", name="Delete").click()
    fits(page)
    page.get_by_role("button", name=re.compile("Yes, I’m sure")).click()
    expect(success(page)).to_contain_text("was deleted successfully")
    page.get_by_role("link", name="Deleted claims").click()
    row = page.locator("#deleted-objects tr", has_text="Washington’s task")
    row.locator("input[name=reason]").fill("Deleted by mistake")
    fits(page)
    screenshot(page, "deleted-claims")
    row.get_by_role("button", name="Restore").click()
    expect(success(page)).to_contain_text("Restored")
    screenshot(page, "restored")
    assert Claim.objects.filter(pk=gone.pk).exists()


def test_a_contributor_only_views_a_past_version_and_a_chief_editor_reverts_with_a_reason(
    live_server, page, role_user
):
    claim = Claim.objects.get(slug="ushakov-no-compromises")
    accurate = claim.history.latest()
    claim.verdict, claim._change_reason = Claim.Verdict.MISLEADING, "A first reading"
    claim.save()
    version_url = f"{live_server.url}/admin/talks/claim/{claim.pk}/history/{accurate.history_id}/"

    # A contributor may look at the version, never revert a published claim to it.
    log_in(page, live_server, role_user("Contributor"))
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/history/")
    page.get_by_role("link", name="View this version").nth(1).click()
    expect(page.locator("#revert-changes")).to_contain_text("How this version differs")
    expect(page.get_by_role("button", name="Revert")).to_have_count(0)
    fits(page)
    screenshot(page, "version-contributor")
    page.locator("#logout-form button").click()

    # A chief editor reverts: a correction readers see, so the reason is asked for.
    log_in(page, live_server, role_user("Chief editor"))
    page.goto(version_url)
    expect(page.locator("#revert-changes")).to_contain_text("What reverting will change")
    page.get_by_role("button", name="Revert").first.click()
    expect(page.locator(".field-change_reason .errorlist")).to_contain_text("is published")
    fits(page)
    screenshot(page, "revert-needs-a-reason")
    page.fill("#id_change_reason", "The readout confirms no compromise was found")
    page.get_by_role("button", name="Revert").first.click()
    expect(success(page)).to_contain_text("to the version of")
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.ACCURATE
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    expect(page.locator("#corrections")).to_contain_text(
        "The readout confirms no compromise was found"
    )
    screenshot(page, "corrected-by-a-revert")
