"""SQL functions the set-based writers use, with the same name and result on
PostgreSQL (created by a migration) and SQLite (registered on each connection, by
`connection_created`), so that one statement serves both databases:

- `jixiao_chain(prev, payload)`: a running aggregate. Used as a window ordered by
  `seq`, each row gets sha256(previous hash + its canonical payload), the hash
  `engine.audit.canonical.chain_hash` gives and `audit verify` recomputes.
- `jixiao_json(text)`: the text as a JSON string, as `json.dumps(…, ensure_ascii=False)`
  writes it (the canonical form of a string).
- `jixiao_sha256(text)`: the hex SHA-256 of the text's UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import json

INSTALL = [
    """
    CREATE OR REPLACE FUNCTION jixiao_chain_step(state text, prev text, payload text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
      RETURN encode(sha256(convert_to(coalesce(state, prev) || payload, 'UTF8')), 'hex');
    END $$
    """,
    "CREATE OR REPLACE AGGREGATE jixiao_chain(text, text) (SFUNC = jixiao_chain_step, STYPE = text)",
    "CREATE OR REPLACE FUNCTION jixiao_json(value text) RETURNS text LANGUAGE sql "
    "IMMUTABLE PARALLEL SAFE AS $$ SELECT to_json(value)::text $$",
    "CREATE OR REPLACE FUNCTION jixiao_sha256(value text) RETURNS text LANGUAGE sql "
    "IMMUTABLE PARALLEL SAFE AS $$ SELECT encode(sha256(convert_to(value, 'UTF8')), 'hex') $$",
]
DROP = [
    "DROP AGGREGATE IF EXISTS jixiao_chain(text, text)",
    "DROP FUNCTION IF EXISTS jixiao_chain_step(text, text, text)",
    "DROP FUNCTION IF EXISTS jixiao_json(text)",
    "DROP FUNCTION IF EXISTS jixiao_sha256(text)",
]


def install(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in INSTALL:
                cur.execute(sql)


def drop(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in DROP:
                cur.execute(sql)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Chain:
    """`jixiao_chain` for SQLite: a window function over a frame that only grows."""

    def __init__(self) -> None:
        self.state: str | None = None

    def step(self, prev: str, payload: str) -> None:
        self.state = _sha256((self.state if self.state is not None else prev) + payload)

    def value(self) -> str | None:
        return self.state

    def inverse(self, prev: str, payload: str) -> None:
        raise NotImplementedError("jixiao_chain runs over UNBOUNDED PRECEDING frames only")

    def finalize(self) -> str | None:
        return self.state


class _Concat:
    """`jixiao_concat(text, separator, order)` for SQLite: `string_agg(text, separator
    ORDER BY order)` (SQLite's own group_concat takes no order before 3.44)."""

    def __init__(self) -> None:
        self.parts: list[tuple] = []
        self.sep = ""

    def step(self, text, sep, order) -> None:
        self.sep = sep
        if text is not None:
            self.parts.append((order, str(text)))

    def finalize(self) -> str | None:
        return self.sep.join(t for _, t in sorted(self.parts)) if self.parts else None


def _json(value):
    return None if value is None else json.dumps(str(value), ensure_ascii=False)


def register_sqlite(sender, connection, **kwargs) -> None:
    """connection_created: give each SQLite connection the functions above."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_window_function("jixiao_chain", 2, _Chain)
    raw.create_aggregate("jixiao_concat", 3, _Concat)
    raw.create_function("jixiao_json", 1, _json, deterministic=True)
    raw.create_function(
        "jixiao_sha256", 1, lambda v: None if v is None else _sha256(str(v)), deterministic=True
    )
