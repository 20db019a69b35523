"""The deadline sweep over 100,000 open steps of which a fraction is due (month-end:
all of them): seconds of the first sweep, the ratio to the floor — a raw set-based
insert of the same notification, outbox and audit rows into copies of their tables,
and a raw update stamping the same steps with the same values — and the rows the
second sweep adds (must be 0).

    python benchmarks/sweep.py --steps 100000 --due-fraction 1.0 --db postgres
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import sqlite3
import subprocess
import time
import zoneinfo

from _floor import insert_floor
from _setup import build_company, save_as, use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--due-fraction", type=float, default=0.1)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--save-as", default="", help="PostgreSQL: keep the built data as")
    parser.add_argument("--start-from", default="", help="PostgreSQL: data kept by --save-as")
    args = parser.parse_args()
    print(f"sweep: {args.steps} open steps on {args.db}")
    use_database(args.db, template=args.start_from)

    from django.db import connection

    from engine import clock
    from engine.appraisals.models import AppraisalStep
    from engine.deadlines.sweep import sweep

    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    if args.start_from:
        print(f"  started from {args.start_from}: {AppraisalStep.objects.count()} steps")
    else:
        _build(args, zone)
    if args.save_as:
        save_as(args.save_as)
    with connection.cursor() as cur:  # as autovacuum will have, by month-end
        cur.execute("ANALYZE")
    clock.set_now(dt.datetime(2026, 11, 12, 9, tzinfo=zone))
    marks = {
        m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in TABLES()
    }
    steps = _snapshot_steps()
    twin = _twin(args.db)
    t0 = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        first = prof.runcall(sweep)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    else:
        first = sweep()
    elapsed = time.perf_counter() - t0
    print(f"  first sweep: {elapsed:.2f}s — {first.as_dict()}")
    stamped = _stamped(steps)
    stamping = _stamp_floor(steps, twin)
    inserts, rows = insert_floor(marks)
    floor = inserts + stamping
    print(
        f"  floor (raw insert of the same {rows} rows, {inserts:.2f}s, and stamp of the same "
        f"{stamped} steps, {stamping:.2f}s): {floor:.2f}s → ratio {elapsed / floor:.2f}×"
    )
    print(f"  (the inserts alone, as the floor was before: {elapsed / inserts:.2f}×)")
    from engine.notifications.models import Delivery

    without_outbox = {m: last for m, last in marks.items() if m is not Delivery}
    narrow, narrow_rows = insert_floor(without_outbox)
    print(
        f"  (notification and audit rows alone, {narrow_rows}: {narrow:.2f}s → "
        f"{elapsed / narrow:.2f}×; the sweep also writes their outbox rows)"
    )
    if args.db == "postgres":
        bare, _ = insert_floor(marks, bare=True)
        print(
            f"  (into unlogged temporary copies without foreign keys: {bare:.2f}s → "
            f"{elapsed / bare:.2f}×; the real tables cannot be written that way)"
        )
    with connection.cursor() as cur:
        for table in steps:
            cur.execute(f"DROP TABLE pre_{table}")
            cur.execute(f"DROP TABLE stamp_{table}")
    counts = {m: m.objects.count() for m in TABLES()}
    second = sweep()
    added = sum(m.objects.count() - n for m, n in counts.items())
    print(f"  second sweep: {second.as_dict()}, {added} rows added")


def _build(args, zone) -> None:
    """A month opened for `--steps / 4` employees, every step open, a fraction due."""
    from engine import clock
    from engine.appraisals import services
    from engine.appraisals.models import AppraisalStep

    clock.set_now(dt.datetime(2026, 10, 31, 9, tzinfo=zone))
    co, hr = build_company(args.steps // 4)
    services.cycle_open(targets_later=True, actor=hr, company=co, kind="month", period="2026-10")
    # Every step open; one in ten due (its reminder, due-day reminder or due moment passed).
    AppraisalStep.objects.update(state="open")
    ids = list(AppraisalStep.objects.order_by("pk").values_list("pk", flat=True))
    every = max(1, round(1 / args.due_fraction)) if args.due_fraction > 0 else len(ids) + 1
    due_ids = ids[::every]
    future = dt.datetime(2027, 1, 1, tzinfo=zone)
    AppraisalStep.objects.exclude(pk__in=due_ids).update(
        remind_before_at=future, remind_due_at=future, due_at=future
    )
    print(f"  {len(ids)} open steps, {len(due_ids)} due")


def TABLES():
    from engine.audit.models import AuditEvent
    from engine.notifications.models import Delivery, Notification

    return [Notification, Delivery, AuditEvent]


STAMPS = ("reminded_before_at", "reminded_due_at", "overdue_at")


def _step_tables() -> list[str]:
    from engine.deadlines.sweep import step_kinds

    return [k.model._meta.db_table for k in step_kinds()]


def _snapshot_steps() -> list[str]:
    """Every step table as it is before the sweep (`pre_<table>`), for `_stamped` to
    find what the sweep stamped."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in _step_tables():
            cur.execute(f"DROP TABLE IF EXISTS pre_{table}")
            cur.execute(f"CREATE TABLE pre_{table} AS SELECT * FROM {table}")
    return _step_tables()


