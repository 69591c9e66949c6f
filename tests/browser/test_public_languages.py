"""A Ukrainian reader arrives at the desk, searches for a name as it is written in Ukrainian,
reads a claim in Ukrainian and switches to English; no script needed, no console error or
CSP violation (conftest.py).

The claim page in Ukrainian is kept as screenshots to look at:
test-output/screenshots/public-claim-uk-1366.png and -390.png.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ..conftest import SEED_FIXTURE
from .conftest import overflow, screenshot

CLAIM = "zelenskyy-peace-plan-20-points"


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def test_a_ukrainian_reader_finds_and_reads_a_claim_in_ukrainian(live_server, page, seed):
    page.set_extra_http_headers({"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/uk/claims/")
    expect(page.locator("h1")).to_have_text("Перевірки фактів")

    page.fill("input[name=q]", "Зеленського")
    page.click(".search-main button")
    expect(page.locator(".result-count")).to_have_text(
        "Знайдено 7 опублікованих тверджень, спершу найновіші"
    )
    result = page.locator(".claim-item", has_text="The peace plan now contains 20 points.")
    expect(result.locator(".matched-names")).to_have_text("Автор: Volodymyr Zelenskyy, Зеленський")
    result.get_by_role("link", name="The peace plan now contains 20 points.").click()

    expect(page).to_have_url(f"{live_server.url}/uk/claims/{CLAIM}/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator(".verdict-label")).to_have_text("Наш вердикт")
    expect(page.locator(".verdict-large")).to_have_text("Правда")
    expect(page.locator(".kicker")).to_contain_text("опубліковано 5 грудня 2025")
    expect(page.locator(".facts")).to_contain_text("2 грудня 2025")
    expect(page.locator(".facts")).to_contain_text("Англійська")
    expect(page.locator("#sources")).to_have_text("Звідки твердження")
    assert overflow(page) == []
    screenshot(page, "public-claim-uk")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{live_server.url}/claims/{CLAIM}/")
    expect(page.locator(".verdict-label")).to_have_text("Our verdict")
