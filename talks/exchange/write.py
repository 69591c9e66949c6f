"""Writing, the last phase of an import: the judged rows in bulk, each with its history row.

The import run is written first, then each model's new rows and changed rows, in
``FIXTURE_MODELS`` order, in chunks. Each history row's reason names the run and gives the
editor's words: the object's own reason, or else the run's. simple-history records a change
from ``post_save``; bulk writes send no signals, so each history row is written here, in the
same transaction, by ``insert_history``, which has the database copy the rows just written.
PostgreSQL takes rows by COPY, the fastest way in; SQLite by executemany. Primary keys are
allocated before the write, so rows can point at rows not yet written.
"""

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from sources import history_chain

from ..models import ImportRun, Person, PersonAlias, PersonNameKey
from .fixture_models import fixture_fields
from .read import Entry

WRITE_CHUNK = 10000  # rows per COPY, between progress reports


def write(reader, models_to_write, *, now, user, reason, channel, progress):
    """Write what was judged: the run, then each model's rows and their history rows.
    Returns the ``ImportRun``."""
    result = reader.result
    totals = result.totals()
    run = ImportRun(
        started_at=now,
        user=user,
        channel=channel,
        reason=reason,
        files=result.files,
        counts={label: dict(counts) for label, counts in sorted(result.counts.items())},
        **totals,
    )
    run._change_reason, run._history_user = "Import started", user
    run.save()  # first, so that SQLite's write lock is held before ids are allocated
    history = {"date": timezone.now(), "user": user}

    to_write, written = totals["created"] + totals["updated"], 0
    for model in models_to_write:
        entries = reader.defined[model._meta.label_lower].values()
        created = [entry for entry in entries if entry.outcome == "created"]
        updated = [entry for entry in entries if entry.outcome == "updated"]
        new_ids = allocate_ids(model, len(created))
        for entry, pk in zip(created, new_ids, strict=True):
            entry.pk = pk
        fields = [model._meta.pk, *fixture_fields(model)]
        for start in range(0, len(created), WRITE_CHUNK):
            chunk = created[start : start + WRITE_CHUNK]
            insert_rows(model, fields, [table_row(entry) for entry in chunk])
            for reason_here, written_here in _by_reason(run, reason, chunk):
                insert_history(model, written_here, history_type="+", reason=reason_here, **history)
            written += len(chunk)
            progress("written", written, to_write)
        for start in range(0, len(updated), WRITE_CHUNK):
            chunk = updated[start : start + WRITE_CHUNK]
            rows = [table_row(entry) for entry in chunk]
            update_rows(model, fields[1:], [row[1:] + row[:1] for row in rows])
            for reason_here, written_here in _by_reason(run, reason, chunk):
                insert_history(model, written_here, history_type="~", reason=reason_here, **history)
            written += len(chunk)
            progress("written", written, to_write)
        for entry in created + updated:
            entry.row = None
    # COPY bypasses save(), which writes the keys the readers' search finds people by.
    PersonNameKey.objects.rebuild(*(written_ids(reader, model) for model in (Person, PersonAlias)))

    run.finished_at = max(timezone.now(), run.started_at)
    run._change_reason = "Import finished"
    run.save()
    return run


def _by_reason(run, reason, entries):
    """(history reason, the rows that take it) for the written ``entries``: those with a
    reason of their own, by reason, and the rest with the run's. One consecutive range of ids
    is one condition the database serves from the primary key."""
    groups = {}
    for entry in entries:
        groups.setdefault(entry.reason or reason, []).append(entry.pk)
    for words, ids in groups.items():
        rows = Q(pk__range=(ids[0], ids[-1])) if ids[-1] - ids[0] == len(ids) - 1 else None
        yield run.change_reason(words), rows or Q(pk__any_of=set(ids))


def written_ids(reader, model):
    """The ids of the rows of ``model`` the import created or changed."""
    entries = reader.defined[model._meta.label_lower].values()
    return [entry.pk for entry in entries if entry.outcome in ("created", "updated")]


def table_row(entry):
    """The entry's row as the table takes it: primary key first, a reference to an object
    created by this import as that object's new id."""
    return (entry.pk, *(value.pk if type(value) is Entry else value for value in entry.row))


def _quote(name):
    return connection.ops.quote_name(name)


