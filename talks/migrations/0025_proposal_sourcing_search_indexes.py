"""Trigram indexes for the admin's search of rejected proposals and sourcing checks."""

from django.db import migrations

from sources.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("talks", "0024_history_append_only")]

    operations = trigram_indexes(
        ("talks_rejectedproposal", "statement"),
        ("talks_rejectedproposal", "reason"),
        ("talks_sourcingsuggestion", "explanation"),
    )
