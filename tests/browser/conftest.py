"""Debian's chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; each test gets its own context and page, which records
every problem a person would notice or the browser would report: console errors, uncaught
script errors, Content Security Policy violations and server errors. A test fails at the end
if its page recorded any.

Without ``/usr/bin/chromium`` the browser tests are skipped, saying why, except where
``FACTDESK_REQUIRE_BROWSER=1`` (CI sets it): there they fail.
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from ..logins import authenticator, current_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
PASSWORD = "correct-horse-battery"

# Recorded before any script of the page runs, so no violation escapes the count.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""

# Whether the page's main content is wider than the window: the page itself scrolls
# sideways, or a list or an inline table hides columns behind a scroll of its own.
OVERFLOWING = """() => {
  const wide = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) wide.push(`page ${root.scrollWidth}px`);
  const boxes = document.querySelectorAll("#content .results, #content .tabular, #content table");
  for (const box of boxes) {
    if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible")
      wide.push(`${box.className || box.tagName} ${box.scrollWidth}px in ${box.clientWidth}px`);
  }
  return wide;
}"""


def _chromium_missing():
    return not os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if not _chromium_missing() or os.environ.get("FACTDESK_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if _chromium_missing():
        pytest.fail(f"{CHROMIUM} is missing and FACTDESK_REQUIRE_BROWSER=1 requires it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def watch(page):
    """Record on ``page.problems`` what went wrong while it was open."""
    page.problems = []
    page.set_default_timeout(15_000)

    def console(message):
        if message.type == "error":
            page.problems.append(f"console error on {page.url}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: page.problems.append(f"script error on {page.url}: {error}"))

    def response(answer):
        if answer.status >= 500:
            page.problems.append(f"server error {answer.status}: {answer.url}")

    page.on("response", response)
    return page


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield context
    context.close()
    # The test's ORM calls ran beside Playwright's event loop, on connections of their own;
    # close them, or PostgreSQL keeps one open and the test database cannot be dropped.
    connections.close_all()


@pytest.fixture
def page(context):
    page = watch(context.new_page())
    yield page
    assert page.problems == [], "\n".join(page.problems)


def overflow(page):
    """What of the page is wider than the window (an empty list when nothing is)."""
    page.wait_for_load_state()
    return page.evaluate(OVERFLOWING)


def screenshot(page, name):
    """The page at 1366 px and at 390 px, under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-1366.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in(page, live_server, user, password=PASSWORD):
    """Log in as a person does: the password, then, for a login with an authenticator app,
    the code the app shows now (computed from the app's key, tests/logins.py)."""
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools, #two-factor-form")
    if page.locator("#two-factor-form").count():
        page.fill("#id_code", current_code(authenticator(user)))
        page.click("#two-factor-form input[type=submit]")
        page.wait_for_selector("#user-tools")


def ensure_roles():
    """The roles' groups, made by migration 0006's own code: the flush after each live-server
    test empties them (Django's serialized rollback cannot bring them back here, as the ORM
    runs beside Playwright's event loop on connections of its own)."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from talks.rulebook import ROLES

    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        migration = import_module("talks.migrations.0006_editorial_role_groups")
        migration.create_roles(MigrationLoader(connection).project_state().apps, None)


@pytest.fixture
def role_user(django_user_model):
    """A staff login in one editorial group, as the demo makes them."""
    from django.contrib.auth.models import Group

    from talks.rulebook import two_factor_required

    ensure_roles()

    def make(role):
        user = django_user_model.objects.create_user(
            role.lower().replace(" ", "-"), password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        if two_factor_required(user):
            authenticator(user)  # set up before, as the role requires (contributors have none)
        return user

    return make
