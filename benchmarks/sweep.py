"""The deadline sweep over 100,000 open steps of which a fraction is due (month-end:
all of them): seconds of the first sweep, the ratio to the floor — a raw set-based
insert of the same notification, outbox and audit rows into copies of their tables —
and the rows the second sweep adds (must be 0).

    python benchmarks/sweep.py --steps 100000 --due-fraction 1.0 --db postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import zoneinfo

from _setup import build_company, use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--due-fraction", type=float, default=0.1)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    print(f"sweep: {args.steps} open steps on {args.db}")
    use_database(args.db)

    from engine import clock
    from engine.appraisals import services
    from engine.appraisals.models import AppraisalStep
    from engine.deadlines.sweep import sweep

    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
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
    clock.set_now(dt.datetime(2026, 11, 12, 9, tzinfo=zone))
    marks = {
        m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in TABLES()
    }
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
    floor, rows = _floor(marks)
    print(
        f"  floor (raw insert of the same {rows} rows): {floor:.2f}s → ratio {elapsed / floor:.2f}×"
    )
    from engine.notifications.models import Delivery

    without_outbox = {m: last for m, last in marks.items() if m is not Delivery}
    narrow, narrow_rows = _floor(without_outbox)
    print(
        f"  (notification and audit rows alone, {narrow_rows}: {narrow:.2f}s → "
        f"{elapsed / narrow:.2f}×; the sweep also writes their outbox rows)"
    )
    if args.db == "postgres":
        bare, _ = _floor(marks, bare=True)
        print(
            f"  (into unlogged temporary copies without foreign keys: {bare:.2f}s → "
            f"{elapsed / bare:.2f}×; the real tables cannot be written that way)"
        )
    counts = {m: m.objects.count() for m in TABLES()}
    second = sweep()
    added = sum(m.objects.count() - n for m, n in counts.items())
    print(f"  second sweep: {second.as_dict()}, {added} rows added")


def TABLES():
    from engine.audit.models import AuditEvent
    from engine.notifications.models import Delivery, Notification

    return [Notification, Delivery, AuditEvent]


def _floor(marks: dict, bare: bool = False) -> tuple[float, int]:
    """Seconds to insert the rows the sweep wrote, set-based, into copies of their
    tables: on PostgreSQL ordinary (logged) tables with the same columns, defaults,
    indexes, checks and foreign keys, committed — what a raw insert of those rows into
    the real tables costs, without the sweep's work of deciding and composing them.
    `bare`: temporary tables (no write-ahead log) without foreign keys, for reference."""
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
            if pg and bare:
                cur.execute(f"CREATE TEMP TABLE into_{table} (LIKE {table} INCLUDING ALL)")
            elif pg:
                cur.execute(f"CREATE TABLE into_{table} (LIKE {table} INCLUDING ALL)")
                cur.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cur.fetchall():
                    cur.execute(f"ALTER TABLE into_{table} ADD CONSTRAINT f_{name} {definition}")
            else:
                cur.execute(f"CREATE TABLE into_{table} AS SELECT * FROM {table} WHERE 0")
        t0 = time.perf_counter()
        with transaction.atomic():
            for model in marks:
                table = model._meta.db_table
                cur.execute(f"INSERT INTO into_{table} SELECT * FROM floor_{table}")
        elapsed = time.perf_counter() - t0
        for model in marks:
            cur.execute(f"DROP TABLE floor_{model._meta.db_table}")
            cur.execute(f"DROP TABLE into_{model._meta.db_table}")
    return elapsed, rows


if __name__ == "__main__":
    main()
