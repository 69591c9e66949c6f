"""What every answer of the read API shares, wrapped around each of its URLs.

- Read-only: GET and HEAD; OPTIONS answers a browser's CORS preflight; anything else is 405.
- CORS for reads: any origin may read, no credentials are sent or needed.
- A rate limit per client address, counted in the shared cache (Redis when several servers
  run), so every server counts the same requests: over it, 429 with ``Retry-After``.
- Cached as the readers' pages are (``talks.page_cache``): an answer holds until one of the
  records it shows changes; the ETag is the hash of the bytes, and a client's copy is
  confirmed with 304 while it holds.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from ninja.throttling import BaseThrottle

from .. import page_cache

READ_METHODS = ("GET", "HEAD", "OPTIONS")
PERIODS = {"s": 1, "sec": 1, "min": 60, "hour": 3600, "day": 86400}
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
    """A 429 when the client's address has made more requests than the limit allows in this
    window of the limit's period, else None. One counter per address and window in the shared
    cache: an increment, whatever the number of requests (Redis increments atomically)."""
    allowed, period = parse_rate(settings.FACTDESK_API_RATE_LIMIT)
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{BaseThrottle().get_ident(request)}:{period}:{window}"
    cache.add(key, 0, timeout=period)
    if cache.incr(key) <= allowed:
        return None
    response = HttpResponse(
        b'{"detail":"Too many requests from this address: wait and try again."}',
        status=429,
        content_type="application/json",
    )
    response["Retry-After"] = str(max(1, int((window + 1) * period - now)))
    return response


def parse_rate(rate):
    """ "600/min" as (600, 60): requests, and the seconds they are counted over."""
    count, unit = rate.split("/")
    return int(count), PERIODS[unit]


def cached_read(view):
    def read(request, *args, **kwargs):
        return page_cache.answer(request, lambda: view(request, *args, **kwargs), kind="api")

    return read
