"""A reader finds a claim by searching, reads it, and follows its source back to the origin.

Drives Debian's chromium with Playwright against pytest-django's live server, at desktop and
phone width, and fails on any Content Security Policy violation the browser reports, on the
public pages and in the admin.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ..conftest import SEED_FIXTURE

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(browser, viewport):
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(15_000)
    page.problems = []

    def note(message):
        # The admin has no favicon; that 404 is the browser's guess, not a problem of ours.
        if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
            page.problems.append(f"{page.url}: {message.text}")

    page.on("console", note)
    return page


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def test_reader_searches_opens_a_claim_and_follows_its_source_to_the_origin(
    live_server, browser, seed
):
    page = open_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/claims/")
    expect(page.locator(".result-count")).to_have_text("18 published claims, newest first")

    page.fill("input[name=q]", "Suspilne")
    page.click(".search-main button")
    claim = page.get_by_role("link", name="The meeting between the Ukrainian and American")
    expect(claim).to_have_count(1)
    claim.click()

    expect(page.locator(".verdict-large")).to_have_text("Accurate")
    expect(page.locator(".claim-text")).to_contain_text("Sources within the delegation")
    top = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": 1500}
    page.screenshot(path="/tmp/fd_public_claim_desktop.png", full_page=True, clip=top)

    page.get_by_role("link", name="Report that the Ukrainian–American meeting in Miami").click()
    expect(page.locator("h1")).to_have_text(
        "Report that the Ukrainian–American meeting in Miami has concluded"
    )
    page.get_by_role("link", name="Sources within the Ukrainian delegation").click()
    expect(page.locator("h1")).to_have_text("Sources within the Ukrainian delegation")
    expect(page.locator(".provenance")).to_contain_text("this source is the origin")
    assert page.problems == [], "\n".join(page.problems)

    phone = open_page(browser, PHONE)
    phone.goto(f"{live_server.url}/claims/miami-talks-concluded/")
    expect(phone.locator(".verdict-large")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.screenshot(path="/tmp/fd_public_claim_phone.png")
    phone.goto(f"{live_server.url}/claims/")
    phone.screenshot(path="/tmp/fd_public_list_phone.png", full_page=True)
    assert phone.problems == [], "\n".join(phone.problems)


def test_the_admin_works_under_the_content_security_policy(
    live_server, browser, seed, django_user_model
):
    django_user_model.objects.create_superuser("maria", "maria@example.org", "pw-for-maria")
    page = open_page(browser, DESKTOP)
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "maria")
    page.fill("#id_password", "pw-for-maria")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/talks/claim/?q=Miami")
    page.get_by_role("link", name="The meeting between the Ukrainian and American").click()
    expect(page.locator("#id_text")).to_be_visible()
    page.locator("#citations-0 .select2-selection").click()
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_be_visible()
    assert page.problems == [], "\n".join(page.problems)
