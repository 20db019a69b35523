"""Two roles on PostgreSQL (engine/audit/roles.py): the runtime role the processes
connect as reads and appends the audit trail and writes the other tables as usual, but
cannot UPDATE, DELETE or TRUNCATE the trail nor drop or disable its triggers; and
`production --check` names a runtime role that could. Each test makes its own role
(`jx_runtime_<random>`) and drops it."""

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from engine.audit.models import AuditEvent
from engine.audit.roles import grant_runtime, runtime_problems
from engine.audit.services import record
from engine.org import services as org_services
from engine.org.management.commands.production import Command as Production

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parent.parent.parent


@contextmanager
def runtime_role():
    """A fresh role given the runtime's rights, dropped afterwards (its grants too)."""
    role = f"jx_runtime_{secrets.token_hex(4)}"
    with connection.cursor() as cur:
        cur.execute(f"CREATE ROLE {role} NOLOGIN")
    try:
        grant_runtime(connection, role)
        yield role
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")
            cur.execute(f"DROP OWNED BY {role}")
            cur.execute(f"DROP ROLE {role}")


@contextmanager
def acting_as(role):
    with connection.cursor() as cur:
        cur.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")


def _refused(sql: str) -> str:
    """The database's refusal of `sql`, rolled back to a savepoint."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    return str(refused.value)


def test_the_runtime_role_appends_but_cannot_rewrite_the_trail(org):
    """As the runtime role: a department is created and its event appended (the head
    moves), but every way of changing history is refused by the database — UPDATE,
    DELETE and TRUNCATE of events, deleting or truncating heads, rolling a head back
    or pointing it off the chain, dropping or disabling the triggers, switching
    triggers off for the session."""
    co = org["company"]
    with runtime_role() as role, acting_as(role):
        assert runtime_problems(connection) == []
        dept = org_services.department_create(actor=None, company=co, code="new", name="New")
        with transaction.atomic():
            record(company=co, actor=None, action="test", object_type="t", object_id=1)
        event = AuditEvent.objects.filter(chain=co.pk).latest("seq")
        assert event.action == "test" and dept.pk
        refusals = {
            sql: _refused(sql)
            for sql in (
                f"UPDATE audit_auditevent SET reason = 'forged' WHERE id = {event.pk}",
                f"DELETE FROM audit_auditevent WHERE id = {event.pk}",
                "TRUNCATE audit_auditevent",
                "DELETE FROM audit_auditchainhead",
                "TRUNCATE audit_auditchainhead",
                "DROP TRIGGER audit_head_follows_events ON audit_auditchainhead",
                "DROP TRIGGER audit_event_no_change ON audit_auditevent",
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change",
                "SET session_replication_role = replica",
                "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS "
                "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
            )
        }
        for sql, why in refusals.items():
            assert "permission denied" in why or "must be owner" in why, (sql, why)
        # UPDATE on the heads it holds (every append moves one), but the head's trigger
        # lets it move only forward onto the chain's newest event.
        for sql in (
            f"UPDATE audit_auditchainhead SET last_seq = last_seq - 1 WHERE chain = {co.pk}",
            f"UPDATE audit_auditchainhead SET last_hash = repeat('f', 64) WHERE chain = {co.pk}",
        ):
            assert "moves only forward" in _refused(sql), sql


def test_the_production_check_names_a_runtime_role_that_can_rewrite_the_trail(org):
    """The check passes the runtime role as granted; given UPDATE and DELETE on the
    events, or made the events' owner, it is named; the superuser the tests connect as is
    named too. `production --check` carries the same lines."""
    assert runtime_problems(connection)[0].endswith(
        "is a superuser: it can disable the audit trail's triggers"
    )
    with runtime_role() as role:
        assert runtime_problems(connection, role) == []
        with acting_as(role):
            assert not [p for p in Production()._problems() if "audit" in p]
        with connection.cursor() as cur:
            cur.execute(f"GRANT UPDATE, DELETE ON audit_auditevent TO {role}")
        assert runtime_problems(connection, role) == [
            f"role {role} may UPDATE, DELETE audit_auditevent"
        ]
        with acting_as(role):
            assert f"DATABASE_URL: role {role} may UPDATE, DELETE audit_auditevent" in (
                Production()._problems()
            )
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred key checks first
            cur.execute(f"ALTER TABLE audit_auditevent OWNER TO {role}")
        (owns,) = runtime_problems(connection, role)
        assert owns.startswith(f"role {role} owns audit_auditevent")
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent OWNER TO CURRENT_USER")


def test_migrate_runs_as_the_owner_and_grants_the_runtime_role():
    """`migrate` with JIXIAO_DATABASE_OWNER_URL builds a fresh database as the owner and
    grants DATABASE_URL's role its rights: the runtime then reads and appends, passes
    the production check's trail lines, and cannot update an event."""
    base = settings.DATABASES["default"]
    suffix = secrets.token_hex(4)
    role, db = f"jx_runtime_{suffix}", f"jx_roles_{suffix}"
    host, port, owner = base["HOST"] or "127.0.0.1", base["PORT"] or 5432, base["USER"]
    admin = psycopg.connect(host=host, port=port, user=owner, dbname="postgres", autocommit=True)
    try:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"CREATE DATABASE {db}")
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{role}@{host}:{port}/{db}",
            "JIXIAO_DATABASE_OWNER_URL": f"postgres://{owner}@{host}:{port}/{db}",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "1"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert migrate.returncode == 0, migrate.stdout[-2000:] + migrate.stderr[-2000:]
        assert f"{role}: SELECT, INSERT on the audit trail" in migrate.stdout
        probe = (
            "from django.db import connection, transaction, DatabaseError\n"
            "from engine.audit.roles import runtime_problems\n"
            "from engine.org.services import company_create\n"
            "assert runtime_problems(connection) == [], runtime_problems(connection)\n"
            "with transaction.atomic():\n"
            "    company_create(actor=None, code='x', name='X')\n"
            "try:\n"
            "    with connection.cursor() as cur:\n"
            "        cur.execute(\"UPDATE audit_auditevent SET reason = 'forged'\")\n"
            "except DatabaseError as exc:\n"
            "    print('refused:', exc)\n"
        )
        shell = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", probe],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert shell.returncode == 0, shell.stdout + shell.stderr
        assert "refused: permission denied for table audit_auditevent" in shell.stdout
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()
