"""Issue 20's journeys in chromium, at 1366 and 390 px, under the Content Security Policy:

- a reader weighs a claim's origins, follows the chain, opens the PROV-O export and reads the
  claim as it stood before a correction;
- an editor records a source's basis and a citation's attribution, lists the published claims
  resting on one unnamed origin, and reads a claim as it stood at a moment in the admin.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from sources.models import Source
from talks.models import Citation, Claim

from ..conftest import SEED_FIXTURE
from .conftest import PHONE, log_in, overflow, screenshot, watch


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def test_reader_weighs_the_origins_follows_the_chain_and_reads_an_earlier_version(
    live_server, page, context, seed
):
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    original = claim.text
    claim.text = "The Putin–Witkoff meeting in Moscow lasted about five hours."
    claim._change_reason = "The article says nearly five hours"
    claim.save()

    page.goto(f"{live_server.url}/claims/miami-talks-concluded/")
    summary = page.locator(".origins-summary")
    expect(summary).to_contain_text(
        "3 sources · 1 origin: unnamed sources (Sources within the Ukrainian delegation)"
    )
    expect(page.locator(".origins-note")).to_contain_text("one origin whose people are not named")
    expect(page.locator(".chain-root .step-cited")).to_have_count(3)
    screenshot(page, "public-claim-origins")

    export = page.get_by_role("link", name="The chain as W3C PROV-O (JSON-LD)")
    answer = page.request.get(f"{live_server.url}{export.get_attribute('href')}")
    assert answer.headers["content-type"] == "application/ld+json"
    assert "prov:wasDerivedFrom" in json.dumps(answer.json()["@context"])
    alternate = page.locator('link[rel=alternate][type="application/ld+json"]')
    expect(alternate).to_have_attribute("href", export.get_attribute("href"))

    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    expect(page.locator(".origins-summary")).to_contain_text("1 source · 1 origin")
    page.get_by_role("link", name="See the fact check as it stood before this correction").click()
    expect(page.locator(".claim-text")).to_contain_text(original)
    expect(page.locator(".as-of-notice")).to_contain_text("This is the fact check as it stood on")
    assert overflow(page) == []
    page.set_viewport_size(PHONE)
    assert overflow(page) == []
    screenshot(page, "public-claim-as-of")
    page.get_by_role("link", name="Read it as it stands now").click()
    expect(page.locator(".claim-text")).to_contain_text("about five hours")

    phone = watch(context.new_page())
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server.url}/claims/ukrainian-side-umerov-hnatov/")
    expect(phone.locator(".origins-summary")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.problems == [], "\n".join(phone.problems)

    # A moment that is no date: the page says why (a 400, which the browser logs as a
    # failed load, so this page is not watched for console errors; CSP violations it is).
    wrong = context.new_page()
    wrong.goto(f"{live_server.url}{claim.get_absolute_url()}as-of/")
    wrong.fill("#as-of-at", "last Tuesday")
    wrong.get_by_role("button", name="Show").click()
    expect(wrong.locator(".form-error")).to_contain_text("is not a date")
    assert wrong.evaluate("window.__cspViolations") == []
    screenshot(wrong, "public-claim-as-of-error")


def test_editor_records_basis_and_attribution_filters_and_reads_an_earlier_version(
    live_server, page, seed, role_user
):
    log_in(page, live_server, role_user("Editor"))
    rubio = Source.objects.get(slug="rubio-statement-miami-talks")
    page.goto(f"{live_server.url}/admin/sources/source/{rubio.pk}/change/")
    expect(page.locator("#id_reporting")).to_have_value("original")
    page.select_option("#id_reporting", "unknown")
    page.fill("#id_change_reason", "Where Rubio said it is not recorded")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    rubio.refresh_from_db()
    assert rubio.reporting == "unknown"
    assert rubio.history.latest().history_change_reason == "Where Rubio said it is not recorded"

    claim = Claim.objects.get(slug="headline-moscow-talks-no-compromises")
    page.goto(f"{live_server.url}/admin/talks/claim/{claim.pk}/change/")
    page.select_option("#id_citations-0-attribution", "relay")
    page.fill("#id_change_reason", "The headline relays Ushakov")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    citation = Citation.objects.get(claim=claim)
    assert citation.attribution == "relay"
    assert citation.history.latest().history_change_reason == "The headline relays Ushakov"

    page.goto(f"{live_server.url}/admin/talks/claim/")
    page.get_by_role("link", name="Published, resting on one unnamed origin").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("Miami has concluded")
    assert overflow(page) == []
    screenshot(page, "admin-claims-one-unnamed-origin")

    rows.first.locator("th a").click()
    page.get_by_role("link", name="As it stood on…").click()
    page.fill("#id_at", "2020-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".errornote")).to_contain_text("its history begins on")
    page.fill("#id_at", timezone.now().strftime("%Y-%m-%d"))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#claim-then")).to_contain_text("Published")
    expect(page.locator("#citations-then")).to_contain_text("Unnamed source")
    assert overflow(page) == []
    page.set_viewport_size(PHONE)
    assert overflow(page) == []
    screenshot(page, "admin-claim-as-of")
