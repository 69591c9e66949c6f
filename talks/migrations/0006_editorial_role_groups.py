"""The editorial roles as groups with their permissions (``talks.rulebook.ROLES``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from talks.rulebook import ROLES


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for grant in grants:
            label, action = grant.split(":")
            app_label, model_name = label.split(".")
            codename = action if "_" in action else f"{action}_{model_name}"
            # A grant on a model that a later migration makes waits for that migration,
            # which runs this again (0016, the partners' notifications).
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0001_initial"),
        ("talks", "0005_import_runs"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
