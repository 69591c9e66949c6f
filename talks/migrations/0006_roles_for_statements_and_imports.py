"""The editorial roles extended to statements, suggestions and import runs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Contributor": [
        "talks.statement:view",
        "talks.statement:add",
        "talks.statement:change",
        "talks.statement:delete",
        "talks.contradictionsuggestion:view",
        "talks.importrun:view",
    ],
    "Editor": ["talks.importrun:run_import"],
}
GRANTS["Editor"] = [*GRANTS["Contributor"], *GRANTS["Editor"]]
GRANTS["Chief editor"] = GRANTS["Editor"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for label_action in grants:
            label, action = label_action.split(":")
            app_label, model_name = label.split(".")
            codename = action if "_" in action else f"{action}_{model_name}"
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [("talks", "0005_import_runs")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
