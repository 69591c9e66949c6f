"""Logging test clients in past both steps of the admin's login (talks/two_factor.py).

``log_in_verified`` leaves a session as the verify page does: the password (Django's
``force_login``) and a confirmed authenticator app of the user's that verified it. The
production path is not bent for tests: tests/test_two_factor.py and the browser tests go
through the real pages with real codes (``current_code``).
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user):
    """``user``'s confirmed authenticator app, set up the first time it is asked for."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_code(device):
    """The code the app shows now, as a phone computes it from the device's key; if this
    time step's code was used already (a second login within 30 s), the next step's, which
    the device accepts too, waiting for it when needed."""
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
        if totp.t() + device.tolerance > device.last_t:
            totp.drift += 1
            return f"{totp.token():0{device.digits}d}"
        time.sleep(1)


def log_in_verified(client, user):
    """``client`` logged in as ``user``, verified by the user's authenticator app."""
    device = authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
