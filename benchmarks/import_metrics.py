"""Importing system metrics for a cycle from an XLSX file, against the floor: a raw
bulk update writing the same values into the same appraisal rows. The import reads
the workbook, checks every row, locks, writes and audits in bulk.

    python benchmarks/import_metrics.py --rows 10000 --db sqlite|postgres
"""

from __future__ import annotations

import argparse
import time

from _setup import build_company, use_database

METRICS = {
    "sales_completion": "0.9",
    "inquiry_conversion": "0.45",
    "payment_success": "0.8",
    "avg_order_value": "180",
    "reply_rate": "0.98",
    "response_time": "28",
}
TARGETS = {"inquiry_conversion": "0.5", "payment_success": "0.8", "avg_order_value": "200"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    people = max(1, args.rows // len(METRICS))
    print(f"import metrics: {people * len(METRICS)} rows ({people} e-commerce agents) on {args.db}")
    use_database(args.db)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from engine.appraisals import services
    from engine.appraisals.models import Appraisal
    from engine.imports import sheets
    from engine.imports.services import import_file

    co, hr = build_company(people, pack="customer_service", role="ecommerce_agent")
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=co,
        kind="month",
        period="2026-10",
        targets={"customer_service": {"ecommerce_agent": TARGETS}},
    )
    apps = list(Appraisal.objects.filter(cycle=cycle).select_related("employee"))
    rows = [
        {"number": a.employee.number, "indicator": code, "value": value}
        for a in apps
        for code, value in METRICS.items()
    ]
    data = sheets.template("metrics", rows)
    t0 = time.perf_counter()
    parsed = sheets.read_rows(data, "metrics", "metrics.xlsx")
    read = time.perf_counter() - t0
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        report = import_file(
            actor=hr, company=co, kind="metrics", data=data, filename="m.xlsx", cycle=cycle
        )
        took = time.perf_counter() - t0
    assert report.ok and report.created == len(parsed), report.as_dict()["errors"][:3]

    # The floor: the same values written raw into the same rows, nothing else.
    for a in apps:
        a.values = {"system": dict(METRICS), "floor": True}
    t0 = time.perf_counter()
    with transaction.atomic():
        Appraisal.objects.bulk_update(apps, ["values"], batch_size=1000)
    floor = time.perf_counter() - t0
    print(f"  reading the workbook alone: {read:.2f}s")
    print(
        f"  imported {report.created} values into {len(apps)} appraisals in {took:.2f}s "
        f"with {len(q)} queries"
    )
    print(f"  floor (raw bulk update of the same rows): {floor:.2f}s")
    print(f"  ratio: {took / floor:.2f}x (workbook reading included)")
    print(f"  ratio without reading the workbook: {(took - read) / floor:.2f}x")


if __name__ == "__main__":
    main()
