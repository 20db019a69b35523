"""The few spellings in which PostgreSQL and SQLite differ, for the set-based writers
(the sweep, the audit trail, the outbox) whose statements are otherwise one text on
both databases. Functions both have under one name (`jixiao_chain`, `jixiao_json`,
`jixiao_sha256`) are in engine/audit/chain_sql.py."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def postgres() -> bool:
    return connection.vendor == "postgresql"


def json_in(expr: str) -> str:
    """A JSON column's value from JSON text."""
    return f"CAST({expr} AS jsonb)" if postgres() else expr


def json_object() -> str:
    """The function that builds a JSON object from key, value, … arguments."""
    return "jsonb_build_object" if postgres() else "json_object"


def json_array_has(array: str, value: str) -> str:
    """Whether a JSON array of strings (NULL: empty) holds the value."""
    if postgres():
        return f"coalesce({array} ? {value}, false)"
    return f"EXISTS (SELECT 1 FROM json_each({array}) WHERE json_each.value = {value})"


def json_rows(name: str, columns: Iterable[tuple[str, str]], alias: str) -> str:
    """A FROM item `alias` of the rows in parameter `name` (`rows_param`): JSON text of
    an array of objects, with `columns` (key, PostgreSQL type: bigint, integer,
    boolean, text, timestamptz, json — a JSON value, for a JSON column). Python sends
    thousands of rows as one string, which both databases read in C (an opening's
    appraisals and steps, a batch of audit events, an import's values); an array per
    column costs more: Django's client-side binding quotes each element in Python."""
    q = connection.ops.quote_name
    columns = list(columns)
    if postgres():
        typed = ", ".join(f"{q(key)} {kind}" for key, kind in columns)
        return f"json_to_recordset(CAST(%({name})s AS json)) AS {alias}({typed})"
    read = ", ".join(f"value ->> '{key}' AS {q(key)}" for key, _ in columns)
    return f"(SELECT {read} FROM json_each(%({name})s)) {alias}"


def rows_param(
    name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]
) -> dict:
    """The parameter `json_rows(name, columns, …)` reads, from `rows` of one value per
    column (None: NULL; a `json` column's as the value itself)."""
    keys = [key for key, _ in columns]
    return {
        name: json.dumps([dict(zip(keys, row, strict=True)) for row in rows], ensure_ascii=False)
    }


def in_ids(column: str, name: str) -> str:
    """`column` is one of the ids passed as parameter `name` (see `ids`)."""
    if postgres():
        return f"{column} = ANY(CAST(%({name})s AS bigint[]))"
    return f"{column} IN (SELECT value FROM json_each(%({name})s))"


def ids(values: Iterable[int]) -> str:
    """The parameter `in_ids` reads: the text of an array on PostgreSQL, of JSON on
    SQLite. Text on both: the sweep passes 25,000 ids at a time, which psycopg adapts
    as a list one element at a time in Python (about 9 µs each)."""
    text = ",".join(str(int(v)) for v in values)
    return "{" + text + "}" if postgres() else "[" + text + "]"


def date_text(expr: str) -> str:
    """A date as YYYY-MM-DD (SQLite stores it so)."""
    return f"to_char({expr}, 'YYYY-MM-DD')" if postgres() else expr


def hours_between(later: str, earlier: str) -> str:
    if postgres():
        return f"(extract(epoch FROM ({later} - {earlier})) / 3600)"
    return f"((julianday({later}) - julianday({earlier})) * 24)"


def ordered_concat(expr: str, sep: str, order: str) -> str:
    """The aggregate of texts joined by `sep` in `order` (NULLs left out); on SQLite
    `jixiao_concat`, registered on each connection (engine/audit/chain_sql.py)."""
    if postgres():
        return f"string_agg({expr}, {sep} ORDER BY {order})"
    return f"jixiao_concat({expr}, {sep}, {order})"


# A column of `json_rows`: (name, type).
Column = tuple[str, str]


def update_rows(table: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> int:
    """`UPDATE table … FROM json_rows(…)`, one statement: each row's columns set on the
    table's row whose first column (the key) matches. Returns how many rows it updated."""
    q = connection.ops.quote_name
    key = q(columns[0][0])
    sets = ", ".join(f"{q(c)} = src.{q(c)}" for c, _ in columns[1:])
    sql = (
        f"UPDATE {q(table)} SET {sets} FROM {json_rows('src', columns, 'src')} "
        f"WHERE {q(table)}.{key} = src.{key}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, rows_param("src", columns, rows))
        return cur.rowcount
