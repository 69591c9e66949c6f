"""Background work for the readers' pages: rendering changed claim pages before readers ask.

When a write stamps a published claim's tags (``talks.page_tags``), its page is rendered
again here, in every language and at every origin readers use (``FACTDESK_PUBLIC_ORIGINS``),
through the whole middleware stack, so the page cache holds the new page when the next reader
comes. Readers who come while it renders get the previous copy, one render per change.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.tasks import task
from django.test import RequestFactory
from django.utils import translation

from .. import visibility


@task
def render_claim_pages(claim_ids):
    """Render the pages of the published claims among ``claim_ids`` into the page cache."""
    handler, factory = WSGIHandler(), RequestFactory()
    claims = list(visibility.claims().filter(pk__in=claim_ids).only("slug"))
    rendered = 0
    for origin in settings.FACTDESK_PUBLIC_ORIGINS:
        address = urlsplit(origin)
        for claim in claims:
            for language, _ in settings.LANGUAGES:
                with translation.override(language):
                    path = claim.get_absolute_url()
                request = factory.get(
                    path, headers={"host": address.netloc}, secure=address.scheme == "https"
                )
                rendered += handler.get_response(request).status_code == 200
    return rendered
