"""Two-factor logins in chromium, at 1366 and 390 px: an editor sets up an authenticator app
from the admin (typing the secret the page shows into a "phone": the code is computed from
it here), keeps the recovery codes, and at the next login enters the app's code."""

import base64
import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

from .conftest import PASSWORD, overflow, screenshot


def phone(secret):
    """An authenticator app set up with ``secret`` as the page shows it (base32 in groups)."""
    secret = secret.replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return TOTP(key)


def password(page, live_server, user):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def fits(page):
    assert overflow(page) == [], f"{page.url} is wider than the window: {overflow(page)}"


def test_an_editor_sets_up_two_factor_login_and_logs_in_with_the_app(live_server, page, role_user):
    editor = role_user("Editor")
    editor.totpdevice_set.all().delete()  # a new editor: no app yet

    password(page, live_server, editor)
    expect(page.locator("h1")).to_have_text("Set up two-factor login")
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    fits(page)
    screenshot(page, "two-factor-set-up")
    app = phone(page.locator(".two-factor-secret").inner_text())

    page.fill("#id_code", "000000" if app.token() != 0 else "111111")
    page.click("#two-factor-form input[type=submit]")
    expect(page.locator(".errornote")).to_contain_text("That code is wrong")
    page.wait_for_timeout(1100)  # the wait after a wrong code
    page.fill("#id_code", f"{app.token():06d}")
    page.click("#two-factor-form input[type=submit]")

    expect(page.locator("h1")).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{5}-[0-9a-f]{5}", c) for c in codes)
    fits(page)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Go on to the desk").click()
    expect(page.locator("#user-tools")).to_contain_text("Two-factor login")
    page.locator("#logout-form button").click()

    # The next login asks for the code; the one just used is spent, so the app's next one.
    password(page, live_server, editor)
    expect(page.locator("h1")).to_have_text("Enter your code")
    fits(page)
    screenshot(page, "two-factor-verify")
    app.drift = 1
    page.fill("#id_code", f"{app.token():06d}")
    page.click("#two-factor-form input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    page.get_by_role("link", name="Two-factor login").click()
    expect(page.locator("#codes-left")).to_have_text("10")
    screenshot(page, "two-factor-status")

    page.locator("#logout-form button").click()
    password(page, live_server, editor)
    page.fill("#id_code", codes[0])
    page.click("#two-factor-form input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def test_a_contributor_logs_in_with_a_password_and_may_turn_two_factor_on(
    live_server, page, role_user
):
    contributor = role_user("Contributor")
    password(page, live_server, contributor)
    expect(page.locator("#user-tools")).to_be_visible()
    page.get_by_role("link", name="Two-factor login").click()
    expect(page.locator("h1")).to_have_text("Set up two-factor login")
    expect(page.locator("#content-main")).to_contain_text("optional for your role")
    fits(page)
    screenshot(page, "two-factor-set-up-contributor")
