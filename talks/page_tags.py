"""Which cached public pages a write makes stale: a tag per record a page shows, and a clock.

A public page is cached with the tags of what it shows and the clock's reading from before it
was rendered. Its tags are collected as it renders: every desk record it loads tags it with
that record (``talks.claim:7``), and a page that lists the records hanging off one (a claim's
citations, a person's claims, the published claims) says so with an *additions* tag
(``talks.claim:7+talks.citation``, ``talks.claim+``), since a record added there was never
loaded by it.

A write stamps the tags of what it changed (``PageStamp`` rows, in the database the write
goes to, so every server process sees them whatever its cache): inside its transaction it
adds them as ``PendingStamp`` rows (inserts only: no row is locked for other writers), which
make every page with those tags stale; once it commits, it stamps them with the clock's next
reading and removes its pending rows. A cached page is stale while one of its tags is pending
or was stamped after its render began. So a change is never lost between the commit and the
stamp: a stamp that fails leaves its tags pending, and the next stamp takes them over. A
write costs three statements per transaction, and checking a page reads its own tags.

A write the public cannot see stamps nothing: a draft, a claim in review, a statement, a
suggestion, an open contradiction (``visibility.on_public_pages``). A stamp that takes
something off the public pages (a retraction, a deletion) is *hard*: no stale copy is served
while the page renders again.
"""

import contextvars
import datetime
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from sources.models import Source, SourceBasis, SourceChange
from sources.records import TimestampedModel

from . import edge_cache, visibility
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
from .models.editions import EDITION_ROW, Edition, PageStamp, PendingStamp

MAX_TAGS = 100  # a page showing more records is tagged by their models
TABLE, PENDING_TABLE = PageStamp._meta.db_table, PendingStamp._meta.db_table
# A stamp is the clock's reading, doubled, plus one if hard; a pending one is negative.
PENDING, PENDING_HARD = -2, -1
# A pending stamp this old was left by a stamp that failed; the next stamp makes it.
LEFT_PENDING = datetime.timedelta(minutes=1)
_collecting = contextvars.ContextVar("page_tags", default=None)


def record_tag(model, pk):
    return f"{model._meta.label_lower}:{pk}"


def additions_tag(model, pk=None, child=None):
    """The tag of records added under ``model`` row ``pk`` by ``child``'s foreign key; with no
    ``pk``, of the published set of ``model`` (lists, the feed, the sitemaps)."""
    if pk is None:
        return f"{model._meta.label_lower}+"
    return f"{record_tag(model, pk)}+{child._meta.label_lower}"


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
    """The page being rendered lists the ``child`` rows under each of ``records``."""
    tags = _collecting.get()
    if tags is not None:
        tags.update(additions_tag(type(record), record.pk, child) for record in records)


def bounded(tags):
    """A page's tags, at most ``MAX_TAGS`` of them: beyond that (a feed of every claim), each
    record's tag gives way to its model's published-set tag, which every change of a shown
    record of the model stamps too, so the page goes stale as often or more, never less."""
    if len(tags) <= MAX_TAGS:
        return frozenset(tags)
    return frozenset(_coarse(tag) for tag in tags)


def _coarse(tag):
    record, _, child = tag.partition("+")
    if child:
        return f"{child}+"
    label, _, pk = record.partition(":")
    return f"{label}+" if pk else tag


def lists_published(model):
    """The page being rendered lists published ``model`` records (the claims of the list, the
    feed, the sitemaps): one entering or leaving the published set makes it stale."""
    tags = _collecting.get()
    if tags is not None:
        tags.add(additions_tag(model))


