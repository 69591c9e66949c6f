"""The archive: copies of cited pages, the quotes checked in them, and the changes outlets
make to them later.

``capture_source`` takes a source's first copy (or a new one when its URL changed) and checks
the quote of every citation of it; ``recheck_source`` fetches the page again and, when its
text differs from the last copy, checks the quotes again and records a ``SourceChange``
with the diff for an editor. Both run as background tasks (``sources.tasks``), queued when a
write commits: ``queue_capture`` is called for every source or citation saved, on every path
(simple-history's signal for the admin, services and commands; the import for its bulk
writes). ``FACTDESK_ARCHIVE`` turns fetching off (the tests but those of the archive).

Citations are the rows of other apps' ``CitationBase`` subclasses; this module finds them
through the models that subclass it, and knows nothing else of those apps.
"""

import difflib
import logging

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from . import fetching
from .captures import Capture, QuoteCheck, SourceChange, text_digest
from .models import CitationBase, Source
from .quotes import locate

log = logging.getLogger(__name__)
CAPTURED_BY = "Captured by the archive"
RECHECKED_BY = "Re-checked by the archive"
RESULTS = {"exact": QuoteCheck.Result.FOUND, "close": QuoteCheck.Result.CLOSE}


def citing_models():
    """The concrete models that cite sources: every installed subclass of ``CitationBase``."""
    return [model for model in apps.get_models() if issubclass(model, CitationBase)]


def quoting_citations(source):
    """The citations of ``source`` that quote it."""
    for model in citing_models():
        yield from model._default_manager.filter(source=source).exclude(quote="").order_by("pk")


def cited_sources():
    """Sources with an address that some citation quotes: the pages a re-check fetches."""
    quoted = None
    for model in citing_models():
        ids = model._default_manager.exclude(quote="").values("source_id")
        quoted = ids if quoted is None else quoted.union(ids)
    if quoted is None:
        return Source.objects.none()
    return Source.objects.exclude(url="").filter(pk__in=quoted)


# --- Queuing ---------------------------------------------------------------------------------


def queue_capture(*source_ids):
    """Have these sources captured (when they have no copy of their address yet) and their
    quotes checked, once the current transaction commits; nothing when fetching is off."""
    if not settings.FACTDESK_ARCHIVE or not source_ids:
        return
    connection = transaction.get_connection()
    pending, block = None, set(connection.savepoint_ids)
    if connection.in_atomic_block:  # one task for every source an atomic block saved
        pending = next(
            (
                callback
                for savepoints, callback, _ in connection.run_on_commit
                if isinstance(callback, _Queued) and not callback.done and savepoints == block
            ),
            None,
        )
    ids = (int(pk) for pk in source_ids if pk is not None)
    if pending is not None:
        pending.update(ids)
    else:  # outside a transaction, on_commit runs it at once: the ids go in first
        transaction.on_commit(_Queued(ids))


class _Queued(set):
    """The sources an atomic block saved, queued together once it commits."""

    done = False

    def __call__(self):
        self.done = True
        _enqueue_captures(sorted(self))


def _enqueue_captures(source_ids):
    from .tasks import capture_sources  # the tasks module imports this one

    try:
        for start in range(0, len(source_ids), 500):
            capture_sources.enqueue(source_ids[start : start + 500])
    except Exception:  # the queue is unreachable: the next save or re-check will capture
        log.exception("Could not queue the capture of sources %s", source_ids)


def source_recorded(sender, instance, history_instance, **kwargs):
    """simple-history's signal for a new version of a source: capture it if it has a URL."""
    if history_instance.history_type != "-" and instance.url:
        queue_capture(instance.pk)


def citation_recorded(sender, instance, history_instance, **kwargs):
    """simple-history's signal for a new version of a citation: check its quote; a removed
    citation's check stops being current, so nothing flags it any more."""
    if history_instance.history_type == "-":
        QuoteCheck.objects.of(instance).current().update(current=False)
    elif instance.quote:
        queue_capture(instance.source_id)


# --- Capturing and checking ------------------------------------------------------------------


def capture_source(source):
    """Capture ``source`` unless it has a copy of its current address already, then check
    the quotes not yet checked in the latest copy. Returns that copy (or the failed capture,
    or None for a source without an address)."""
    url = source.web_url
    if not url:
        return None
    latest = _latest_copy(source, url)
    if latest is not None:
        check_quotes(source, latest, only_unchecked=True)
        return latest
    fetched = fetching.fetch(url)  # outside any transaction: a site may take its time
    with transaction.atomic():
        capture = _store(source, fetched, reason=CAPTURED_BY)
        if capture.status == Capture.Status.CAPTURED:
            check_quotes(source, capture)
    return capture


