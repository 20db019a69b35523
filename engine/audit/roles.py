"""Two database roles on PostgreSQL (docs/operations.md, "Database roles"): the owner
migrates (JIXIAO_DATABASE_OWNER_URL) and owns every table, trigger and function; the
runtime role the web and worker processes connect as (DATABASE_URL) may only read and
append the audit trail. It is not the tables' owner, so it cannot drop or disable the
append-only triggers, and it holds no UPDATE, DELETE or TRUNCATE on the events.

The chain heads are the one trail table it updates: every append moves its chain's
head (and `SELECT … FOR UPDATE` needs UPDATE). The owner's trigger on the heads
(engine/audit/triggers.py) lets a head move only forward onto its chain's newest event,
so the runtime role can neither roll a chain back nor point it off the chain, and it
cannot delete or truncate the heads."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection, connections

from .models import AuditChainHead, AuditEvent

EVENTS = AuditEvent._meta.db_table
HEADS = AuditChainHead._meta.db_table
OWNER = "owner"  # the DATABASES alias of JIXIAO_DATABASE_OWNER_URL, when it is set
ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
# What the runtime role must not hold on each trail table.
FORBIDDEN = {
    EVENTS: ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"),
    HEADS: ("DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"),
}


def owner_connection():
    """The connection that migrates and grants: the owner's when configured."""
    return connections[OWNER] if OWNER in settings.DATABASES else connection


def runtime_role() -> str:
    """The role DATABASE_URL connects as."""
    return settings.DATABASES["default"].get("USER") or ""


def grant_runtime(conn, role: str) -> None:
    """As the owner: `role` gets the usual rights on every table and sequence of the
    schema (no TRUNCATE), then only SELECT, INSERT on the events and SELECT, INSERT,
    UPDATE on the chain heads. Run after every migrate (new tables need their grants);
    it changes nothing on SQLite, which has no roles."""
    if conn.vendor != "postgresql":
        return
    if not ROLE.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    who = conn.ops.quote_name(role)
    with conn.cursor() as cur:
        cur.execute("SELECT current_schema()")
        schema = conn.ops.quote_name(cur.fetchone()[0])
        for sql in (
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
            f"REVOKE ALL ON {EVENTS}, {HEADS} FROM {who}, PUBLIC",
            f"GRANT SELECT, INSERT ON {EVENTS} TO {who}",
            f"GRANT SELECT, INSERT, UPDATE ON {HEADS} TO {who}",
        ):
            cur.execute(sql)


def runtime_problems(conn, role: str | None = None) -> list[str]:
    """What lets `role` (the connection's own role by default) change the trail's
    history: being a superuser, owning a trail table (or being a member of its owner),
    or holding a right of FORBIDDEN. Empty on SQLite and when the trail tables do not
    exist yet (migrate first)."""
    if conn.vendor != "postgresql":
        return []
    out = []
    with conn.cursor() as cur:
        if role is None:
            cur.execute("SELECT current_user")
            role = cur.fetchone()[0]
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cur.fetchone()
        if row is None:
            return [f"role {role} does not exist"]
        if row[0]:
            return [f"role {role} is a superuser: it can disable the audit trail's triggers"]
        for table, rights in FORBIDDEN.items():
            cur.execute(
                "SELECT pg_get_userbyid(relowner), pg_has_role(%s, relowner, 'MEMBER') "
                "FROM pg_class WHERE oid = to_regclass(%s)",
                [role, table],
            )
            found = cur.fetchone()
            if found is None:
                continue
            owner, member = found
            if member:
                out.append(
                    f"role {role} owns {table} (its owner is {owner}): it can drop the "
                    "triggers and rewrite the trail; connect as a separate runtime role"
                )
                continue
            held = [r for r in rights if _has(cur, role, table, r)]
            if held:
                out.append(f"role {role} may {', '.join(held)} {table}")
    return out


def _has(cur, role: str, table: str, right: str) -> bool:
    cur.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, right])
    return bool(cur.fetchone()[0])
