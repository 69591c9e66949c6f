"""Debian's chromium driven by Playwright against pytest-django's live server.

CI installs ``/usr/bin/chromium``; without it the browser tests fail rather than skip.
"""

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The test's ORM calls ran beside Playwright's event loop, on connections of their
        # own; close them here, or PostgreSQL's pool keeps one and the test database cannot
        # be dropped.
        connections.close_all()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(15_000)
    return page


def log_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
