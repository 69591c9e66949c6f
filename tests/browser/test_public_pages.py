"""A reader finds a claim by searching, reads it, and follows its source back to the origin.

Drives Debian's chromium with Playwright against pytest-django's live server, at desktop and
phone width, and fails on any console error or Content Security Policy violation the browser
reports (see conftest.py).
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ..conftest import SEED_FIXTURE
from .conftest import PHONE, log_in, screenshot, watch


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def test_reader_searches_opens_a_claim_and_follows_its_source_to_the_origin(
    live_server, page, context, seed
):
    page.goto(f"{live_server.url}/claims/")
    expect(page.locator(".result-count")).to_have_text("18 published claims, newest first")

    page.fill("input[name=q]", "Suspilne")
    page.click(".search-main button")
    claim = page.get_by_role("link", name="The meeting between the Ukrainian and American")
    expect(claim).to_have_count(1)
    claim.click()

    expect(page.locator(".verdict-large")).to_have_text("Accurate")
    expect(page.locator(".claim-text")).to_contain_text("Sources within the delegation")
    screenshot(page, "public-claim")

    page.get_by_role("link", name="Report that the Ukrainian–American meeting in Miami").click()
    expect(page.locator("h1")).to_have_text(
        "Report that the Ukrainian–American meeting in Miami has concluded"
    )
    page.get_by_role("link", name="Sources within the Ukrainian delegation").click()
    expect(page.locator("h1")).to_have_text("Sources within the Ukrainian delegation")
    expect(page.locator(".provenance")).to_contain_text("this source is the origin")

    phone = watch(context.new_page())
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server.url}/claims/miami-talks-concluded/")
    expect(phone.locator(".verdict-large")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.goto(f"{live_server.url}/claims/")
    assert phone.problems == [], "\n".join(phone.problems)


def test_the_admin_works_under_the_content_security_policy(live_server, page, seed, role_user):
    log_in(page, live_server, role_user("Editor"))
    page.goto(f"{live_server.url}/admin/talks/claim/?q=Miami")
    page.get_by_role("link", name="The meeting between the Ukrainian and American").click()
    expect(page.locator("#id_text")).to_be_visible()
    page.locator("#citations-0 .select2-selection").click()
    expect(page.locator(".select2-container--open .select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history .timeline")).to_be_visible()
