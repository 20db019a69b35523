"""Room on each page of the steps table (PostgreSQL fillfactor 70): the sweep's stamps
(reminded, overdue) touch no indexed column, so with free space on the page PostgreSQL
updates them in place (HOT) instead of writing every index of 100,000 rows again at
month-end. Other databases: nothing to do."""

from django.db import migrations

TABLES = ("appraisals_appraisalstep",)


def fill(apps, schema_editor, factor: int = 70):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(factor)})")


def unfill(apps, schema_editor):
    fill(apps, schema_editor, 100)


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0009_cycle_cancelled")]
    operations = [migrations.RunPython(fill, unfill)]
