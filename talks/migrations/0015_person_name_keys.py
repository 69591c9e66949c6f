import django.db.models.deletion
from django.db import migrations, models

from talks.language.spellings import spelled_keys


def write_the_keys(apps, schema_editor):
    """The keys of every person's name and other names, as ``PersonNameKey.objects.rebuild``
    writes them."""
    person_model = apps.get_model("talks", "Person")
    alias_model = apps.get_model("talks", "PersonAlias")
    key_model = apps.get_model("talks", "PersonNameKey")
    names = [
        *((pk, None, name) for pk, name in person_model.objects.values_list("pk", "name")),
        *alias_model.objects.values_list("person_id", "pk", "name"),
    ]
    key_model.objects.bulk_create(
        (
            key_model(person_id=person_id, alias_id=alias_id, key=key, spelling=spelling)
            for person_id, alias_id, name in names
            for key, spelling in spelled_keys(name)
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('talks', '0014_languages'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonNameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=400)),
                ('spelling', models.CharField(max_length=200)),
            ],
        ),
        migrations.AddField(
            model_name='personnamekey',
            name='alias',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='talks.personalias'),
        ),
        migrations.AddField(
            model_name='personnamekey',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='talks.person'),
        ),
        migrations.AddIndex(
            model_name='personnamekey',
            index=models.Index(fields=['key', 'person'], name='talks_person_name_key'),
        ),
        migrations.RunPython(write_the_keys, migrations.RunPython.noop),
    ]
