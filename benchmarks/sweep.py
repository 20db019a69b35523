"""The deadline sweep over 100,000 open steps of which 10% are due: seconds of the
first sweep (target ≤ 5 s on PostgreSQL) and writes of the second (must be 0).

    python benchmarks/sweep.py --steps 100000 --db sqlite|postgres
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
    args = parser.parse_args()
    print(f"sweep: {args.steps} open steps on {args.db}")
    use_database(args.db)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
    due_ids = ids[::10]
    future = dt.datetime(2027, 1, 1, tzinfo=zone)
    AppraisalStep.objects.exclude(pk__in=due_ids).update(
        remind_before_at=future, remind_due_at=future, due_at=future
    )
    print(f"  {len(ids)} open steps, {len(due_ids)} due")
    clock.set_now(dt.datetime(2026, 11, 12, 9, tzinfo=zone))
    t0 = time.perf_counter()
    first = sweep()
    elapsed = time.perf_counter() - t0
    print(f"  first sweep: {elapsed:.2f}s — {first.as_dict()}")
    with CaptureQueriesContext(connection) as q:
        second = sweep()
    writes = [
        x
        for x in q.captured_queries
        if x["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    print(f"  second sweep: {second.as_dict()}, {len(writes)} writes")


if __name__ == "__main__":
    main()
