"""The chain hash computed by PostgreSQL itself, for the bulk paths that append tens
of thousands of events at once (the month-end sweep) without bringing each row to
Python. `jixiao_chain(prev, payload)` is a running aggregate: used as a window
ordered by `seq`, each row gets sha256(previous hash + its canonical payload) — the
hash `engine.audit.canonical.chain_hash` gives, which `audit verify` recomputes."""

from __future__ import annotations

INSTALL = [
    """
    CREATE OR REPLACE FUNCTION jixiao_chain_step(state text, prev text, payload text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
      RETURN encode(sha256(convert_to(coalesce(state, prev) || payload, 'UTF8')), 'hex');
    END $$
    """,
    "CREATE OR REPLACE AGGREGATE jixiao_chain(text, text) (SFUNC = jixiao_chain_step, STYPE = text)",
]
DROP = [
    "DROP AGGREGATE IF EXISTS jixiao_chain(text, text)",
    "DROP FUNCTION IF EXISTS jixiao_chain_step(text, text, text)",
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
