import importlib

from django.db import migrations

# The archive's grants (talks.rulebook.ROLES): the roles' groups as 0006 makes them.
roles = importlib.import_module("talks.migrations.0006_editorial_role_groups")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0005_archive"),
        ("talks", "0019_suggestion_runs"),
    ]

    operations = [migrations.RunPython(roles.create_roles, migrations.RunPython.noop)]
