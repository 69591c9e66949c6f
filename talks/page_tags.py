"""Which cached public pages a write makes stale: a tag per record a page shows, and a clock.

A public page is cached with the tags of what it shows and the clock's reading from before it
was rendered. Its tags are collected as it renders: every desk record it loads tags it with
that record (``talks.claim:7``), and a page that lists the records hanging off one (a claim's
citations, a person's claims, the published claims) says so with an *additions* tag
(``talks.claim:7+talks.citation``, ``talks.claim+``), since a record added there was never
loaded by it.

A write, once it commits, moves the clock on and stamps the tags of what it changed with the
new reading; a cached page is stale when one of its tags was stamped after its render began.
So a write costs one cache write per transaction, and checking a page reads its own tags: no
key is ever scanned. A write the public cannot see stamps nothing: a draft, a claim in review,
a statement, a suggestion, an open contradiction (``visibility.on_public_pages``). A stamp that
takes something off the public pages (a retraction, a deletion) is *hard*: no stale copy is
served while the page renders again.

If stamping fails (the shared cache is unreachable), the write moves the ``Edition`` on
instead, which every page key includes: then every page is stale, but none is wrong.
"""

import contextvars
import logging
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction

from sources.models import Source, SourceBasis
from sources.records import TimestampedModel

from . import visibility
from .models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    Meeting,
    Participant,
    Person,
    PersonAlias,
    Role,
)
from .models.editions import Edition

logger = logging.getLogger(__name__)

CLOCK_KEY = "page-tags:clock"
_collecting = contextvars.ContextVar("page_tags", default=None)


def record_tag(model, pk):
    return f"{model._meta.label_lower}:{pk}"


def additions_tag(model, pk=None, child=None):
    """The tag of records added under ``model`` row ``pk`` by ``child``'s foreign key; with no
    ``pk``, of the published set of ``model`` (lists, the feed, the sitemaps)."""
    if pk is None:
        return f"{model._meta.label_lower}+"
    return f"{record_tag(model, pk)}+{child._meta.label_lower}"


def _stamp_key(tag):
    return f"page-tags:stamp:{tag}"


# --- Reading: what a page shows ----------------------------------------------------------------


@contextmanager
def collecting():
    """Collect the tags of the page rendered inside: the records it loads and what it lists."""
    tags = set()
    token = _collecting.set(tags)
    try:
        yield tags
    finally:
        _collecting.reset(token)


def lists(child, *records):
    """The page being rendered lists the ``child`` rows under each of ``records`` (all the
    published ``child`` records with none given)."""
    tags = _collecting.get()
    if tags is None:
        return
    if not records:
        tags.add(additions_tag(child))
    for record in records:
        tags.add(additions_tag(type(record), record.pk, child))


# What a page about a record lists under it: a new row of these makes the page stale.
LISTED_UNDER = {
    Claim: (Citation, ClaimSubject, Contradiction),
    Person: (Claim, ClaimSubject, Participant, PersonAlias, Role),
    Meeting: (Claim, Participant),
    Source: (Citation, SourceBasis),
}


def shows(record):
    """The page being rendered is about ``record``, with what hangs off it."""
    for child in LISTED_UNDER[type(record)]:
        lists(child, record)


def shows_provenance(*trees):
    """The page draws these provenance trees: a new step behind any source in them shows."""
    lists(SourceBasis, *(step.source for tree in trees for step in tree.walk()))


def loaded(sender, instance, **kwargs):
    """post_init: a record loaded while a page renders tags that page."""
    tags = _collecting.get()
    if tags is not None and instance.pk is not None:
        tags.add(record_tag(instance._meta.concrete_model, instance.pk))


def now():
    """The clock's reading, read before a page renders: a page is fresh while none of its tags
    was stamped later. The clock starts from the wall clock in nanoseconds, so a clock lost
    with the cache starts again ahead of every stamp made before."""
    reading = cache.get(CLOCK_KEY)
    if reading is None:
        cache.add(CLOCK_KEY, time.time_ns(), timeout=None)
        reading = cache.get(CLOCK_KEY, 0)
    return reading


