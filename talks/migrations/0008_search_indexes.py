"""Trigram indexes for the admin's search (see sources.admin.search), PostgreSQL only."""

from django.db import migrations

from sources.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("talks", "0007_list_order_indexes")]

    operations = trigram_indexes(
        ("talks_person", "name"),
        ("talks_person", "slug"),
        ("talks_person", "description"),
        ("talks_personalias", "name"),
        ("talks_role", "title"),
        ("talks_role", "organisation"),
        ("talks_rolecitation", "quote"),
        ("talks_meeting", "title"),
        ("talks_meeting", "slug"),
        ("talks_meeting", "place"),
        ("talks_meeting", "country"),
        ("talks_participant", "side"),
        ("talks_meetingcitation", "quote"),
        ("talks_claim", "text"),
        ("talks_claim", "slug"),
        ("talks_claim", "claimant_label"),
        ("talks_citation", "quote"),
        ("talks_statement", "place"),
        ("talks_contradiction", "note"),
        ("talks_contradictionsuggestion", "explanation"),
        ("talks_importrun", "reason"),
    )
