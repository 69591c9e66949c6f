from django.db import migrations

from sources.search_indexes import trigram_indexes


class Migration(migrations.Migration):
    """The partners' list is searched by name and URL, as every admin list, from indexes."""

    dependencies = [("talks", "0017_page_stamps")]

    operations = trigram_indexes(("talks_subscription", "name"), ("talks_subscription", "url"))
