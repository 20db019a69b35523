"""The floor of a bulk write: a raw set-based `INSERT … SELECT` of exactly the rows it
wrote into copies of their tables — ordinary (logged) tables with the same columns,
defaults, indexes, unique and foreign keys, committed. What inserting those rows costs
the database, without the work of deciding and composing them."""

from __future__ import annotations

import time


def last_ids(models) -> dict:
    """Each model's highest id now: the rows above it are the ones a write adds."""
    return {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in models}


def insert_floor(marks: dict, bare: bool = False) -> tuple[float, int]:
    """Seconds to insert the rows above `marks` (model → last id before the write), in
    the order given (parents first), in one transaction; and how many rows. `bare`
    (PostgreSQL): temporary tables (no write-ahead log) without foreign keys, for
    reference — the real tables cannot be written that way."""
    from django.db import connection, transaction

    rows, pg = 0, connection.vendor == "postgresql"
    with connection.cursor() as cur:
        for model, last in marks.items():
            table = model._meta.db_table
            cur.execute(f"DROP TABLE IF EXISTS floor_{table}")
            cur.execute(
                f"CREATE TABLE floor_{table} AS SELECT * FROM {table} WHERE id > %s", [last]
            )
            cur.execute(f"SELECT count(*) FROM floor_{table}")
            rows += cur.fetchone()[0]
            cur.execute(f"DROP TABLE IF EXISTS into_{table}")
            if pg:
                _copy_pg(cur, table, bare)
            else:
                _copy_sqlite(cur, table)
        t0 = time.perf_counter()
        with transaction.atomic():
            for model in marks:
                table = model._meta.db_table
                cur.execute(f"INSERT INTO into_{table} SELECT * FROM floor_{table}")
        elapsed = time.perf_counter() - t0
        for model in reversed(list(marks)):
            cur.execute(f"DROP TABLE floor_{model._meta.db_table}")
            cur.execute(f"DROP TABLE into_{model._meta.db_table}")
    return elapsed, rows


def _copy_pg(cur, table: str, bare: bool) -> None:
    if bare:
        cur.execute(f"CREATE TEMP TABLE into_{table} (LIKE {table} INCLUDING ALL)")
        return
    cur.execute(f"CREATE TABLE into_{table} (LIKE {table} INCLUDING ALL)")
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    for name, definition in cur.fetchall():
        cur.execute(f"ALTER TABLE into_{table} ADD CONSTRAINT f_{name} {definition}")


def _copy_sqlite(cur, table: str) -> None:
    """The table's own CREATE TABLE (its foreign keys, checked at the commit as the real
    table's are) and CREATE INDEX statements, renamed; no triggers, as on PostgreSQL."""
    cur.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
        "AND type IN ('table', 'index') ORDER BY type DESC",
        [table],
    )
    for kind, name, sql in cur.fetchall():
        sql = sql.replace(f'"{table}"', f'"into_{table}"', 1 if kind == "table" else -1)
        if kind == "index":
            sql = sql.replace(f'"{name}"', f'"into_{name}"', 1)
        cur.execute(sql)
