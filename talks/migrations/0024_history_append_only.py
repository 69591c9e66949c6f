"""The history chain (sources/history_chain.py): the rows already in the history tables are
chained, and on PostgreSQL every history table and the chain refuse UPDATE and DELETE.

A tracked model added later gets its history table's trigger in its own migration
(``make_append_only``); tests/test_history_chain.py fails until it has one.
"""

from django.db import migrations

from sources.history_chain import chain_unlinked, make_append_only


def _history_models(apps):
    return sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.app_label in ("sources", "talks")
            and model.__name__.startswith("Historical")
        ),
        key=lambda model: model._meta.db_table,
    )


def forwards(apps, schema_editor):
    histories = _history_models(apps)
    chain_unlinked(histories)
    tables = [model._meta.db_table for model in histories]
    make_append_only(schema_editor, [*tables, "sources_historylink"])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in _history_models(apps):
        table = model._meta.db_table
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    schema_editor.execute('DROP TRIGGER IF EXISTS "sources_historylink_append_only" ON "sources_historylink"')
    schema_editor.execute("DROP FUNCTION IF EXISTS factdesk_history_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0023_sourcing_suggestions"),
        ("sources", "0007_history_chain"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
