"""Shared fixtures. The database comes from DATABASE_URL (SQLite when unset)."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from engine.audit import triggers

pytest_plugins = ["tests.month"]
_TEST_NUMBER = itertools.count()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def touches_the_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


# The tests that take a minute or more each (fuzzers, the crawl, the whole demo, the
# browser sweeps), started first: at the end of the run one of them would keep one
# worker busy while the other has nothing left to take.
LONG_FIRST = (
    "tests/web/test_form_fuzz.py",
    "tests/web/test_crawl.py",
    "tests/api/test_schema_fuzz.py",
    "tests/browser/test_accessibility.py",
    "tests/browser/test_small_screens.py",
    "tests/browser/test_publish_each_pack.py",
    "tests/demo/test_demo_data.py",
    "tests/imports/test_template_cells.py",
    "tests/imports/test_templates_and_files.py",
    "tests/appraisals/test_simulate_and_sweep.py",
    "tests/test_installed.py",
    "tests/test_two_nodes.py",
)


# Tests that share one build (the whole demo with three finished months, replayed from
# the first build in the process) kept together on one worker: split, each worker
# would build it.
ONE_WORKER = {
    "tests/demo/test_demo_data.py": "demo3",
    "tests/imports/test_template_cells.py": "demo3",
    "tests/imports/test_templates_and_files.py": "demo3",
    "tests/appraisals/test_simulate_and_sweep.py": "simulate",
}


def _long_first(items) -> None:
    """Each xdist worker's first share (half of the list each, in order) starts with
    half of the long tests."""
    rank = {path: i for i, path in enumerate(LONG_FIRST)}
    groups: dict[str, list] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        if path in rank:
            groups.setdefault(ONE_WORKER.get(path, item.nodeid), []).append(item)
    ordered = sorted(groups.values(), key=lambda g: rank[g[0].nodeid.split("::")[0]])
    first = [item for g in ordered[0::2] for item in g]
    second = [item for g in ordered[1::2] for item in g]
    rest = [item for item in items if item.nodeid.split("::")[0] not in rank]
    cut = max(0, len(items) // 2 - len(first))
    items[:] = first + rest[:cut] + second + rest[cut:]


@pytest.hookimpl(trylast=True)  # after `-m` has left out what it leaves out
def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks, true concurrency) skip on SQLite; CI runs both.
    On PostgreSQL the tests that touch no database (the scoring core, the golden tables,
    the architecture) are left out: CI has just run them on SQLite and they would give
    the same answer again."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pure = [item for item in items if not touches_the_database(item)]
        if pure:
            config.hook.pytest_deselected(items=pure)
            items[:] = [item for item in items if touches_the_database(item)]
        _long_first(items)
        return
    _long_first(items)
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _flushable_audit_table(request):
    """A transactional test ends with a flush; SQLite's flush is DELETE, which the
    append-only trigger refuses. Drop the triggers just before that flush: the flush
    emits post_migrate, which puts them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        # Depending on the database fixture makes our teardown run before its flush.
        request.getfixturevalue("_django_db_helper")
    yield
    if transactional and connection.vendor == "sqlite":
        triggers.drop(connection)


@pytest.fixture
def org(db):
    """A small company with a department tree, positions and a supervisor chain."""
    from engine.org import services as s

    co = s.company_create(actor=None, code="acme", name="Acme")
    root = s.department_create(actor=None, company=co, code="root", name="Root")
    sub = s.department_create(actor=None, company=co, code="sub", name="Sub", parent=root)
    pos = s.position_create(actor=None, company=co, code="staff", name_zh="职员", name_en="Staff")

    def hire(username, supervisor=None, dept=sub):
        user = s.user_create(username=username, password="x")
        return s.employee_create(
            actor=None,
            company=co,
            user=user,
            number=username,
            name=username,
            department=dept,
            position=pos,
            supervisor=supervisor,
            hire_date=dt.date(2025, 1, 1),
        )

    boss = hire("boss", dept=root)
    mid = hire("mid", boss)
    low = hire("low", mid)
    return {
        "company": co,
        "root": root,
        "sub": sub,
        "position": pos,
        "boss": boss,
        "mid": mid,
        "low": low,
        "hire": hire,
    }


_CHECKPOINTS = Path(tempfile.mkdtemp(prefix="jixiao-test-checkpoints-"))


@pytest.fixture(autouse=True)
def _own_checkpoint_dir(request):
    """Each test signs into a directory of its own (made only when something is signed):
    a chain is held to the newest checkpoint there, and another test's chain of the same
    company id (SQLite reuses ids after a rollback) must never be that checkpoint."""
    from django.conf import settings

    before = settings.JIXIAO_CHECKPOINT_DIR
    settings.JIXIAO_CHECKPOINT_DIR = str(_CHECKPOINTS / f"{next(_TEST_NUMBER)}")
    yield
    settings.JIXIAO_CHECKPOINT_DIR = before


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API call budgets live in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def dns(monkeypatch):
    """Host names answered without the network, for the webhook address checks
    (engine/notifications/destinations.py): the test fills the table, name → list of
    addresses; any other name is not found, as offline."""
    import socket

    from engine.notifications import destinations

    table: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        host = host.lower().rstrip(".")
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in table[host]
        ]

    monkeypatch.setattr(destinations, "getaddrinfo", getaddrinfo)
    return table
