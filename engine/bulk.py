"""Fast set-based inserts for the paths that grow with the company (the sweep's
notifications and audit events, cycle opening).

On PostgreSQL the rows are streamed with ``COPY`` into a bare staging table and moved
with one ``INSERT … SELECT`` per chunk (which may skip conflicts and return what it
inserted) — several times faster than per-row parameter binding for tens of thousands
of rows; elsewhere Django's ``bulk_create`` does the job. Rows are model instances, so
both paths insert exactly the same values.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Sequence
from types import SimpleNamespace

from django.db import connection, models


class Row(SimpleNamespace):
    """A row to insert without building a model instance (tens of microseconds each,
    the main cost of a month-end sweep): the model's field defaults plus the values."""


def rows(model: type[models.Model], values: Iterable[dict]) -> list[Row]:
    defaults = {
        f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
    }
    pk = model._meta.pk.attname
    return [Row(**{pk: None, **defaults, **v}) for v in values]


def insert_rows(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    ignore_conflicts: bool = False,
    chunk: int = 10000,
    returning: tuple[str, ...] = (),
) -> list[tuple]:
    """Insert the rows; on PostgreSQL, and on SQLite for a few rows (`returns_few`),
    `returning` names columns to give back for each row actually inserted (a conflict
    skipped is not)."""
    if not objs:
        return []
    few_on_sqlite = returning and len(objs) <= FEW and returns_few()
    if connection.vendor != "postgresql" and not few_on_sqlite:
        objs = [model(**vars(o)) if isinstance(o, Row) else o for o in objs]
        model.objects.bulk_create(objs, batch_size=1000, ignore_conflicts=ignore_conflicts)
        return []
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(f.column) for f in fields)
    if len(objs) <= FEW:
        return _insert_few(fields, table, columns, objs, ignore_conflicts, returning)
    stage = q(f"stage_{model._meta.db_table}")
    sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage}"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(q(c) for c in returning)
    out: list[tuple] = []
    with connection.cursor() as cur:
        for start in range(0, len(objs), chunk):
            part = objs[start : start + chunk]
            # COPY into a bare staging table (its columns only), then one INSERT … SELECT
            # that may skip conflicts and return what it inserted.
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
            cur.execute(f"CREATE TEMP TABLE {stage} AS SELECT {columns} FROM {table} WITH NO DATA")
            convert = _converters(fields)
            with cur.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
                for o in part:
                    copy.write_row([c(o) for c in convert])
            cur.execute(sql)
            if returning:
                out += cur.fetchall()
            cur.execute(f"DROP TABLE {stage}")
    return out


# Up to this many rows (a request telling a few people), one `INSERT … VALUES` with
# parameters: one statement where the staging table takes four and a COPY.
FEW = 100


def returns_few() -> bool:
    """Whether `insert_rows` gives back the rows a few-row insert took: always on
    PostgreSQL; on SQLite from 3.35 (`RETURNING`)."""
    if connection.vendor == "postgresql":
        return True
    if connection.vendor != "sqlite":
        return False
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)


def _insert_few(fields, table, columns, objs, ignore_conflicts, returning) -> list[tuple]:
    """`insert_rows` for a few rows (PostgreSQL, or SQLite asked for what it took): the
    same columns and values (each through its field's preparation, as Django's own
    inserts), in one statement."""
    q = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(objs))
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(q(c) for c in returning)
    params = [f.get_db_prep_save(getattr(o, f.attname), connection) for o in objs for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if returning else []


# Values of these fields go to the driver as they are: no per-value conversion (an
# aware datetime and a date are what psycopg expects).
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.DateTimeField,
    models.DateField,
)


def _converters(fields: list[models.Field]) -> list:
    """Per column, how to read a value from a row: plain fields as they are (most
    columns), JSON as text, the rest through the field's own preparation."""
    out = []
    for f in fields:
        if isinstance(f, models.JSONField):
            out.append(lambda o, a=f.attname: _json(getattr(o, a)))
        elif isinstance(f, PLAIN):
            out.append(operator.attrgetter(f.attname))
        else:
            out.append(lambda o, f=f: f.get_db_prep_save(getattr(o, f.attname), connection))
    return out


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)
