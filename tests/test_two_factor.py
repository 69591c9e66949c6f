"""Two-factor logins (talks/two_factor.py): editors and chief editors confirm each login with
a code from an authenticator app, computed here from the device's key as a phone does."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from .logins import authenticator, current_code

pytestmark = pytest.mark.django_db
PASSWORD = "right-password"
LOGIN = reverse("admin:login")
VERIFY = reverse("admin:two_factor_verify")
SET_UP = reverse("admin:two_factor")
CLAIMS = reverse("admin:talks_claim_changelist")


@pytest.fixture
def staff(django_user_model):
    def make(role, username=None):
        user = django_user_model.objects.create_user(
            username or role.lower().replace(" ", "-"), password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


def password_login(user):
    client = Client()
    login = {"username": user.username, "password": PASSWORD}
    response = client.post(f"{LOGIN}?next={CLAIMS}", login)
    assert response.status_code == 302, "the password is right"
    return client, response


def test_an_editor_logs_in_with_the_code_of_the_app(staff):
    editor = staff("Editor")
    device = authenticator(editor)
    client, response = password_login(editor)

    # Past the password, the desk is still closed: every page leads to the code.
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next={CLAIMS.replace('/', '%2F')}"
    assert "Enter your code" in response.text
    assert client.get(CLAIMS).status_code == 302

    response = client.post(VERIFY, {"code": current_code(device), "next": CLAIMS})

    assert response.status_code == 302 and response.url == CLAIMS
    assert client.get(CLAIMS).status_code == 200


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(staff):
    chief = staff("Chief editor")
    device = authenticator(chief)
    client, _ = password_login(chief)
    right = current_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})
    assert "That code is wrong or has expired" in response.text

    # Straight after a wrong code, even the right one waits its turn (1 s, then 2, 4...).
    response = client.post(VERIFY, {"code": right})
    assert re.search(r"Too many wrong codes: wait \d+ seconds?", response.text)
    assert client.get(CLAIMS).status_code == 302

    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=2)  # the wait has passed
    device.save()
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 302
    assert client.get(CLAIMS).status_code == 200


def test_a_code_works_once(staff):
    editor = staff("Editor")
    device = authenticator(editor)
    first, _ = password_login(editor)
    code = current_code(device)
    assert first.post(VERIFY, {"code": code}).status_code == 302

    second, _ = password_login(editor)  # someone who saw the code over the editor's shoulder
    response = second.post(VERIFY, {"code": code})

    assert "That code is wrong or has expired" in response.text
    assert second.get(CLAIMS).status_code == 302


def test_an_editor_without_an_app_sets_one_up_first_and_gets_recovery_codes_once(staff):
    editor = staff("Editor")
    client, response = password_login(editor)

    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0].startswith(SET_UP)
    assert "<svg" in response.text and "two-factor-secret" in response.text
    assert client.get(CLAIMS).status_code == 302
    enrolling = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.get(SET_UP).context["secret"] == response.context["secret"], "same secret"

    response = client.post(SET_UP, {"code": current_code(enrolling), "next": CLAIMS})

    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", response.text)
    assert len(codes) == 10
    assert client.get(CLAIMS).status_code == 200
    status = client.get(SET_UP)
    assert "Two-factor login is <strong>on</strong>" in status.text
    assert not re.search(r"[0-9a-f]{5}-[0-9a-f]{5}", status.text), "codes are shown once"

    # A recovery code stands in for the phone, once.
    lost_phone, _ = password_login(editor)
    assert lost_phone.post(VERIFY, {"code": codes[3]}).status_code == 302
    assert lost_phone.get(CLAIMS).status_code == 200
    again, _ = password_login(editor)
    assert "That code is wrong" in again.post(VERIFY, {"code": codes[3]}).text
    assert client.get(SET_UP).context["codes_left"] == 9


def test_a_stolen_password_cannot_set_up_another_app(staff):
    editor = staff("Editor")
    authenticator(editor)
    thief, _ = password_login(editor)

    response = thief.get(SET_UP)

    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert thief.post(SET_UP, {"new-codes": "1"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=editor, confirmed=False).exists()


def test_contributors_may_log_in_with_a_password_alone_until_they_set_up_an_app(staff):
    contributor = staff("Contributor")
    client, _ = password_login(contributor)
    assert client.get(CLAIMS).status_code == 200
    assert "Two-factor login" in client.get(reverse("admin:index")).text

    authenticator(contributor)
    client, _ = password_login(contributor)
    assert client.get(CLAIMS).status_code == 302
    client.post(VERIFY, {"code": current_code(authenticator(contributor))})
    assert client.get(CLAIMS).status_code == 200


def test_the_demo_logins_skip_the_second_step_only_with_debug_on(staff, settings):
    editor = staff("Editor")
    settings.FACTDESK_TWO_FACTOR_SKIPPED_FOR = [editor.username]

    settings.DEBUG = False
    client, _ = password_login(editor)
    assert client.get(CLAIMS).status_code == 302

    settings.DEBUG = True
    assert client.get(CLAIMS).status_code == 200


def test_logging_out_from_the_second_step(staff):
    editor = staff("Editor")
    authenticator(editor)
    client, _ = password_login(editor)

    response = client.post(reverse("admin:two_factor_log_out"))

    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session
