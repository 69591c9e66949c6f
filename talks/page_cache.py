"""The cache of rendered public answers, the readers' pages and the read API's alike.

An answer is cached with the tags of the records it showed and the time its render began
(``talks.page_tags``), so it holds until one of its own records changes, whatever else the
desk writes. Its key includes the ``Edition``, which an import (written without signals)
moves on, and with it every answer. The ETag is the hash of the bytes and ``Last-Modified``
the time they last changed, so a reader's copy is confirmed with a 304 exactly while the
answer is unchanged.

While an answer renders again after a change, other readers get the stale copy (one render
per change, however many ask), unless the change took something off the public pages: then
each waits for the new answer. With ``FACTDESK_PUBLIC_ORIGINS`` set, a corrected claim's
pages are rendered again in the background (``render_claim_pages``, enqueued by the write's
stamp), so the next reader finds them cached. ``stale-while-revalidate`` lets a shared cache
in front do the same, and with ``VARNISH_URL`` set each response names its tags
(``Cache-Tag``) for the bans a write sends it.

With the database gone (``config.database_faults``), a cached answer is still served
(``X-Cache: stale``): nobody can correct anything meanwhile. A server process that found it
gone serves cached answers without asking it for ``DATABASE_RETRY_SECONDS``, so readers do
not each wait out the pool's timeout; an answer not in the cache is the 503 the database's
absence always gives.
"""

import hashlib
import time
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, router
from django.http import HttpResponse
from django.tasks import task
from django.test import RequestFactory
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from config.database_faults import database_fault

from . import page_tags, visibility
from .models.editions import Edition

# Browsers and shared caches may keep an answer this long before they ask again, and use it
# this much longer while they ask; our own cache follows the answer's records.
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 30
CACHE_SECONDS = 24 * 60 * 60
RENDER_SECONDS = 10  # how long one reader's render of a changed answer keeps others waiting
DATABASE_RETRY_SECONDS = 5  # how long a process that found the database gone leaves it be


class CachedPage(NamedTuple):
    content: bytes
    content_type: str
    etag: str
    last_modified: int  # when the bytes last changed, in seconds
    rendered_at: int  # the page tags' clock before the render began
    tags: frozenset


class _Database:
    """What this server process knows of the database between requests: the last edition
    it read, and until when it serves cached answers without asking, having found it gone."""

    edition = None
    gone_until = 0.0


def answer(request, render, *, kind, language=""):
    """The response for ``request``: the cached answer while it holds, else ``render()``'s
    (called while the tags are collected), cached when it is a 200."""
    if time.monotonic() < _Database.gone_until and (copy := _last_copy(request, kind, language)):
        return copy
    try:
        edition, now = page_tags.edition_and_now(router.db_for_read(Edition))
    except (OperationalError, InterfaceError) as error:
        if not database_fault(error):
            raise
        _Database.gone_until = time.monotonic() + DATABASE_RETRY_SECONDS
        if copy := _last_copy(request, kind, language):
            return copy
        raise
    _Database.edition = edition
    key = cache_key(kind, language, request, edition=edition)
    cached, rendering = cache.get(key), False
    if cached is not None:
        staleness = page_tags.staleness(cached.tags, cached.rendered_at)
        if staleness is None:
            return cached_response(request, cached, cache_status="hit")
        if staleness == "soft":
            rendering = cache.add(f"{key}:rendering", 1, RENDER_SECONDS)
            if not rendering:  # another reader renders it: the copy answers meanwhile
                return cached_response(request, cached, cache_status="stale")
    try:
        page = render_and_keep(key, render, previous=cached, rendered_at=now)
    finally:
        if rendering:
            cache.delete(f"{key}:rendering")
    if isinstance(page, CachedPage):
        return cached_response(request, page, cache_status="miss")
    return page


def _last_copy(request, kind, language):
    """The cached answer of the last edition this process read, with the database gone."""
    if _Database.edition is None:
        return None
    cached = cache.get(cache_key(kind, language, request, edition=_Database.edition))
    return cached and cached_response(request, cached, cache_status="stale")


def render_and_keep(key, render, *, previous, rendered_at):
    """The answer rendered and cached (a ``CachedPage``), or the response not to cache."""
    with page_tags.collecting() as tags:
        response = render()
    if response.status_code != 200 or response.streaming:
        return response
    etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    unchanged = previous is not None and previous.etag == etag
    page = CachedPage(
        content=response.content,
        content_type=response["Content-Type"],
        etag=etag,
        last_modified=previous.last_modified if unchanged else int(time.time()),
        rendered_at=rendered_at,
        tags=page_tags.bounded(tags),
    )
    cache.set(key, page, CACHE_SECONDS)
    return page


def cached_response(request, page, *, cache_status):
    """The cached answer with its validators, or 304 when the reader's copy still holds."""
    response = HttpResponse(page.content, content_type=page.content_type)
    response["Content-Length"] = len(page.content)
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    if settings.PAGE_CACHE_STATUS_HEADER:  # for the benchmark and the tests, never readers
        response["X-Cache"] = cache_status
    response["Cache-Control"] = (
        f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"
    )
    if settings.VARNISH_URL:
        response["Cache-Tag"] = " ".join(sorted(page.tags))
    return get_conditional_response(
        request, etag=page.etag, last_modified=page.last_modified, response=response
    )


def cache_key(kind, language, request, *, edition):
    """One key per edition, kind of answer, language and address as the reader asked for it,
    host and scheme included (answers carry absolute URLs)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{kind}:{edition}:{language}:{hashlib.sha256(address.encode()).hexdigest()}"


# --- Rendered before readers ask -----------------------------------------------------------


@task
def render_claim_pages(claim_ids):
    """Render the pages of the published claims among ``claim_ids`` into the page cache, in
    every language and at every origin readers use, through the whole middleware stack."""
    handler, factory = WSGIHandler(), RequestFactory()
    claims = list(visibility.claims().filter(pk__in=claim_ids).only("slug"))
    rendered = 0
    for origin in settings.FACTDESK_PUBLIC_ORIGINS:
        address = urlsplit(origin)
        for claim in claims:
            for language, _ in settings.LANGUAGES:
                # The page cache activates the page's language; this gives the worker's back.
                with translation.override(language):
                    request = factory.get(
                        claim.get_absolute_url(),
                        headers={"host": address.netloc},
                        secure=address.scheme == "https",
                    )
                    rendered += handler.get_response(request).status_code == 200
    return rendered
