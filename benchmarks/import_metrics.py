"""Importing system metrics for a cycle from an XLSX file, against the floor: a raw
set-based update writing the same values into the same appraisal rows (`UPDATE …
FROM unnest(…)` on PostgreSQL, `UPDATE … FROM json_each(…)` on SQLite) plus a raw
insert of the audit rows the import appended (copied into a table of the same shape),
in one committed transaction. The import reads the workbook, checks every row, locks,
writes and audits.

    python benchmarks/import_metrics.py --rows 10000 --db sqlite|postgres
"""

from __future__ import annotations

import argparse
import json
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


def psycopg_cursor(connection):
    import psycopg

    return psycopg.Cursor(connection.connection)


def _floor(apps: list, last_event: int) -> tuple[float, int]:
    """Seconds to write, raw and set-based, what the import wrote: each appraisal's
    `values` as stored after the import, in one UPDATE … FROM, and the audit rows it
    appended (ids above `last_event`), in one INSERT … SELECT into a copy of the audit
    table (on PostgreSQL with the same columns, indexes and foreign keys), committed."""
    from django.db import connection, transaction

    from engine.appraisals.models import Appraisal
    from engine.audit.models import AuditEvent

    pg = connection.vendor == "postgresql"
    table, audit = Appraisal._meta.db_table, AuditEvent._meta.db_table
    stored = {a.pk: a.values for a in Appraisal.objects.filter(pk__in=[a.pk for a in apps])}
    ids = list(stored)
    texts = [json.dumps(stored[i]) for i in ids]
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TABLE floor_audit AS SELECT * FROM {audit} WHERE id > %s", [last_event]
        )
        cur.execute("SELECT count(*) FROM floor_audit")
        events = cur.fetchone()[0]
        if pg:
            cur.execute(f"CREATE TABLE into_audit (LIKE {audit} INCLUDING ALL)")
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [audit],
            )
            for name, definition in cur.fetchall():
                cur.execute(f"ALTER TABLE into_audit ADD CONSTRAINT f_{name} {definition}")
            update = (
                f'UPDATE {table} SET "values" = CAST(s.v AS jsonb) '
                f"FROM unnest(%b::bigint[], %b::text[]) AS s(id, v) WHERE {table}.id = s.id"
            )
            params = [ids, texts]
        else:
            cur.execute(f"CREATE TABLE into_audit AS SELECT * FROM {audit} WHERE 0")
            update = (
                f"UPDATE {table} SET \"values\" = s.v FROM (SELECT json_extract(value, '$[0]') "
                "AS id, json_extract(value, '$[1]') AS v FROM json_each(%s)) AS s "
                f"WHERE {table}.id = s.id"
            )
            params = [json.dumps([[i, t] for i, t in zip(ids, texts, strict=True)])]
        # PostgreSQL: the arrays bound as binary parameters by a server-side binding
        # cursor (Django's client-side binding would quote each element in Python).
        raw = psycopg_cursor(connection) if pg else cur
        t0 = time.perf_counter()
        with transaction.atomic():
            raw.execute(update, params)
            assert raw.rowcount == len(ids), raw.rowcount
            raw.execute("INSERT INTO into_audit SELECT * FROM floor_audit")
        elapsed = time.perf_counter() - t0
        cur.execute("DROP TABLE floor_audit")
        cur.execute("DROP TABLE into_audit")
    return elapsed, events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    people = max(1, args.rows // len(METRICS))
    print(f"import metrics: {people * len(METRICS)} rows ({people} e-commerce agents) on {args.db}")
    use_database(args.db)

    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from engine.appraisals import services
    from engine.appraisals.models import Appraisal
    from engine.audit.models import AuditEvent
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
    last_event = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    with CaptureQueriesContext(connection) as q:
        t0 = time.perf_counter()
        report = import_file(
            actor=hr, company=co, kind="metrics", data=data, filename="m.xlsx", cycle=cycle
        )
        took = time.perf_counter() - t0
    assert report.ok and report.created == len(parsed), report.as_dict()["errors"][:3]

    floor, events = _floor(apps, last_event)
    print(f"  reading the workbook alone: {read:.3f}s")
    print(
        f"  imported {report.created} values into {len(apps)} appraisals in {took:.3f}s "
        f"with {len(q)} queries, {events} audit rows"
    )
    print(f"  floor (raw UPDATE … FROM of the same rows + INSERT of its audit rows): {floor:.3f}s")
    print(f"  ratio: {took / floor:.2f}x (workbook reading included)")
    print(f"  ratio without reading the workbook: {(took - read) / floor:.2f}x")


if __name__ == "__main__":
    main()
