import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import talks.models.claims

SEARCH_INDEX = "talks_claim_search"  # migration 0003 made it on the expression


def index_the_stored_document(apps, schema_editor):
    """The full-text index moves from the expression to the stored column: PostgreSQL only."""
    if schema_editor.connection.vendor == "postgresql":
        claim = apps.get_model("talks", "Claim")
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        schema_editor.add_index(claim, GinIndex(fields=["search_document"], name=SEARCH_INDEX))
        schema_editor.execute("ANALYZE talks_claim")


def index_the_expression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        claim = apps.get_model("talks", "Claim")
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        vector = talks.models.claims.claim_search_vector()
        schema_editor.add_index(claim, GinIndex(vector, name=SEARCH_INDEX))


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0011_person_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=talks.models.claims.SearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
            ),
        ),
        migrations.RunPython(index_the_stored_document, index_the_expression),
    ]
