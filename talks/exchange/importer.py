"""Import of fixture JSON with natural keys: checked whole, all or nothing, idempotent, audited.

Django's ``loaddata`` saves one object at a time in raw mode: it writes no history, stops at
the first error and cannot tell an unchanged object from a changed one. This import runs in
four phases, in one transaction:

1. ``read``: parse every file, convert every field, find every object's natural key;
2. ``resolve``: find the rows the keys name, in bulk, model by model;
3. ``judge``: decide what each object does (created, changed, unchanged) and check the rows
   against their models' rules and the rulebook;
4. ``write``: only when nothing is wrong, write the rows in bulk with one history row each,
   naming the import run that wrote them.

Every problem is listed with its place. Unchanged objects are not written and get no
history; an input that changes nothing writes nothing at all (no run, no new edition of the
public pages), so importing a file twice changes nothing.
"""

import gc
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from sources import archive
from sources.models import Source

from .. import notifications, rulebook
from ..models import ImportRun
from ..models.editions import advance_edition
from .fixture_models import FIXTURE_MODELS
from .judge import Judge
from .read import FixtureFile, Reader, aware_to_the_millisecond
from .report import ImportFailed, ImportResult, Problem
from .resolve import Resolver
from .write import lock_tables, write, written_ids


def import_fixtures(
    files, *, user=None, reason="", dry_run=False, channel=ImportRun.Channel.COMMAND, progress=None
):
    """Import fixture files in one transaction; raise ``ImportFailed`` listing every problem.

    ``files`` are paths or ``FixtureFile``s. Returns the ``ImportResult`` with created /
    updated / unchanged counts per model and, unless ``dry_run``, the ``ImportRun`` written.
    ``progress(stage, done, total)`` hears how far the check and the write have got.
    """
    clock = time.monotonic()
    result = ImportResult(dry_run=dry_run)
    refusal = rulebook.import_refusal(user)
    if refusal:
        result.problems.append(Problem(str(user), refusal))
        raise ImportFailed(result)
    progress = progress or _silent
    now = aware_to_the_millisecond(timezone.now())
    with _no_cycle_collection(), transaction.atomic():
        reader = Reader(result, progress)
        for number, file in enumerate(files):  # one at a time: a file's bytes go once read
            reader.read(number, file if isinstance(file, FixtureFile) else FixtureFile.read(file))
        if not dry_run:  # from here on, what the check finds in the database stays true
            lock_tables(FIXTURE_MODELS)
        resolver = Resolver(reader)
        judge = Judge(result, resolver, now, user=user, reason=reason)
        judged = 0
        for model in FIXTURE_MODELS:
            entries = resolver.resolve(model)
            judge.judge(model, entries)
            judged += len(entries)
            progress("checked", judged, reader.read_objects)
        if not result.ok:
            result.sort_problems()
            raise ImportFailed(result)
        if not dry_run and result.changes:
            try:
                result.run = write(
                    reader,
                    FIXTURE_MODELS,
                    now=now,
                    user=user,
                    reason=reason,
                    channel=channel,
                    progress=progress,
                )
            except DatabaseError as error:
                names = ", ".join(file["name"] for file in result.files)
                result.problems.append(Problem(names, _refusal(error)))
                raise ImportFailed(result) from error
            # Rows went in by COPY, which sends no signals: the public pages move on here,
            # the partners hear of the claims published or corrected, and the archive
            # captures the sources written and those of the citations written.
            advance_edition(sender=ImportRun)
            notifications.claims_imported(result.run)
            _queue_captures(reader)
    result.seconds = time.monotonic() - clock
    return result


def _queue_captures(reader):
    if not settings.FACTDESK_ARCHIVE:
        return
    source_ids = set(written_ids(reader, Source))
    for model in archive.citing_models():
        if model in FIXTURE_MODELS and (citation_ids := written_ids(reader, model)):
            cited = model.objects.filter(pk__any_of=set(citation_ids)).exclude(quote="")
            source_ids.update(cited.values_list("source_id", flat=True))
    if source_ids:
        with_url = Source.objects.filter(pk__any_of=source_ids).exclude(url="")
        archive.queue_capture(*with_url.values_list("pk", flat=True))


def _silent(stage, done, total):
    pass


@contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while the import builds its entries.

    It runs a full pass over every live object again and again as hundreds of thousands of
    entries pile up, which cost a quarter of the check's time; the import makes no cycles
    for it to find, and it resumes (and collects) afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _refusal(error):
    """The database's refusal in words: the rule's own message when the error names it."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    named = [
        constraint
        for model in FIXTURE_MODELS
        for constraint in model._meta.constraints
        if constraint.name in str(error)
    ]
    if named:
        constraint = max(named, key=lambda constraint: len(constraint.name))
        return f"the database refused it: {constraint.violation_error_message} ({text})"
    return f"the database refused it: {text}"
