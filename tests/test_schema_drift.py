"""A desk that was migrated long ago and upgraded has the schema of a freshly migrated one.

Commit 1a86dee changed what SQLite's stored search document computes (the texts stopped being
lower-cased) without a migration of its own, so a desk migrated before it kept the old
generated column. Migration 0014 removes the column and adds it again (for the claims'
languages), which heals such a desk: no migration of its own is needed. This test builds such
a desk, so that the next change of that kind fails here: the test database (freshly migrated)
copied, taken back to before 0014, its search column made as it was before 1a86dee; migrated
forward again, every table, index and trigger must read as in the fresh one.
"""

import sqlite3

import pytest
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models.functions import Coalesce, Concat, Lower
from django.db.models.sql import Query

from talks.models.search_documents import SEARCHED_FIELDS

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the drift was in SQLite's generated column"
)

BEFORE_LANGUAGES = ("talks", "0013_sitemap_reads_no_last_change")


def schema(database):
    """Every table, index and trigger as the database itself states it."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
        )
        return cursor.fetchall()


def search_column_before_1a86dee(claim):
    """The stored search document as migration 0012 made it on SQLite before 1a86dee."""
    texts = [Coalesce(name, models.Value("")) for name in SEARCHED_FIELDS]
    spaced = [part for text in texts for part in (text, models.Value(" "))][:-1]
    field = models.GeneratedField(
        expression=Lower(Concat(*spaced)), output_field=SearchVectorField(), db_persist=True
    )
    field.model = claim  # as contribute_to_class would, without adding it to the model
    field.set_attributes_from_name("search_document")
    field._query = Query(model=claim, alias_cols=False)
    return field


def test_a_desk_migrated_before_1a86dee_upgrades_to_the_fresh_schema(
    tmp_path, settings, monkeypatch, django_db_setup, django_db_blocker
):
    settings.DATABASE_ROUTERS = []  # the desk's router migrates the default database alone
    with django_db_blocker.unblock():
        connection.ensure_connection()
        fresh = schema(connection)
        path = tmp_path / "upgraded.sqlite3"
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        monkeypatch.setitem(
            connections.settings, "old", {**connection.settings_dict, "NAME": str(path)}
        )
        old = connections["old"]
        try:
            MigrationExecutor(old).migrate([BEFORE_LANGUAGES])
            claim = MigrationExecutor(old).loader.project_state(BEFORE_LANGUAGES).apps
            claim = claim.get_model("talks", "Claim")
            with old.schema_editor() as editor:
                editor.remove_field(claim, claim._meta.get_field("search_document"))
                editor.add_field(claim, search_column_before_1a86dee(claim))
            assert "LOWER(" in dict(((n, s) for _, n, _, s in schema(old)))["talks_claim"]

            executor = MigrationExecutor(old)
            executor.migrate(
                [key for key in executor.loader.graph.leaf_nodes() if key[0] == "talks"]
            )

            assert schema(old) == fresh
        finally:
            old.close()
            del connections["old"]
