"""Trigram indexes for the admin's search (see sources.admin.search), PostgreSQL only."""

from django.db import migrations

from sources.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_list_order_indexes")]

    operations = trigram_indexes(
        ("sources_source", "title"),
        ("sources_source", "outlet"),
        ("sources_source", "author"),
        ("sources_source", "url"),
        ("sources_source", "slug"),
    )