def _stamped(steps: list[str]) -> int:
    """The steps the sweep stamped: a stamp column that changed (`stamp_<table>`, with
    the values the sweep wrote)."""
    from django.db import connection

    n = 0
    changed = " OR ".join(f"s.{c} IS NOT p.{c}" for c in STAMPS)
    if connection.vendor == "postgresql":
        changed = " OR ".join(f"s.{c} IS DISTINCT FROM p.{c}" for c in STAMPS)
    with connection.cursor() as cur:
        for table in steps:
            cur.execute(f"DROP TABLE IF EXISTS stamp_{table}")
            cur.execute(
                f"CREATE TABLE stamp_{table} AS SELECT s.id, {', '.join(f's.{c}' for c in STAMPS)} "
                f"FROM {table} s JOIN pre_{table} p ON p.id = s.id WHERE {changed}"
            )
            cur.execute(f"SELECT count(*) FROM stamp_{table}")
            n += cur.fetchone()[0]
    return n


def _twin(kind: str):
    """A connection to a copy of the whole database as it is now, before the sweep
    (PostgreSQL: a database made from it as a template; SQLite: a copy of the file), in
    which the floor stamps the steps: the same tables in the same state, pages, free
    room and indexes as the sweep meets. Dropped at exit."""
    from django.db import connection, connections

    if kind == "sqlite":
        import shutil
        import tempfile

        path = f"{tempfile.mkdtemp()}/twin.sqlite3"
        connections.close_all()
        shutil.copy(connection.settings_dict["NAME"], path)
        return sqlite3.connect(path, isolation_level=None)
    import psycopg

    name = connection.settings_dict["NAME"]
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    connections.close_all()
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}_twin TEMPLATE {name}"],
        check=True,
    )
    drop = f"DROP DATABASE IF EXISTS {name}_twin WITH (FORCE)"
    atexit.register(lambda: subprocess.run(["psql", f"{base}/postgres", "-qc", drop]))
    return psycopg.connect(f"{base}/{name}_twin", autocommit=True)


def _stamp_floor(steps: list[str], twin) -> float:
    """Seconds to stamp, in the twin (`_twin`), the steps the sweep stamped with the
    values it wrote (`_stamped`): one UPDATE … FROM per step table, committed — the one
    write of those rows a sweep cannot do without."""
    from django.db import connection

    pg = not isinstance(twin, sqlite3.Connection)
    for table in steps:
        with connection.cursor() as cur:
            cur.execute(f"SELECT id, {', '.join(STAMPS)} FROM stamp_{table}")
            values = cur.fetchall()
        cur = twin.cursor()
        columns = ", ".join(STAMPS)
        cur.execute(f"CREATE TABLE stamp_{table} AS SELECT id, {columns} FROM {table} WHERE 1 = 0")
        if pg:
            with cur.copy(f"COPY stamp_{table} FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cur.executemany(f"INSERT INTO stamp_{table} VALUES (?, ?, ?, ?)", values)
        cur.execute(f"ANALYZE stamp_{table}")
    t0 = time.perf_counter()
    cur = twin.cursor()
    cur.execute("BEGIN")
    for table in steps:
        stamps = ", ".join(f"{c} = f.{c}" for c in STAMPS)
        cur.execute(f"UPDATE {table} SET {stamps} FROM stamp_{table} f WHERE {table}.id = f.id")
    cur.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    twin.close()
    return elapsed


if __name__ == "__main__":
    main()
