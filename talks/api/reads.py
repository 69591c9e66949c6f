"""What every answer of the read API shares, wrapped around each of its URLs.

- Read-only: GET and HEAD; OPTIONS answers a browser's CORS preflight; anything else is 405.
- CORS for reads: any origin may read, no credentials are sent or needed.
- A rate limit per client address, counted in the shared cache (Redis when several servers
  run), so every server counts the same requests: over it, 429 with ``Retry-After``.
- Cached per edition, as the readers' pages are: the rendered answer is kept under the
  current ``Edition`` and the address asked, so a write anywhere on the desk makes every
  cached answer stale at once; the ETag is the hash of the bytes (Django's conditional GET),
  and a client's copy is confirmed with 304 while it holds.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils.http import http_date
from django.views.decorators.http import conditional_page
from ninja.throttling import AnonRateThrottle

from ..models.editions import Edition

READ_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_AGE = 60  # clients and shared caches may keep an answer this long before asking again
CACHE_SECONDS = 24 * 60 * 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": ", ".join(READ_METHODS),
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def read_only_urls(patterns):
    """``patterns`` (django-ninja's URLs) with every view wrapped by ``read_only``."""
    return [URLPattern(p.pattern, read_only(p.callback), p.default_args, p.name) for p in patterns]


def read_only(view):
    answer = cached_read(view)

    @functools.wraps(view)
    def read(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204, headers=PREFLIGHT_HEADERS)
        elif request.method not in READ_METHODS:
            response = HttpResponseNotAllowed(READ_METHODS)
        elif (refusal := rate_limited(request)) is not None:
            response = refusal
        else:
            request.method = "GET"  # HEAD is answered as GET; the server sends no body
            response = answer(request, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    read.csrf_exempt = True  # nothing here writes
    return read


def rate_limited(request):
    """A 429 when the client's address has made more requests than the limit allows, else
    None. The count lives in the shared cache, keyed by the address."""
    throttle = AnonRateThrottle(settings.FACTDESK_API_RATE_LIMIT)
    if throttle.allow_request(request):
        return None
    response = HttpResponse(
        b'{"detail":"Too many requests from this address: wait and try again."}',
        status=429,
        content_type="application/json",
    )
    response["Retry-After"] = str(int(throttle.wait() or throttle.duration))
    return response


def cached_read(view):
    @conditional_page
    def read(request, *args, **kwargs):
        edition = Edition.current()
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        key = f"api:{edition.number}:{hashlib.sha256(address.encode()).hexdigest()}"
        kept = cache.get(key)
        if kept is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            kept = (response.content, response["Content-Type"])
            cache.set(key, kept, CACHE_SECONDS)
        content, content_type = kept
        response = HttpResponse(content, content_type=content_type)
        response["Last-Modified"] = http_date(int(edition.changed_at.timestamp()))
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response

    return read
