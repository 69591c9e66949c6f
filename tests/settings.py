"""Test settings: the project's settings in development mode.

The test runner turns DEBUG off by itself; the development flag only lets the settings start
without a production secret. Playwright's browser tests run the ORM beside an event loop.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
