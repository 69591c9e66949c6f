"""The history nobody can rewrite unnoticed: every history row of the desk, of every
simple-history table, chained by SHA-256 to the one before.

Each history row gets one ``HistoryLink``, appended when the row is written (by
simple-history's signal, its bulk helper through ``ChainedHistoryManager``, and the
importer's bulk writes, which call ``append`` themselves). A link holds

- ``row_hash``: SHA-256 of the row's canonical form (``canonical_row``): the UTF-8 bytes of
  the JSON object ``{"row": {column: value, ...}, "table": history table}``, keys sorted,
  separators ``,`` and ``:``, no ASCII escaping, every column of the history table (the
  tracked fields, ``history_id``, ``history_date``, ``history_type``, ``history_user_id``,
  ``history_change_reason``) with its value as Django reads it back from the database:
  times as ISO 8601 in UTC with microseconds (``2026-12-07T22:55:54.123456+00:00``), dates
  as ``YYYY-MM-DD``, decimals and UUIDs as strings, lists and objects as JSON, NULL as null;
- ``digest``: SHA-256 of the ASCII text ``"{position}:{previous digest}:{row_hash}"``, the
  first link's previous digest being 64 zeros.

So each link commits to every row before it: changing, deleting or inserting a history row
anywhere breaks every digest after it, unless all of them are recomputed, which changes the
head (the last link's position and digest) that the public site shows (``/transparency/``,
the feed), and which anyone may have kept. ``verify`` walks the chain and names the first
broken link.

The chain cannot fork: a link's position is its primary key, the previous link's plus one,
so two writers building on the same head cannot both commit; on PostgreSQL they do not even
try, as an append holds a transaction-level advisory lock (``lock``) from the first tracked
write of a transaction to its end. The lock is taken before the row itself is written (a
``pre_save``/``pre_delete`` receiver), so writers always take it before any row lock and
cannot deadlock on it; the importer takes it before its table locks. Writers of desk data
are therefore serialised from their first tracked write to their commit; readers never wait.

On PostgreSQL the history tables and the chain refuse UPDATE and DELETE (triggers,
``APPEND_ONLY_SQL``, installed by talks' migration 0021); SQLite has no such guard (its
triggers cannot tell the desk from the test suite's flushes, and a SQLite desk is a
development desk): there the chain alone tells.
"""

import datetime
import decimal
import hashlib
import json
import uuid

from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.manager import HistoryManager

GENESIS = "0" * 64
LOCK_KEY = 0x46414354  # "FACT": the advisory lock every append of the chain holds


class HistoryLink(models.Model):
    """One history row's place in the chain (see the module's docstring)."""

    position = models.BigIntegerField(primary_key=True, help_text="1 for the first link.")
    table = models.CharField(max_length=63, help_text="The history table the row is in.")
    history_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64, help_text="SHA-256 of the row's canonical form.")
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the position, the previous digest and row_hash."
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "sources"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "history_id"],
                name="sources_historylink_one_per_row",
                violation_error_message="A history row is chained once.",
            ),
        ]

    def __str__(self):
        return f"#{self.position} {self.table} {self.history_id}"


def history_models():
    """Every simple-history model of the project, by table name."""
    found = {}
    for model in apps.get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute:
            history = getattr(model, attribute).model
            found[history._meta.db_table] = history
    return dict(sorted(found.items()))


def _columns(history):
    return [field for field in history._meta.concrete_fields]


def _plain(value):
    """A value of the canonical form (see the module's docstring)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


# Columns whose values JSON takes as they come (text, numbers, booleans): ``_plain`` leaves
# them be, and an import's hundred thousand rows are hashed faster without asking it.
AS_THEY_COME = {
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField",
    "SmallIntegerField", "PositiveBigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "BooleanField", "CharField", "TextField", "SlugField",
    "URLField", "EmailField",
}  # fmt: skip


def _form(columns):
    """(the columns' names, and (index, name, how to make it plain) of those whose values
    JSON does not take as they come), for ``canonical_row``."""
    names, special = [], []
    for index, column in enumerate(columns):
        field = column.target_field if column.is_relation else column
        names.append(column.column)
        if field.get_internal_type() not in AS_THEY_COME:
            special.append((index, column.column, _plain))
    return names, special


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_row(table, columns, values, form=None):
    """The bytes a history row's hash is taken of (see the module's docstring)."""
    names, special = form or _form(columns)
    row = dict(zip(names, values, strict=True))
    for index, name, plain in special:
        if values[index] is not None:
            row[name] = plain(values[index])
    return _ENCODER.encode({"row": row, "table": table}).encode()


def row_hash(table, columns, values, form=None):
    return hashlib.sha256(canonical_row(table, columns, values, form)).hexdigest()


def link_digest(position, previous, row_digest):
    return hashlib.sha256(f"{position}:{previous}:{row_digest}".encode()).hexdigest()


def lock():
    """Hold the chain's lock until the transaction ends (PostgreSQL; a no-op elsewhere,
    where the position's uniqueness alone keeps the chain from forking)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head():
    """(position, digest) of the last link: (0, GENESIS) before the first."""
    last = HistoryLink.objects.order_by("-position").values_list("position", "digest").first()
    return last or (0, GENESIS)


