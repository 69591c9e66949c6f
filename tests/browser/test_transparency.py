"""A reader finds the record of changes from any public page and keeps its head, at 1366
and 390 px, in English and in Ukrainian."""

import datetime
from functools import partial
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from sources import history_chain

from ..conftest import SEED_FIXTURE
from .conftest import PHONE, overflow, screenshot


def test_a_reader_reads_the_head_of_the_history_chain(live_server, page, monkeypatch):
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())
    position, digest = history_chain.head()
    an_hour_on = timezone.now() + datetime.timedelta(hours=1)  # the import is behind the hour
    monkeypatch.setattr(
        history_chain, "checkpoint", partial(history_chain.checkpoint, now=an_hour_on)
    )

    page.goto(f"{live_server.url}/claims/")
    page.get_by_role("link", name="The record of changes").click()
    expect(page.locator("h1")).to_have_text("The record of changes")
    expect(page.locator("#history-head")).to_contain_text(str(position))
    expect(page.locator("#history-head .digest")).to_have_text(digest)
    assert overflow(page) == []
    screenshot(page, "transparency")
    page.set_viewport_size(PHONE)
    assert overflow(page) == [], "the digest wraps on a phone"

    page.goto(f"{live_server.url}/uk/transparency/")
    expect(page.locator("h1")).to_have_text("Журнал змін")
    screenshot(page, "transparency-uk")
