"""Bans sent to an edge cache (Varnish, ``VARNISH_URL``) for the pages a write made stale.

Pages carry their tags in ``Cache-Tag`` (``talks.page_cache``); after a write's stamps are
made (``talks.page_tags``), one BAN request names those tags as a regular expression, and
Varnish drops every object whose tags match (docs/varnish.vcl). With no tags (an import), it
drops every page. Without ``VARNISH_URL`` nothing is sent.
"""

import logging
import re
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT = 2  # seconds: a write never waits longer on the edge


def ban(tags=None):
    """Ask the edge cache to drop the pages carrying any of ``tags``, or every page."""
    if not settings.VARNISH_URL:
        return
    request = urllib.request.Request(settings.VARNISH_URL, method="BAN")
    if tags is not None:
        if not tags:
            return
        alternatives = "|".join(re.escape(tag) for tag in sorted(tags))
        request.add_header("X-Ban-Tags", rf"(^|\s)({alternatives})(\s|$)")  # one ban token
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    except OSError:
        # The edge keeps a page at most its TTL (an hour in docs/varnish.vcl) past a lost ban.
        logger.exception("The edge cache at %s refused a ban", settings.VARNISH_URL)
