"""An editor imports a fixture in the real admin, in chromium: the problems of a broken file,
the dry run of a good one, the run it records, and an imported change in an object's history.
"""

import json
import re

import pytest

from talks.models import Claim, ImportRun

from ..test_import import BROKEN_DESK, DESK, changed_fields

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):
    settings.FIXTURE_UPLOAD_DIR = tmp_path / "uploads"


def import_in_the_admin(page, path, reason):
    page.locator("#content").get_by_role("link", name="Import a fixture").click()
    page.set_input_files("#id_fixture", str(path))
    page.fill("#id_reason", reason)
    page.get_by_role("button", name="Check the file").click()


def test_editor_imports_a_fixture_and_finds_the_change_in_the_history(
    live_server,
    page,
    django_user_model,
    tmp_path,
):
    from playwright.sync_api import expect

    editor = django_user_model.objects.create_superuser("maria.checker", "m@example.org", PASSWORD)
    broken, desk, correction = (
        tmp_path / name for name in ("broken.json", "desk.json", "fix.json")
    )
    broken.write_text(json.dumps(BROKEN_DESK), encoding="utf-8")
    desk.write_text(json.dumps(DESK), encoding="utf-8")
    fixed = changed_fields(DESK, 4, status="in_review", verdict="")
    correction.write_text(json.dumps(fixed), encoding="utf-8")

    page.goto(f"{live_server.url}/admin/talks/importrun/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    import_in_the_admin(page, broken, "first load")
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("broken.json: nothing was imported")
    expect(problems.locator("li")).to_have_count(7)
    expect(problems).to_contain_text("object #5, talks.claim, [\"c\"], field 'claimant'")
    page.screenshot(path="/tmp/fd_import_problems.png", full_page=True)
    assert not ImportRun.objects.exists()

    page.goto(f"{live_server.url}/admin/talks/importrun/")
    import_in_the_admin(page, desk, "first load")
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("Dry run of desk.json: nothing written yet")
    expect(summary).to_contain_text("Importing it would create 6, update 0 and leave 0")
    page.screenshot(path="/tmp/fd_import_dry_run.png", full_page=True)
    assert not Claim.objects.exists()

    page.get_by_role("button", name="Import desk.json").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "Imported desk.json: 6 created, 0 updated, 0 unchanged."
    )
    run = ImportRun.objects.get()
    expect(page.locator("h2, h1").first).to_be_visible()
    expect(page.locator(".field-count_table")).to_contain_text("talks.claim")
    page.screenshot(path="/tmp/fd_import_run.png", full_page=True)

    page.goto(f"{live_server.url}/admin/talks/importrun/")
    import_in_the_admin(page, correction, "verdict withdrawn")
    expect(page.locator("#import-summary")).to_contain_text("update 1 and leave 5")
    page.get_by_role("button", name="Import fix.json").click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 updated, 5 unchanged")

    claim = Claim.objects.get()
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/history/")
    latest = page.locator("#change-history tbody tr").first
    second_run = ImportRun.objects.exclude(pk=run.pk).get()
    expect(latest).to_contain_text(f"in import run #{second_run.pk}: verdict withdrawn")
    expect(latest).to_contain_text("maria.checker")
    expect(latest).to_contain_text(re.compile(r"Status:\s*published\s*→\s*in_review"))
    expect(latest).to_contain_text(re.compile(r"Verdict:\s*unverifiable\s*→"))
    page.screenshot(path="/tmp/fd_import_history.png", full_page=True)
