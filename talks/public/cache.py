"""What every public page shares: read-only, cached per edition, and cheap to revalidate.

A public page answers GET and HEAD only (anything else is 405, before any CSRF check: these
views never write). Its rendered bytes are cached under the current ``Edition``, so one
primary-key read decides whether the cached copy still holds; any write to desk data moves
the edition on and every page is rendered afresh. The ETag is the hash of the bytes, so a
reader's copy is confirmed with a 304 exactly while the page is unchanged.

``PublicPageCacheMiddleware`` does the caching near the top of the middleware stack: a page
is the same for every reader, so a cached copy is answered before sessions, CSRF,
authentication and the view run, and the security headers are added by the middleware
above it as for any other response.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ..models.editions import Edition

# Browsers and shared caches may keep a page this long before they ask again; our own cache
# follows the edition and is never stale.
MAX_AGE = 60
CACHE_SECONDS = 24 * 60 * 60


def public_page(view):
    """Mark ``view`` as a public page: GET and HEAD only, cached by the middleware below."""
    page = csrf_exempt(require_safe(view))
    page.is_public_page = True
    return page


class PublicPageCacheMiddleware:
    """Answer a public page from the page cache, or render it and keep it for the edition.

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
        edition = Edition.current()
        key = page_cache_key(edition.number, language, request)
        cached = cache.get(key)
        hit = cached is not None
        if not hit:
            response = self.get_response(request)
            if response.status_code != 200 or response.streaming:
                return response
            etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            cached = (response.content, response["Content-Type"], etag)
            cache.set(key, cached, CACHE_SECONDS)
        return page_response(request, edition, cached, language, hit=hit)


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


def page_response(request, edition, cached, language, *, hit):
    """The cached page with its validators, or 304 when the reader's copy still holds."""
    content, content_type, etag = cached
    last_modified = int(edition.changed_at.timestamp())
    response = HttpResponse(content, content_type=content_type)
    response["Content-Length"] = len(content)
    response["Content-Language"] = language
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Cache"] = "hit" if hit else "miss"  # for operators and the benchmark
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


def page_cache_key(edition, language, request):
    """One key per edition, language and page as the reader asked for it, host and scheme
    included (the page carries absolute URLs). The address names the language today; the
    key names it too, so that a page in one language never answers for another."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"public:{edition}:{language}:{hashlib.sha256(address.encode()).hexdigest()}"