def lock_tables(models_to_write):
    """Keep other writers out of these tables until the transaction ends; readers are let be.

    What the import checked against stays true until it commits, and nobody else takes ids
    from the tables' sequences meanwhile (see ``allocate_ids``). On SQLite the first write
    locks the whole database instead.
    """
    # The history chain's lock first, as every writer takes it before its row locks
    # (sources/history_chain.py): taken after the tables', it could deadlock with one.
    history_chain.lock()
    if connection.vendor == "postgresql":
        tables = ", ".join(_quote(model._meta.db_table) for model in models_to_write)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def allocate_ids(model, count):
    """``count`` fresh, consecutive primary keys for ``model``, taken from its sequence at once.

    The caller must keep other writers out: ``lock_tables`` on PostgreSQL, a first write in
    the transaction on SQLite. (``nextval`` once per id is safe without a lock, but costs as
    much as writing the rows' history.)
    """
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(sequence, nextval(sequence) + %s - 1) "
                "FROM pg_get_serial_sequence(%s, %s) AS sequence",
                [count, _quote(table), column],
            )
            last = cursor.fetchone()[0]
            return list(range(last - count + 1, last + 1))
        if connection.vendor != "sqlite":
            raise NotImplementedError("bulk writes support PostgreSQL and SQLite")
        cursor.execute(
            f"SELECT MAX({_quote(column)}) FROM {_quote(table)} "
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s",
            [table],
        )
        start = max((row[0] or 0 for row in cursor.fetchall()), default=0) + 1
    return list(range(start, start + count))


# Column types as binary COPY names them; binary COPY is four times faster than text here,
# but each value must be sent in its column's exact type.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "text": "text",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "boolean": "bool",
    "uuid": "uuid",
}


def _binary_type(field):
    db_type = field.db_type(connection)  # a foreign key gives its target's column type
    if db_type.startswith("varchar("):
        return "text"  # the same binary form
    try:
        return BINARY_TYPES[db_type]
    except KeyError:
        raise NotImplementedError(f"no binary COPY for {field} ({db_type})") from None


def insert_rows(model, fields, rows):
    """INSERT ``rows`` (tuples of Python values, in ``fields`` order) into ``model``'s table."""
    table = _quote(model._meta.db_table)
    columns = ", ".join(_quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
            # psycopg's own cursor: its errors become Django's (IntegrityError...) here.
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                copy.set_types([_binary_type(field) for field in fields])
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [_prepared(fields, row) for row in rows],
        )


def update_rows(model, fields, rows):
    """UPDATE each row by primary key; a row is its values in ``fields`` order, then the key."""
    table = _quote(model._meta.db_table)
    assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {_quote(model._meta.pk.column)} = %s"
    fields = [*fields, model._meta.pk]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(sql, rows)
        else:
            cursor.executemany(sql, [_prepared(fields, row) for row in rows])


def _prepared(fields, row):
    return [
        field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)
    ]


HISTORY_FIELDS = ["history_date", "history_change_reason", "history_type", "history_user"]


def insert_history(model, written, *, history_type, date, reason, user):
    """The history rows for the rows of ``model`` that ``written`` (a ``Q``) selects, just
    created ("+") or changed ("~").

    The database copies each row as it now stands into the history table, adding when, why,
    what and who, as simple-history's ``post_save`` does: one INSERT ... SELECT, so the rows
    are not sent a second time, and the history holds exactly what was written. The rows are
    then chained (sources/history_chain.py), as every history row is.
    """
    history = model.history.model
    fields = history.tracked_fields  # the model's fields that its history keeps
    marks = {
        name: models.Value(value, output_field=history._meta.get_field(name))
        for name, value in zip(
            HISTORY_FIELDS, (date, reason, history_type, user.pk if user else None), strict=True
        )
    }
    rows = (
        model._base_manager.filter(written)
        .order_by()
        .annotate(**{f"_{name}": mark for name, mark in marks.items()})
        .values_list(*(field.attname for field in fields), *(f"_{name}" for name in marks))
    )
    select, params = rows.query.sql_with_params()
    columns = ", ".join(
        _quote(history._meta.get_field(name).column)
        for name in [*(field.name for field in fields), *HISTORY_FIELDS]
    )
    returning = history_chain.returning(history)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_quote(history._meta.db_table)} ({columns}) {select} "
            f"RETURNING {returning}",
            params,
        )
        history_chain.append_returned(history, cursor.fetchall())
