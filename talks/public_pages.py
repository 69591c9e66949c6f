"""What every public page shares: read-only, cached per edition, and cheap to revalidate.

A public page answers GET and HEAD only (anything else is 405, before any CSRF check: these
views never write). Its rendered bytes are cached under the current ``Edition``, so one
primary-key read decides whether the cached copy still holds; any write to desk data moves
the edition on and every page is rendered afresh. The ETag is the hash of the bytes, so a
reader's copy is confirmed with a 304 exactly while the page is unchanged.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .models.editions import Edition

# Browsers and shared caches may keep a page this long before they ask again; our own cache
# follows the edition and is never stale.
MAX_AGE = 60
CACHE_SECONDS = 24 * 60 * 60


def public_page(view):
    @csrf_exempt
    @require_safe
    @wraps(view)
    def page(request, *args, **kwargs):
        edition = Edition.current()
        key = page_cache_key(edition.number, request)
        cached = cache.get(key)
        hit = cached is not None
        if not hit:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            if hasattr(response, "render"):
                response.render()
            content = response.content
            etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
            cached = (content, response["Content-Type"], etag)
            cache.set(key, cached, CACHE_SECONDS)
        content, content_type, etag = cached
        response = HttpResponse(content, content_type=content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(edition.changed_at.timestamp())
        response["X-Cache"] = "hit" if hit else "miss"  # for operators and the benchmark
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(edition.changed_at.timestamp()),
            response=response,
        )

    return page


def page_cache_key(edition, request):
    """One key per edition and per page as the reader asked for it, host and scheme included
    (the page carries absolute URLs)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"public:{edition}:{hashlib.sha256(address.encode()).hexdigest()}"
