"""The archive's background tasks: capturing sources as they are saved, and re-checking the
cited pages on a schedule (``manage.py recheck_sources``). Each takes source ids and leaves
its outcome in the rows it writes (a ``Capture`` says why a page could not be fetched)."""

from django.conf import settings
from django.tasks import task

from . import archive
from .models import Source


@task
def capture_sources(source_ids):
    """Capture each source that has no copy of its address yet, and check its quotes."""
    if not settings.FACTDESK_ARCHIVE:
        return {}
    outcomes = {}
    for source in Source.objects.filter(pk__in=source_ids).order_by("pk"):
        capture = archive.capture_source(source)
        outcomes[source.pk] = capture.status if capture else "no address"
    return outcomes


@task
def recheck_sources(source_ids):
    """Fetch each source again and record what changed since the desk's last copy."""
    outcomes = {}
    for source in Source.objects.filter(pk__in=source_ids).order_by("pk"):
        capture = archive.recheck_source(source)
        outcomes[source.pk] = capture.status if capture else "no address"
    return outcomes