CHECKPOINT_MINUTES = 60


class Checkpoint:
    """The chain's head as it stood at a round time, which the public site shows."""

    def __init__(self, position, digest, at):
        self.position, self.digest, self.at = position, digest, at

    def __str__(self):
        return f"{self.position}:{self.digest}"


def checkpoint(now=None):
    """The head as of the last round hour (``CHECKPOINT_MINUTES``), or None before the
    first link. Published rather than the live head: the live one would tell readers, to
    the minute, how busy the desk is with drafts they cannot see; an hour's step tells
    less, and commits the desk all the same to everything before it."""
    now = now or timezone.now()
    step = CHECKPOINT_MINUTES * 60
    at = datetime.datetime.fromtimestamp(now.timestamp() // step * step, datetime.UTC)
    last = (
        HistoryLink.objects.filter(linked_at__lt=at)  # from the newest back: the last hour's
        .order_by("-position")
        .values_list("position", "digest")
        .first()
    )
    return Checkpoint(*last, at) if last else None


def _rows(history, ids):
    """The rows of ``history`` with ``ids``, by history id, as the database holds them."""
    columns = _columns(history)
    ids = sorted(ids)
    if not ids:
        return columns, []
    if ids[-1] - ids[0] == len(ids) - 1:
        where = models.Q(pk__range=(ids[0], ids[-1]))
    else:
        where = models.Q(pk__in=ids)
    rows = history._base_manager.filter(where).order_by("pk")
    return columns, list(rows.values_list(*(column.attname for column in columns)))


def append(history, ids):
    """Chain the rows of ``history`` (a historical model) with ``ids``, in id order."""
    if ids:
        _chain(history, *_rows(history, ids))


def returning(history):
    """What an INSERT into ``history`` returns for ``append_returned`` to chain the rows it
    wrote without reading them again: every column, in the canonical form's order."""
    return ", ".join(connection.ops.quote_name(column.column) for column in _columns(history))


def append_returned(history, returned):
    """Chain the rows an ``INSERT ... RETURNING {returning(history)}`` gave, each value
    passed through the converters Django reads it back with, as ``verify`` will."""
    columns = _columns(history)
    converters = []
    for index, column in enumerate(columns):
        expression = column.get_col(history._meta.db_table)
        found = connection.ops.get_db_converters(expression) + column.get_db_converters(connection)
        if found:
            converters.append((index, expression, found))
    rows = [list(raw) for raw in returned]
    for row in rows if converters else ():
        for index, expression, found in converters:
            for convert in found:
                row[index] = convert(row[index], expression, connection)
    pk_index = columns.index(history._meta.pk)
    rows.sort(key=lambda row: row[pk_index])
    _chain(history, columns, rows)


def _chain(history, columns, rows):
    if not rows:
        return
    table = history._meta.db_table
    # No savepoint of its own: a link that cannot be written fails the whole write.
    with transaction.atomic(savepoint=False):
        lock()
        position, digest = head()
        pk_index = columns.index(history._meta.pk)
        now, form = timezone.now(), _form(columns)
        links = []
        for values in rows:
            position += 1
            hashed = row_hash(table, columns, values, form)
            digest = link_digest(position, digest, hashed)
            links.append((position, table, values[pk_index], hashed, digest, now))
        _insert_links(links)


LINK_COLUMNS = ["position", "table", "history_id", "row_hash", "digest", "linked_at"]


def _insert_links(links):
    quote = connection.ops.quote_name
    table = quote(HistoryLink._meta.db_table)
    columns = ", ".join(quote(name) for name in LINK_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(links) > 50:
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for link in links:
                    copy.write_row(link)
            return
        placeholders = ", ".join(["%s"] * len(LINK_COLUMNS))
        field = HistoryLink._meta.get_field("linked_at")
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [(*link[:5], field.get_db_prep_save(link[5], connection)) for link in links],
        )


class ChainedHistoryManager(HistoryManager):
    """simple-history's manager, whose bulk helper (``bulk_create_with_history``,
    ``bulk_update_with_history``) chains the rows it writes."""

    def bulk_history_create(self, objs, *args, **kwargs):
        with transaction.atomic():
            lock()
            created = super().bulk_history_create(objs, *args, **kwargs)
            if created:
                if any(row.pk is None for row in created):  # a database returning no ids
                    raise RuntimeError("bulk history rows need their ids to be chained")
                append(self.model, [row.pk for row in created])
        return created


def chain_saved_row(sender, history_instance, **kwargs):
    """simple-history's ``post_create_historical_record``: chain the row just written."""
    append(sender, [history_instance.pk])


def lock_before_write(sender, **kwargs):
    """``pre_save``/``pre_delete`` of a tracked model: take the chain's lock before the row
    (and so its row lock) is written, so that writers queue in one order."""
    lock()


# --- Verification --------------------------------------------------------------------------


class Break:
    """The first broken link: where, and what differs."""

    def __init__(self, position, table, history_id, what):
        self.position, self.table, self.history_id, self.what = position, table, history_id, what

    def __str__(self):
        return f"link #{self.position}: {self.table} history_id={self.history_id}: {self.what}"


def verify(*, expected_head=None, batch=5000):
    """Walk the chain from the first link; return (links checked, the first ``Break`` or
    None). ``expected_head``, a (position, digest) kept from before (the public site
    showed it), must be on the chain."""
    tables = history_models()
    previous, checked = GENESIS, 0
    after = 0
    while True:
        links = list(HistoryLink.objects.filter(position__gt=after).order_by("position")[:batch])
        if not links:
            break
        by_table = {}
        for link in links:
            by_table.setdefault(link.table, []).append(link.history_id)
        found = {}
        for table, ids in by_table.items():
            history = tables.get(table)
            if history is None:
                continue
            columns, rows = _rows(history, ids)
            pk_index = [column.attname for column in columns].index(history._meta.pk.attname)
            form = _form(columns)
            for values in rows:
                found[table, values[pk_index]] = row_hash(table, columns, values, form)
        for link in links:
            where = (link.position, link.table, link.history_id)
            if link.position != checked + 1:
                return checked, Break(
                    *where, f"links #{checked + 1} to #{link.position - 1} are missing"
                )
            if link.table not in tables:
                return checked, Break(*where, "no such history table")
            now = found.get((link.table, link.history_id))
            if now is None:
                return checked, Break(*where, "the history row is gone (deleted)")
            if now != link.row_hash:
                return checked, Break(
                    *where,
                    f"the row differs from the one chained (its hash was {link.row_hash[:12]}…, "
                    f"is now {now[:12]}…): it was changed after it was written",
                )
            if link_digest(link.position, previous, link.row_hash) != link.digest:
                return checked, Break(
                    *where, "the link's digest does not follow from the link before it"
                )
            published = expected_head and link.position == expected_head[0]
            if published and link.digest != expected_head[1]:
                return checked, Break(
                    *where,
                    f"the digest here is {link.digest}, not {expected_head[1]} as published: "
                    "the chain was rewritten up to here",
                )
            previous, checked, after = link.digest, link.position, link.position
    if expected_head and expected_head[0] > checked:
        return checked, Break(expected_head[0], "", 0, "the chain ends before this position")
    for table, history in tables.items():
        unchained = (
            history._base_manager.exclude(
                pk__in=HistoryLink.objects.filter(table=table).values("history_id")
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if unchained is not None:
            return checked, Break(
                "-", table, unchained, "the history row is in no link (written around the chain)"
            )
    return checked, None


# --- The database's guard, and the rows written before the chain ---------------------------

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION factdesk_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'A history row is never changed or deleted: record a new version.';
END
$$
"""


def append_only_sql(table):
    """The trigger that has PostgreSQL refuse UPDATE and DELETE on ``table``, row by row (a
    statement touching no row, as Django's collector may send, is let be)."""
    quoted = connection.ops.quote_name(table)
    return (
        f"CREATE OR REPLACE TRIGGER {connection.ops.quote_name(table + '_append_only')} "
        f"BEFORE UPDATE OR DELETE ON {quoted} "
        "FOR EACH ROW EXECUTE FUNCTION factdesk_history_append_only()"
    )


def make_append_only(schema_editor, tables):
    """Install the guard on ``tables`` (PostgreSQL only; see the module's docstring)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY_FUNCTION, params=None)  # its % are PL/pgSQL's
    for table in tables:
        schema_editor.execute(append_only_sql(table))


def chain_unlinked(histories, batch=10000):
    """Chain the rows of ``histories`` (historical models) that no link holds yet, table by
    table in id order: the rows a desk had before its chain began."""
    for history in histories:
        table = history._meta.db_table
        linked = HistoryLink.objects.filter(table=table).values("history_id")
        ids = list(
            history._base_manager.exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(ids), batch):
            append(history, ids[start : start + batch])
