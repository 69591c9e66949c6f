"""Test settings: the project's settings in development mode.

The test runner turns DEBUG off by itself; the development flag only lets the settings start
without a production secret. Playwright's browser tests run the ORM beside an event loop.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The tests tell a page served from the cache by its X-Cache header (off in production).
PAGE_CACHE_STATUS_HEADER = True

# The replica alias mirrors the primary in tests. Requests read from it only where a test
# turns PUBLIC_READS_DATABASE to "replica" (tests/test_db_routing.py): a mirror is a second
# connection, which cannot see a test's uncommitted rows.
# Without a pool, so its connections close with the test and the test database can be dropped.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "OPTIONS": {},
    "TEST": {"MIRROR": "default"},
}

# The archive fetches nothing in tests but those of the archive, which turn it on and serve
# their pages on 127.0.0.1 (tests/test_archive.py).
FACTDESK_ARCHIVE = False
