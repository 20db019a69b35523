"""Database triggers that make the audit table append-only on SQLite and PostgreSQL.

TRUNCATE is left alone on PostgreSQL: it is a superuser-level maintenance tool (the
test runner's flush uses it) and `audit verify` detects any rewritten chain anyway.
"""

from __future__ import annotations

from django.db import connections

TABLE = "audit_auditevent"
MESSAGE = "audit trail is append-only"

_SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]
_PG_CREATE = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;",
    f"DROP TRIGGER IF EXISTS audit_event_no_change ON {TABLE};",
    f"CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
]
_PG_DROP = [f"DROP TRIGGER IF EXISTS audit_event_no_change ON {TABLE};"]


def _statements(vendor: str, create: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_CREATE if create else _SQLITE_DROP
    if vendor == "postgresql":
        return _PG_CREATE if create else _PG_DROP
    return []


def install(connection) -> None:
    if TABLE not in connection.introspection.table_names():
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
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [TABLE]
            )
            return cur.fetchone()[0] == 2
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname='audit_event_no_change' "
                "AND NOT tgisinternal"
            )
            return cur.fetchone()[0] == 1
    return False


def ensure_triggers_after_migrate(sender, using="default", **kwargs) -> None:
    if getattr(sender, "label", None) != "audit":
        return
    install(connections[using])
