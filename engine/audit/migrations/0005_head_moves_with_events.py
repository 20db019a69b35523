"""The trigger that moves a chain's head with each insert of its events (triggers.py):
installed with the others, which `install` re-creates idempotently."""

from django.db import migrations


def forwards(apps, schema_editor):
    from engine.audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_sql_functions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
