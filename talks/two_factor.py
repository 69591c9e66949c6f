"""The second step of a staff login: a code from an authenticator app (TOTP, RFC 6238) or a
recovery code, checked with django-otp after the password.

Who must take it is the rulebook's (``two_factor_required``: editors, chief editors,
superusers); a contributor who turned it on takes it too. An account that must and has no
app yet is led to set one up before anything else (``next_step``). Each wrong code doubles
the wait before the next one may be tried (django-otp's throttling, per device); wrong
passwords are django-axes'.

The admin's pages for both steps are ``talks/admin/two_factor.py``; this module holds what
they ask, so a test or a command asks it the same way.
"""

import re
import secrets
from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .rulebook import two_factor_required

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10
VERIFY = "verify"
ENROL = "enrol"


def skipped(user):
    """The demo's logins, which take no second step: only while DEBUG is on."""
    return settings.DEBUG and user.get_username() in settings.FACTDESK_TWO_FACTOR_SKIPPED_FOR


def confirmed_app(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def next_step(request):
    """What the logged-in ``request.user`` must do before the admin opens: ``VERIFY`` (enter
    a code), ``ENROL`` (set up an app first), or None (nothing more). Asked by every admin
    page (and several times by one), so answered once per request."""
    if not hasattr(request, "_two_factor_step"):
        request._two_factor_step = _next_step(request.user)
    return request._two_factor_step


def _next_step(user):
    if not user.is_authenticated or user.is_verified() or skipped(user):
        return None
    if confirmed_app(user) is not None:
        return VERIFY
    return ENROL if two_factor_required(user) else None


def verify(request, code):
    """Check ``code`` for ``request.user`` and mark the session verified; return the error
    to show, or "" once it is. Six digits are the app's code, anything longer a recovery
    code (ten characters), so a mistyped one never counts against the other device."""
    code = re.sub(r"[\s-]", "", code or "").lower()
    model = TOTPDevice if len(code) <= 8 and code.isdigit() else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.devices_for_user(request.user, confirmed=True).select_for_update().first()
        )
        if device is None:
            return "That code is wrong or has expired: enter the one your app shows now."
        if wait := _throttled(device):
            return wait
        if not device.verify_token(code):
            return "That code is wrong or has expired: enter the one your app shows now."
    _verified(request, device)
    return ""


def _throttled(device):
    allowed, why = device.verify_is_allowed()
    if allowed:
        return ""
    seconds = max(1, round((why["locked_until"] - timezone.now()).total_seconds()))
    plural = "s" if seconds != 1 else ""
    return f"Too many wrong codes: wait {seconds} second{plural} and try again."


def _verified(request, device):
    # A new session key once the login is complete, as Django's login() gives one after
    # the password: a key seen before the second step is worth nothing after it.
    request.session.cycle_key()
    login(request, device)
    request._two_factor_step = None


def enrolling_app(user):
    """The app ``user`` is setting up: a new secret the first time, the same one until it
    is confirmed (so a page reloaded after scanning still matches the phone)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def confirm_app(request, code):
    """Confirm the app being set up with its first ``code``; return (error, recovery codes):
    the codes are made now and shown once."""
    user = request.user
    with transaction.atomic():
        device = (
            TOTPDevice.objects.devices_for_user(user, confirmed=False).select_for_update().first()
        )
        if device is None:
            return "Reload the page: there is no app being set up.", []
        if wait := _throttled(device):
            return wait, []
        if not device.verify_token(re.sub(r"\s", "", code or "")):
            return "That code is wrong or has expired: enter the one your app shows now.", []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    _verified(request, device)
    return "", codes


@transaction.atomic
def new_recovery_codes(user):
    """Ten new recovery codes for ``user``, each good for one login; the old ones stop
    working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret(device):
    """The app's secret as people type it: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device):
    """The ``otpauth://`` address of the app's secret as an SVG QR code (no image library,
    no inline style: it is shown inline under the Content Security Policy)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]
