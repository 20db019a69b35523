"""Build an expensive fixture (the demo organisation, its finished months) once per
test process and replay its rows in every later test that asks for it.

Why: the demo took 0.8 s to build per test on SQLite (more on PostgreSQL) and the
full demo with finished months ~30 s, in hundreds of tests. Replaying the rows the
builder wrote is a bulk insert of the same rows with the same keys, so a test sees
exactly the database the builder would have left, audit chain and hashes included.

A replay happens only when the database holds the same number of rows in every table
as when the snapshot was taken (a test that wrote something first gets a real build),
and only when the build changed no row that was already there (otherwise the build is
not cached at all). The clock the builder left is restored with the rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from engine import clock


@dataclass
class _Snapshot:
    counts: dict[str, int]
    rows: dict[str, tuple[list[str], list]]  # table -> (columns, rows) added by the build
    clock_after: object


_SNAPSHOTS: dict[tuple, _Snapshot | None] = {}


def _tables() -> list[str]:
    with connection.cursor() as cur:
        return sorted(connection.introspection.table_names(cur))


def _counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cur:
        union = " UNION ALL ".join(
            f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables
        )
        cur.execute(union)
        return dict(cur.fetchall())


def _dump(table: str) -> tuple[list[str], list]:
    """Every row of a table, in a form that can be written back unchanged: PostgreSQL's
    COPY text lines (types round-trip exactly), SQLite's plain tuples."""
    name = connection.ops.quote_name(table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            buf = io.BytesIO()
            with cur.cursor.copy(f"COPY {name} TO STDOUT") as copy:
                for chunk in copy:
                    buf.write(chunk)
            lines = buf.getvalue().splitlines(keepends=True)
            return [], lines
        cur.execute(f"SELECT * FROM {name}")
        return [c[0] for c in cur.description], cur.fetchall()


def _write(table: str, columns: list[str], rows: list) -> None:
    name = connection.ops.quote_name(table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                copy.write(b"".join(rows))
            return
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        cur.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", rows)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest key written
    sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cur:
        for statement in sql:
            cur.execute(statement)


def _take(build: Callable[[], object]) -> _Snapshot | None:
    tables = _tables()
    before = {t: _dump(t) for t in tables}
    counts = {t: len(rows) for t, (_, rows) in before.items()}
    build()
    added: dict[str, tuple[list[str], list]] = {}
    for t in tables:
        columns, rows = _dump(t)
        old = set(before[t][1])
        if not old <= set(rows):
            return None  # the build changed a row that was there: not replayable
        new = [r for r in rows if r not in old]
        if new:
            added[t] = (columns, new)
    return _Snapshot(counts=counts, rows=added, clock_after=clock._global["fixed"])


def build_once(key: tuple, build: Callable[[], object]) -> None:
    """Run `build`, or replay the rows it wrote the first time this process ran it with
    the same key and the same clock."""
    full_key = (connection.vendor, connection.settings_dict["NAME"], clock._global["fixed"], *key)
    if full_key not in _SNAPSHOTS:
        with transaction.atomic():
            _SNAPSHOTS[full_key] = _take(build)
        return
    snap = _SNAPSHOTS[full_key]
    if snap is None or _counts(sorted(snap.counts)) != snap.counts:
        build()
        return
    with transaction.atomic():
        for table, (columns, rows) in snap.rows.items():
            _write(table, columns, rows)
        _reset_sequences()
    clock._global["fixed"] = snap.clock_after