def staleness(tags, rendered_at):
    """None if no tag of a page rendered at ``rendered_at`` was stamped since, "soft" if some
    were (a stale copy may answer while the page renders again), "hard" if a stamp took
    something off the public pages, or a tag's stamp was lost."""
    stamps = cache.get_many([_stamp_key(tag) for tag in tags])
    if len(stamps) < len(tags):
        return "hard"
    newer = [stamp for stamp in stamps.values() if stamp >> 1 > rendered_at]
    if not newer:
        return None
    return "hard" if any(stamp & 1 for stamp in newer) else "soft"


def keep_stamps(tags, rendered_at):
    """Give each of ``tags`` that has no stamp yet one from before the render, so that a stamp
    the cache drops later reads as stale rather than as never stamped."""
    stamped = cache.get_many([_stamp_key(tag) for tag in tags])
    for key in {_stamp_key(tag) for tag in tags} - stamped.keys():
        cache.add(key, rendered_at << 1, timeout=None)


# --- Writing: what a write changed on the public pages -----------------------------------------


class _Stamps(dict):
    """The tags an atomic block's writes stamp ({tag: hard}), stamped together at the commit."""

    done = False

    def __call__(self):
        self.done = True
        stamp(self)


def _desk_foreign_keys(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(field.related_model, TimestampedModel)
    ]


def _state_fields(model):
    fields = [field.attname for field in _desk_foreign_keys(model)]
    return fields + (["status"] if any(f.name == "status" for f in model._meta.fields) else [])


def _state(instance):
    return {name: getattr(instance, name) for name in _state_fields(type(instance))}


def before_save(sender, instance, raw=False, using=None, **kwargs):
    """pre_save: remember the row as it stands, to tell what the save changes."""
    if raw or instance._state.adding or instance.pk is None:
        instance._page_state = None
        return
    if not _state_fields(sender):  # nothing but its own fields: no need to read it
        instance._page_state = {}
        return
    instance._page_state = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values(*_state_fields(sender))
        .first()
    )


def saved(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        _changed(sender, instance, getattr(instance, "_page_state", None), _state(instance), using)


def deleted(sender, instance, using=None, **kwargs):
    _changed(sender, instance, _state(instance), None, using)


def _changed(model, instance, before, after, using):
    claim_ids = {
        value
        for state in (before, after)
        if state
        for field in _desk_foreign_keys(model)
        if field.related_model is Claim and (value := state[field.attname]) is not None
    }
    published = (
        set(visibility.claims().using(using).filter(pk__in=claim_ids).values_list("pk", flat=True))
        if claim_ids
        else set()
    )
    shown_before = before is not None and visibility.on_public_pages(model, before, published)
    shown_after = after is not None and visibility.on_public_pages(model, after, published)
    if not (shown_before or shown_after):
        return
    tags = {record_tag(model, instance.pk)}
    if model is Claim:
        tags.add(additions_tag(Claim))
    if shown_after:
        for field in _desk_foreign_keys(model):
            new = after[field.attname]
            if new is not None and (not shown_before or new != before[field.attname]):
                tags.add(additions_tag(field.related_model, new, model))
    _stamp_on_commit(tags, hard=shown_before and not shown_after, using=using)


def _stamp_on_commit(tags, *, hard, using):
    connection = transaction.get_connection(using)
    pending, block = None, set(connection.savepoint_ids)
    if connection.in_atomic_block:
        pending = next(
            (
                callback
                for savepoints, callback, _ in connection.run_on_commit
                if isinstance(callback, _Stamps) and not callback.done and savepoints == block
            ),
            None,
        )
    new = pending is None
    if new:
        pending = _Stamps()
    for tag in tags:
        pending[tag] = pending.get(tag, False) or hard
    if new:
        transaction.on_commit(pending, using=using, robust=True)


def stamp(tags):
    """Move the clock on and stamp ``tags`` ({tag: hard}); should the cache fail, every page
    goes stale instead (a new edition)."""
    if not tags:
        return
    try:
        try:
            reading = cache.incr(CLOCK_KEY)
        except ValueError:  # no clock yet, or lost with the cache
            now()
            reading = cache.incr(CLOCK_KEY)
        cache.set_many(
            {_stamp_key(tag): reading << 1 | hard for tag, hard in tags.items()}, timeout=None
        )
    except Exception:
        logger.exception("Stamping %d page tags failed; every public page goes stale", len(tags))
        Edition.advance()
