from django.db import migrations


def forwards(apps, schema_editor):
    from engine.audit import chain_sql

    chain_sql.install(schema_editor.connection)


class Migration(migrations.Migration):
    """`jixiao_json` and `jixiao_sha256` beside the chain aggregate (PostgreSQL; SQLite
    registers them on each connection)."""

    dependencies = [("audit", "0003_chain_aggregate")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
