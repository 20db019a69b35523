"""Opening a month for N employees, against the floor: a raw `INSERT … SELECT` of
exactly the rows the opening wrote (appraisals, steps, audit events, notifications,
outbox rows) into logged copies of their tables with the same indexes, unique and
foreign keys, committed. Target: ≤ 2× the floor.

    python benchmarks/cycle_open.py --employees 10000 --db sqlite|postgres
"""

from __future__ import annotations

import argparse
import time

from _floor import insert_floor, last_ids
from _setup import build_company, use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(f"cycle_open: {args.employees} employees on {args.db}")
    use_database(args.db)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engine.appraisals import services
    from engine.appraisals.models import Appraisal, AppraisalStep
    from engine.audit.models import AuditEvent
    from engine.notifications.models import Delivery, Notification

    co, hr = build_company(args.employees)
    # parents first: the floor inserts in this order
    marks = last_ids([Appraisal, AppraisalStep, AuditEvent, Notification, Delivery])
    with CaptureQueriesContext(connection) as q:
        t0, c0 = time.perf_counter(), time.process_time()
        cycle = services.cycle_open(
            targets_later=True, actor=hr, company=co, kind="month", period="2026-10"
        )
        opened, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = Appraisal.objects.filter(cycle=cycle).count()
    steps = AppraisalStep.objects.filter(appraisal__cycle=cycle).count()
    print(
        f"  opened {n} appraisals, {steps} steps in {opened:.2f}s "
        f"({cpu:.2f}s of it this process's CPU) with {len(q)} queries"
    )
    floor, rows = insert_floor(marks)
    print(f"  floor (raw INSERT … SELECT of the same {rows} rows): {floor:.2f}s")
    print(f"  ratio: {opened / floor:.2f}× (target ≤ 2×)")
    if args.db == "postgres":
        bare, _ = insert_floor(marks, bare=True)
        print(
            f"  (into unlogged temporary copies without foreign keys: {bare:.2f}s → "
            f"{opened / bare:.2f}×; the real tables cannot be written that way)"
        )


if __name__ == "__main__":
    main()