def recheck_source(source):
    """Fetch ``source`` again; when its text changed since the last copy, check its quotes in
    the new one and record the change for an editor. Returns the new capture.

    The capture, its checks and the change are written together: a re-check that stopped
    half-way would otherwise leave the new text as "the last copy", and the change unseen.
    """
    url = source.web_url
    if not url:
        return None
    fetched = fetching.fetch(url)
    with transaction.atomic():
        previous = _latest_copy(source, url)
        capture = _store(source, fetched, reason=RECHECKED_BY, previous=previous)
        if previous is None:
            if capture.status == Capture.Status.CAPTURED:
                check_quotes(source, capture)
        elif capture.same_as_id:
            check_quotes(source, capture, only_unchecked=True)
        elif capture.status == Capture.Status.CAPTURED:
            found_before = _found_quotes(source)
            check_quotes(source, capture)
            gone = [quote for quote in found_before if not _still_found(quote, capture)]
            kind = SourceChange.Kind.QUOTE_GONE if gone else SourceChange.Kind.CHANGED
            _record_change(source, previous.kept, capture, kind, gone)
        elif capture.http_status in (404, 410):
            gone = _found_quotes(source)
            _record_change(source, previous.kept, capture, SourceChange.Kind.REMOVED, gone)
    return capture


def _latest_copy(source, url):
    return source.captures.captured().filter(url=url).select_related("same_as").first()


def _store(source, fetched, *, reason, previous=None):
    """The capture of what ``fetched`` got; no second copy of a text ``previous`` holds."""
    capture = Capture(
        source=source,
        url=fetched.url,
        fetched_at=timezone.now(),
        status=fetched.status,
        error=fetched.error,
        http_status=fetched.http_status,
        content_type=fetched.content_type[:200],
        size=fetched.size,
    )
    if fetched.status == Capture.Status.CAPTURED:
        capture.sha256 = text_digest(fetched.text)
        if previous is not None and previous.sha256 == capture.sha256:
            capture.same_as = previous.kept
        else:
            capture.text = fetched.text
    capture._change_reason = reason
    capture.save()
    return capture


def check_quotes(source, capture, *, only_unchecked=False):
    """Check the quote of each citation of ``source`` in ``capture``; with
    ``only_unchecked``, only those whose latest check is of another capture or wording."""
    text = capture.page_text
    for citation in quoting_citations(source):
        if only_unchecked:
            current = QuoteCheck.objects.of(citation).current().first()
            if current and current.capture.kept == capture.kept and current.quote == citation.quote:
                continue
        check_quote(citation, capture, text)


def check_quote(citation, capture, text=None):
    """Record where ``citation``'s quote stands in ``capture``: its new current check."""
    text = capture.page_text if text is None else text
    check = QuoteCheck(
        capture=capture,
        citation_type=ContentType.objects.get_for_model(citation),
        citation_id=citation.pk,
        quote=citation.quote,
    )
    source_language = citation.source.language
    if citation.language and source_language and citation.language != source_language:
        check.result = QuoteCheck.Result.NOT_CHECKED
        check.note = (
            f"The quote is a translation ({citation.language}); the page is in {source_language}."
        )
    else:
        located = locate(citation.quote, text)
        check.result = RESULTS.get(located.result, QuoteCheck.Result.MISSING)
        check.score, check.offset, check.found_text = located.score, located.start, located.text
        check.context_before, check.context_after = located.context(text)
    with transaction.atomic():
        QuoteCheck.objects.of(citation).current().update(current=False)
        check.save()
    return check


def _found_quotes(source):
    """The quotes of ``source``'s citations found (closely or not) in their latest check."""
    quotes = []
    for citation in quoting_citations(source):
        current = QuoteCheck.objects.of(citation).current().first()
        if current is not None and current.is_found and citation.quote not in quotes:
            quotes.append(citation.quote)
    return quotes


def _still_found(quote, capture):
    return capture.quote_checks.filter(
        quote=quote, result__in=[QuoteCheck.Result.FOUND, QuoteCheck.Result.CLOSE]
    ).exists()


def _record_change(source, before, after, kind, gone):
    change = SourceChange(
        source=source,
        before=before,
        after=after,
        kind=kind,
        quotes_gone=gone,
        diff=text_diff(before.text, after.page_text),
    )
    change._change_reason = f"{RECHECKED_BY}: {change.get_kind_display().lower()}"
    change.save()
    return change


def text_diff(before, after):
    """The lines (paragraphs) of the text that changed, with one line around each."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", n=1, lineterm=""
    )
    return "\n".join(lines)


def changed_passages(before, after):
    """(what stood, what stands) for each run of paragraphs that changed, for a word diff."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        ("\n".join(old[i1:i2]), "\n".join(new[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]
