"""An editor flags two claims from the list, resolves the contradiction, and finds every step
in both claims' history, all in the real admin in chromium."""

from playwright.sync_api import expect

from talks.models import Citation, Claim, Contradiction

from ..conftest import make_claim, make_source
from .conftest import log_in

SCREENSHOT = "/tmp/fd_contra_browser_history.png"


def test_editor_flags_two_claims_resolves_and_sees_it_in_both_histories(
    live_server, page, django_user_model
):
    editor = django_user_model.objects.create_superuser(
        "maria.checker", "maria@example.org", "correct-horse-battery"
    )
    article = make_source(title="Ukrainian and U.S. delegations met in Miami")
    biden_claim = make_claim(
        text="The follow-up meeting was planned with President Biden's negotiators.",
        claimant_label="Olga Stefanishyna",
        status=Claim.Status.IN_REVIEW,
    )
    trump_claim = make_claim(
        text="Steve Witkoff, an envoy of the Trump administration, met Putin in Moscow.",
        claimant_label="The article itself",
        status=Claim.Status.PUBLISHED,
        verdict=Claim.Verdict.ACCURATE,
    )
    Citation.objects.create(
        claim=biden_claim, source=article, quote="with President Biden's negotiators"
    )
    make_claim(text="An unrelated claim about the 20-point plan.")

    log_in(page, live_server, editor, "correct-horse-battery")
    page.goto(f"{live_server.url}/admin/talks/claim/")
    for claim in (biden_claim, trump_claim):
        page.check(f"input[name=_selected_action][value='{claim.pk}']")
    page.select_option("select[name=action]", label="Flag as contradiction")
    page.get_by_role("button", name="Run").click()

    expect(page.locator("h1")).to_have_text("Flag as contradiction")
    columns = page.locator(".side-by-side .claim-column")
    expect(columns.nth(0)).to_contain_text("President Biden's negotiators")
    expect(columns.nth(0)).to_contain_text("with President Biden's negotiators")
    expect(columns.nth(1)).to_contain_text("envoy of the Trump administration")
    page.select_option("#id_kind", label="Who / role")
    page.fill("#id_note", "Biden left office on 20 January 2025.")
    page.get_by_role("button", name="Flag as contradiction").click()

    success = page.locator(".messagelist .success")
    expect(success).to_contain_text("Flagged as an open contradiction")
    success.get_by_role("link").click()
    expect(page.locator(".contradiction-status")).to_contain_text("Open")
    page.locator("#decisions").get_by_role("link", name="Resolve").click()

    page.get_by_label(f"B · {trump_claim.slug}").check()
    page.fill("#id_resolution_note", "Trump has been president since 20 January 2025.")
    page.select_option("#id_verdict", label="False")
    page.fill("#id_verdict_rationale", "Biden was no longer president in December 2025.")
    page.fill("#id_change_reason", "Checked against the inauguration")
    page.get_by_role("button", name="Resolve").click()

    expect(page.locator(".messagelist .success")).to_have_text("The contradiction is resolved.")
    expect(page.locator(".contradiction-status")).to_contain_text("Resolved")
    expect(page.locator("#decisions")).to_have_count(0)

    for claim in (biden_claim, trump_claim):
        page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/history/")
        steps = page.locator("#contradiction-history tbody tr")
        expect(steps).to_have_count(2)
        expect(steps.nth(0)).to_contain_text("Resolved")
        expect(steps.nth(0)).to_contain_text("maria.checker")
        expect(steps.nth(0)).to_contain_text("Checked against the inauguration")
        expect(steps.nth(1)).to_contain_text("Open")
        expect(steps.nth(1)).to_contain_text("Flagged as a contradiction from the claim list")
    # The claim that did not hold has its corrected verdict in its own history too.
    page.goto(f"{live_server.url}/admin/talks/claim/{biden_claim.pk}/history/")
    corrected = page.locator("#change-history tbody tr", has_text="Checked against")
    expect(corrected).to_contain_text("maria.checker")
    expect(corrected).to_contain_text("Verdict")
    expect(corrected).to_contain_text("false")
    page.screenshot(path=SCREENSHOT, full_page=True)

    contradiction = Contradiction.objects.get()
    assert (contradiction.status, contradiction.prevailing_claim) == (
        Contradiction.Status.RESOLVED,
        trump_claim,
    )
    biden_claim.refresh_from_db()
    assert biden_claim.verdict == Claim.Verdict.FALSE
