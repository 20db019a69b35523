"""Fast set-based inserts for the paths that grow with the company (the sweep's
notifications and audit events, cycle opening).

On PostgreSQL one ``INSERT … SELECT * FROM unnest(col1[], col2[], …)`` per chunk
replaces per-row parameter binding (several times faster for tens of thousands of
rows); elsewhere Django's ``bulk_create`` does the job. Rows are model instances, so
both paths insert exactly the same values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models


def insert_rows(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    ignore_conflicts: bool = False,
    chunk: int = 10000,
    returning: tuple[str, ...] = (),
) -> list[tuple]:
    """Insert the rows; on PostgreSQL, `returning` names columns to give back for each
    row actually inserted (a conflict skipped is not)."""
    if not objs:
        return []
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=ignore_conflicts)
        return []
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    casts = ", ".join(f"%s::{_array_type(f)}" for f in fields)
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) SELECT * FROM unnest({casts})"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(connection.ops.quote_name(c) for c in returning)
    out: list[tuple] = []
    with connection.cursor() as cur:
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            arrays = [[_value(f, o) for o in part] for f in fields]  # column-wise for unnest
            cur.execute(sql, arrays)
            if returning:
                out += cur.fetchall()
    return out


def _array_type(field: models.Field) -> str:
    if isinstance(field, models.JSONField):
        return "jsonb[]"
    db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return (
        db_type.split("(")[0].replace("serial", "integer") + "[]"
        if "(" in db_type
        else db_type + "[]"
    )


# Values of these fields go to the driver as they are: no per-value conversion.
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _value(field: models.Field, obj: models.Model):
    value = getattr(obj, field.attname)
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, ensure_ascii=False)
    if isinstance(field, PLAIN):
        return value
    return field.get_db_prep_save(value, connection)
