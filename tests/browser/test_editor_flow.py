"""An editor adds a claim with a citation through the real admin, and finds it in the history."""

from playwright.sync_api import expect

from talks.models import Citation, Claim

from ..conftest import make_source
from .conftest import log_in

SCREENSHOT = "/tmp/history.png"


def test_editor_adds_a_claim_with_a_citation_and_finds_the_reason_in_its_history(
    live_server, page, django_user_model
):
    editor = django_user_model.objects.create_superuser(
        "maria.checker", "maria@example.org", "correct-horse-battery"
    )
    source = make_source(title="Readout of the Miami talks", outlet="Reuters")
    reason = "First check of the Miami readout"

    log_in(page, live_server, editor, "correct-horse-battery")
    page.locator("tr.model-claim").get_by_role("link", name="Add").click()
    expect(page.locator("h1")).to_have_text("Add claim")

    page.fill("#id_text", "The delegations agreed to meet again in January.")
    page.select_option("#id_status", label="In review")

    page.get_by_role("button", name="Add another Citation").click()
    row = page.locator("#citations-0")
    row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Miami")
    page.locator(".select2-results__option", has_text=source.title).click()
    expect(row.locator(".select2-selection__rendered")).to_contain_text(source.title)
    row.locator("textarea[name='citations-0-quote']").fill("Both sides will meet in January.")
    page.fill("#id_change_reason", reason)
    page.click("input[name=_save]")

    success = page.locator(".messagelist .success")
    expect(success).to_contain_text("was added successfully")
    claim = Claim.objects.get()
    assert Citation.objects.get().source == source

    success.get_by_role("link").click()
    page.get_by_role("link", name="History").click()
    entry = page.locator("#change-history tbody tr", has_text=reason)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(editor.username)
    expect(entry).to_contain_text("Created")
    page.screenshot(path=SCREENSHOT, full_page=True)

    record = claim.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        reason,
    )