# What a page about a record lists under it: a new row of these makes the page stale.
LISTED_UNDER = {
    Claim: (Citation, ClaimSubject, Contradiction),
    Person: (Claim, ClaimSubject, Participant, PersonAlias, Role),
    Meeting: (Claim, Participant),
    Source: (Citation, SourceBasis, SourceChange),
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


def edition_and_now(using):
    """The edition (every page key includes it) and the clock's reading, in one read: a page
    rendered now is fresh while none of its tags is stamped later. The clock is the newest
    stamp, so it moves on only when a write stamps."""
    with _cursor(using) as cursor:
        cursor.execute(
            f"SELECT (SELECT number FROM {Edition._meta.db_table} WHERE id = %s), "
            f"(SELECT MAX(stamp) FROM {TABLE})",
            [EDITION_ROW],
        )
        edition, newest = cursor.fetchone()
    return edition or 0, _reading(newest)


def _reading(newest):
    """The clock's reading from the newest stamp (None before the first; pending ones are
    negative)."""
    return max(newest or 0, 0) >> 1


def staleness(tags, rendered_at):
    """None if no tag of a page rendered at ``rendered_at`` was stamped since, "soft" if some
    were (a stale copy may answer while the page renders again), "hard" if a stamp took
    something off the public pages."""
    if not tags:
        return None
    tags = list(tags)
    within = ", ".join(["%s"] * len(tags))
    with _cursor(router.db_for_read(PageStamp)) as cursor:
        cursor.execute(
            f"SELECT stamp FROM {TABLE} WHERE tag IN ({within}) "
            f"UNION ALL SELECT stamp FROM {PENDING_TABLE} WHERE tag IN ({within})",
            tags * 2,
        )
        newer = [stamp for (stamp,) in cursor.fetchall() if stamp < 0 or stamp >> 1 > rendered_at]
    if not newer:
        return None
    return "hard" if any(stamp & 1 for stamp in newer) else "soft"


def _cursor(alias):
    return connections[alias].cursor()


# --- Writing: what a write changed on the public pages -----------------------------------------


class _Stamps(dict):
    """The tags an atomic block's writes stamp ({tag: hard}), stamped together at the commit."""

    done = False

    def __init__(self, *, using):
        super().__init__()
        self.using, self.marks = using, []

    def __call__(self):
        self.done = True
        stamp(dict(self), using=self.using, marks=self.marks)


# Asked of a model on every save: its fields do not change while the process runs.
@functools.cache
def _desk_foreign_keys(model):
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(field.related_model, TimestampedModel)
    )


@functools.cache
def _state_fields(model):
    fields = tuple(field.attname for field in _desk_foreign_keys(model))
    return fields + (("status",) if any(f.name == "status" for f in model._meta.fields) else ())


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
    tags = {record_tag(model, instance.pk), additions_tag(model)}
    if shown_after:
        for field in _desk_foreign_keys(model):
            new = after[field.attname]
            if new is not None and (not shown_before or new != before[field.attname]):
                tags.add(additions_tag(field.related_model, new, model))
    _stamp_on_commit(tags, hard=shown_before and not shown_after, using=using)


def _stamp_on_commit(tags, *, hard, using):
    """Mark ``tags`` pending now, in the write's transaction, and stamp them once it commits,
    all of an atomic block's tags at once."""
    marks = PendingStamp.objects.using(using).bulk_create(
        PendingStamp(tag=tag, stamp=PENDING_HARD if hard else PENDING) for tag in sorted(tags)
    )
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
        pending = _Stamps(using=using)
    pending.marks.extend(mark.pk for mark in marks)
    for tag in tags:
        pending[tag] = pending.get(tag, False) or hard
    if new:
        transaction.on_commit(pending, using=using, robust=True)


def stamp(tags, *, using, marks=()):
    """Stamp ``tags`` ({tag: hard}) with the clock's next reading, once the changes they name
    are committed, and remove their pending ``marks``; pending marks left by a stamp that
    failed are stamped too. Should this fail, the marks stay and their pages stale."""
    left = timezone.now() - LEFT_PENDING
    with transaction.atomic(using=using):
        for tag, mark in (
            PendingStamp.objects.using(using)
            .filter(created_at__lt=left)
            .values_list("tag", "stamp")
        ):
            tags[tag] = tags.get(tag, False) or mark == PENDING_HARD
        if not tags:
            return
        with _cursor(using) as cursor:
            cursor.execute(f"SELECT MAX(stamp) FROM {TABLE}")
            (newest,) = cursor.fetchone()
        reading = _reading(newest) + 1
        _keep_newest(using, {tag: reading << 1 | hard for tag, hard in tags.items()})
        PendingStamp.objects.using(using).filter(pk__in=marks).delete()
        PendingStamp.objects.using(using).filter(created_at__lt=left).delete()
    edge_cache.ban(tags)
    _render_again(tags)


def _render_again(tags):
    """Have the corrected claims' pages rendered again in the background (not a claim taken
    off the public pages: its page is gone)."""
    prefix = record_tag(Claim, "")
    claim_ids = sorted(
        int(pk)
        for tag, hard in tags.items()
        if not hard and tag.startswith(prefix) and (pk := tag.removeprefix(prefix)).isdigit()
    )
    if claim_ids and settings.FACTDESK_PUBLIC_ORIGINS:
        from .page_cache import render_claim_pages

        render_claim_pages.enqueue(claim_ids=claim_ids)


def _keep_newest(using, stamps):
    """Write ``stamps`` ({tag: stamp}) in one statement, a row's later stamp kept over an
    earlier one (two writers may stamp at once)."""
    connection = connections[using]
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    values = ", ".join(["(%s, %s)"] * len(stamps))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (tag, stamp) VALUES {values} ON CONFLICT (tag) "
            f"DO UPDATE SET stamp = {greatest}({TABLE}.stamp, excluded.stamp)",
            [value for item in sorted(stamps.items()) for value in item],
        )
