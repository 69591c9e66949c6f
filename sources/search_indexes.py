"""The indexes the admin's search reads, as migration operations (``sources.admin.search``).

Django's PostgreSQL ``icontains`` is ``UPPER(col::text) LIKE UPPER('%term%')``: a trigram index
on ``UPPER(col)`` answers it, a plain one never does. Migrations of both apps add them here,
outside the admin, so that no migration imports an admin module.
"""

from django.db import migrations


def trigram_indexes(*columns):
    """Migration operations: a trigram index on ``UPPER(column)`` for each (table, column).

    PostgreSQL only; SQLite reads the table, which at its sizes is quick."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {trigram_index_name(table, column)} "
                f'ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
            )
        # The planner needs statistics on the new expressions to tell a rare word (use the
        # index) from a common one (walk the list's order); only ANALYZE gathers them.
        for table in dict(columns):
            schema_editor.execute(f'ANALYZE "{table}"')

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {trigram_index_name(table, column)}")

    return [migrations.RunPython(create, drop, elidable=False)]


def trigram_index_name(table, column):
    return f"{table}_{column}_trgm"[:63]
