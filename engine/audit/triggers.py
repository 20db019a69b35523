"""Database triggers that make the audit table append-only on SQLite and PostgreSQL.

TRUNCATE is left alone on PostgreSQL: it is a superuser-level maintenance tool (the
test runner's flush uses it) and `audit verify` detects any rewritten chain anyway.

The chain heads are the one trail table the runtime role updates (every append moves
its chain's head). A second trigger lets a head move only forward, and only onto its
chain's newest event: whoever holds UPDATE on the heads can no longer roll a chain back
or point it at a hash that is not on the chain. Only the tables' owner can drop it.

A third moves the head itself: every insert of events moves its chain's head onto the
newest of them in the same statement, so an append is one round trip rather than two
(a step's POST appends up to three times) and no writer can forget the head. On
PostgreSQL it runs once per statement over the inserted rows (a transition table); on
SQLite once per row, each row inserted in sequence order.
"""

from __future__ import annotations

from django.db import connections

TABLE = "audit_auditevent"
HEADS = "audit_auditchainhead"
MESSAGE = "audit trail is append-only"
HEAD_MESSAGE = "an audit chain head moves only forward, onto the newest event of its chain"
# The head's new place, when it moved: an event of its chain with that sequence number
# and hash, and none after it.
_HEAD_STRAYS = (
    "NEW.chain <> OLD.chain OR NEW.last_seq < OLD.last_seq OR ("
    "(NEW.last_seq <> OLD.last_seq OR NEW.last_hash <> OLD.last_hash) AND ("
    f"NOT EXISTS (SELECT 1 FROM {TABLE} e WHERE e.chain = NEW.chain "
    "AND e.seq = NEW.last_seq AND e.hash = NEW.last_hash) "
    f"OR EXISTS (SELECT 1 FROM {TABLE} e WHERE e.chain = NEW.chain AND e.seq > NEW.last_seq)))"
)

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_head_moves AFTER INSERT ON {TABLE} "
    f"BEGIN UPDATE {HEADS} SET last_seq = NEW.seq, last_hash = NEW.hash "
    "WHERE chain = NEW.chain AND last_seq < NEW.seq; END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_head_follows_events BEFORE UPDATE ON {HEADS} "
    f"WHEN {_HEAD_STRAYS} BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END;",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_follows_events;",
    "DROP TRIGGER IF EXISTS audit_head_moves;",
]
_PG_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;",
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {TABLE};",
    f"CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
    "CREATE OR REPLACE FUNCTION audit_head_follows_events() RETURNS trigger AS $$ "
    f"BEGIN IF {_HEAD_STRAYS} THEN RAISE EXCEPTION '{HEAD_MESSAGE}'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql;",
    f"DROP TRIGGER IF EXISTS audit_head_follows_events ON {HEADS};",
    f"CREATE TRIGGER audit_head_follows_events BEFORE UPDATE ON {HEADS} "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_follows_events();",
    "CREATE OR REPLACE FUNCTION audit_head_moves() RETURNS trigger AS $$ "
    f"BEGIN UPDATE {HEADS} h SET last_seq = n.seq, last_hash = n.hash FROM ("
    "SELECT DISTINCT ON (chain) chain, seq, hash FROM new_events ORDER BY chain, seq DESC"
    ") n WHERE h.chain = n.chain AND h.last_seq < n.seq; RETURN NULL; END; $$ LANGUAGE plpgsql;",
    f"DROP TRIGGER IF EXISTS audit_head_moves ON {TABLE};",
    f"CREATE TRIGGER audit_head_moves AFTER INSERT ON {TABLE} "
    "REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION audit_head_moves();",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_head_follows_events ON {HEADS};",
    f"DROP TRIGGER IF EXISTS audit_head_moves ON {TABLE};",
]


def _statements(vendor: str, create: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_CREATE if create else _SQLITE_DROP
    if vendor == "postgresql":
        return _PG_CREATE if create else _PG_DROP
    return []


def install(connection) -> None:
    if not {TABLE, HEADS} <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cur:
        for sql in _statements(connection.vendor, True):
            cur.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cur:
        for sql in _statements(connection.vendor, False):
            cur.execute(sql)


def installed(connection) -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name IN (%s, %s)",
                [TABLE, HEADS],
            )
            return cur.fetchone()[0] == 4
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('audit_event_no_change', 'audit_head_follows_events', 'audit_head_moves') "
                "AND NOT tgisinternal"
            )
            return cur.fetchone()[0] == 3
    return False


def ensure_triggers_after_migrate(sender, using="default", **kwargs) -> None:
    if getattr(sender, "label", None) != "audit":
        return
    install(connections[using])
