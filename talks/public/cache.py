"""What every public page shares: read-only, and cached until what it shows changes.

A public page answers GET and HEAD only (anything else is 405, before any CSRF check: these
views never write), and is cached by ``talks.page_cache`` with the tags of the records it
shows, so a write empties only the pages that show what it changed.

``PublicPageCacheMiddleware`` does the caching near the top of the middleware stack: a page
is the same for every reader, so a cached copy is answered before sessions, CSRF,
authentication and the view run, and the security headers are added by the middleware
above it as for any other response.
"""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .. import page_cache, page_tags


def public_page(view=None, *, lists=()):
    """Mark ``view`` as a public page: GET and HEAD only, cached by the middleware below.
    ``lists`` names the models whose published set the page lists, so a record entering it
    makes the page stale."""
    if view is None:
        return lambda view: public_page(view, lists=lists)

    def page(request, *args, **kwargs):
        for model in lists:
            page_tags.lists_published(model)
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
        response = page_cache.answer(
            request, lambda: self.get_response(request), kind="public-page", language=language
        )
        response["Content-Language"] = language
        return response


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
