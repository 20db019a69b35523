from django.db import migrations


def forwards(apps, schema_editor):
    from engine.audit import chain_sql

    chain_sql.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from engine.audit import chain_sql

    chain_sql.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
