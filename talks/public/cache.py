"""What every public page shares: read-only, cached until what it shows changes, and cheap to
revalidate.

A public page answers GET and HEAD only (anything else is 405, before any CSRF check: these
views never write). Its rendered bytes are cached with the tags of the records it showed and
the time its render began (``talks.page_tags``); a write stamps the tags of what it changed, so
a cached copy holds until one of its own records changes, whatever else the desk writes. The
key includes the ``Edition``, which an import (written without signals) moves on, and with it
every page. The ETag is the hash of the bytes and ``Last-Modified`` the time they last changed,
so a reader's copy is confirmed with a 304 exactly while the page is unchanged.

While a page renders again after a change, other readers are answered from the stale copy
(one render per change, however many ask), unless the change took something off the public
pages: then each waits for the new page. ``stale-while-revalidate`` lets a shared cache in
front do the same, and with ``VARNISH_URL`` set each response names its tags (``Cache-Tag``)
for the purges ``talks.public.edge`` sends.

``PublicPageCacheMiddleware`` does the caching near the top of the middleware stack: a page
is the same for every reader, so a cached copy is answered before sessions, CSRF,
authentication and the view run, and the security headers are added by the middleware
above it as for any other response.
"""

import hashlib
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .. import page_tags
from ..models.editions import Edition

# Browsers and shared caches may keep a page this long before they ask again, and answer
# with it this much longer while they ask; our own cache follows the page's records.
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 30
CACHE_SECONDS = 24 * 60 * 60
RENDER_SECONDS = 10  # how long one reader's render of a changed page keeps others waiting


class CachedPage(NamedTuple):
    content: bytes
    content_type: str
    etag: str
    last_modified: int  # when the bytes last changed, in seconds
    rendered_at: int  # the page tags' clock before the render began
    tags: frozenset


def public_page(view=None, *, lists=()):
    """Mark ``view`` as a public page: GET and HEAD only, cached by the middleware below.
    ``lists`` names the models whose published set the page lists, so a record entering it
    makes the page stale."""
    if view is None:
        return lambda view: public_page(view, lists=lists)

    def page(request, *args, **kwargs):
        for model in lists:
            page_tags.lists(model)
        return view(request, *args, **kwargs)

    page = csrf_exempt(require_safe(page if lists else view))
    page.is_public_page = True
    return page


class PublicPageCacheMiddleware:
    """Answer a public page from the page cache, or render it and keep it with its tags.

    Goes after ``PublicReadsMiddleware``, so the edition is read from the database the page
    itself is read from, and before everything a cached page does not need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        language = page_language(request)
        translation.activate(language)  # as LocaleMiddleware below would: the address says
        if not is_public_page(request.path_info):
            return self.get_response(request)
        key = page_cache_key(Edition.current().number, language, request)
        cached, rendering = cache.get(key), False
        if cached is not None:
            staleness = page_tags.staleness(cached.tags, cached.rendered_at)
            if staleness is None:
                return page_response(request, cached, language, cache_status="hit")
            if staleness == "soft":
                rendering = cache.add(f"{key}:rendering", 1, RENDER_SECONDS)
                if not rendering:  # another reader renders it: the copy answers meanwhile
                    return page_response(request, cached, language, cache_status="stale")
        try:
            response = self.render(request, key, previous=cached)
        finally:
            if rendering:
                cache.delete(f"{key}:rendering")
        if isinstance(response, CachedPage):
            return page_response(request, response, language, cache_status="miss")
        return response

    def render(self, request, key, *, previous):
        """The page rendered and cached (a ``CachedPage``), or the response not to cache."""
        rendered_at = page_tags.now()
        with page_tags.collecting() as tags:
            response = self.get_response(request)
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
            tags=frozenset(tags),
        )
        page_tags.keep_stamps(page.tags, rendered_at)
        cache.set(key, page, CACHE_SECONDS)
        return page


def page_language(request):
    """The language a page is in: the one its address names (/uk/claims/), else the site's
    (LocaleMiddleware's rule for addresses without a language prefix)."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def is_public_page(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "is_public_page", False)


def page_response(request, page, language, *, cache_status):
    """The cached page with its validators, or 304 when the reader's copy still holds."""
    response = HttpResponse(page.content, content_type=page.content_type)
    response["Content-Length"] = len(page.content)
    response["Content-Language"] = language
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    response["X-Cache"] = cache_status  # for operators and the benchmark
    response["Cache-Control"] = (
        f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"
    )
    if settings.VARNISH_URL:
        response["Cache-Tag"] = " ".join(sorted(page.tags))
    return get_conditional_response(
        request, etag=page.etag, last_modified=page.last_modified, response=response
    )


def page_cache_key(edition, language, request):
    """One key per edition, language and page as the reader asked for it, host and scheme
    included (the page carries absolute URLs). The address names the language today; the
    key names it too, so that a page in one language never answers for another."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"public-page:{edition}:{language}:{hashlib.sha256(address.encode()).hexdigest()}"
