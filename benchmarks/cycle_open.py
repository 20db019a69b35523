"""Opening a cycle for N employees, against the floor: a raw bulk insert of the same
appraisal and step rows. Target: ≤ 3× the floor.

    python benchmarks/cycle_open.py --employees 10000 --db sqlite|postgres
"""

from __future__ import annotations

import argparse
import time

from _setup import build_company, use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(f"cycle_open: {args.employees} employees on {args.db}")
    use_database(args.db)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from engine.appraisals import services
    from engine.appraisals.models import Appraisal, AppraisalStep, Cycle

    co, hr = build_company(args.employees)
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        cycle = services.cycle_open(
            targets_later=True, actor=hr, company=co, kind="month", period="2026-10"
        )
        opened = time.perf_counter() - t0
    n = Appraisal.objects.filter(cycle=cycle).count()

    # The floor: the same rows, inserted raw in the same chunks, nothing else.
    appraisals = list(Appraisal.objects.filter(cycle=cycle).order_by("pk"))
    steps = list(AppraisalStep.objects.filter(appraisal__cycle=cycle).order_by("pk"))
    by_app: dict[int, list] = {}
    for s in steps:
        by_app.setdefault(s.appraisal_id, []).append(s)
    with transaction.atomic():
        floor_cycle = Cycle.objects.create(
            company=co,
            kind="month",
            period="2026-11",
            start=cycle.start,
            end=cycle.end,
            opened_at=cycle.opened_at,
        )
    t0 = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(appraisals), 1000):
            part = appraisals[start : start + 1000]
            old_ids = [a.pk for a in part]
            for a in part:
                a.pk, a.id, a.cycle_id = None, None, floor_cycle.pk
            Appraisal.objects.bulk_create(part, batch_size=1000)
            rows = []
            for old, new in zip(old_ids, part, strict=True):
                for s in by_app[old]:
                    s.pk = s.id = None
                    s.appraisal_id = new.pk
                    rows.append(s)
            AppraisalStep.objects.bulk_create(rows, batch_size=1000)
    floor = time.perf_counter() - t0
    print(f"  opened {n} appraisals, {len(steps)} steps in {opened:.2f}s with {len(q)} queries")
    print(f"  floor (raw bulk insert of the same rows): {floor:.2f}s")
    print(f"  ratio: {opened / floor:.2f}x (target ≤ 3x)")


if __name__ == "__main__":
    main()
