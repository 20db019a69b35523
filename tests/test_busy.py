"""A deadlock that still happens is retried, then told in words as 409 — on the
pages, in the API (problem+json) and from a service — never a 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from engine import busy
from engine.api.problems import problem_handler
from engine.errors import Conflict


class Deadlock(Exception):
    sqlstate = "40P01"


def deadlock() -> OperationalError:
    """What Django raises: its OperationalError caused by the driver's DeadlockDetected."""
    try:
        try:
            raise Deadlock("deadlock detected")
        except Deadlock as exc:
            raise OperationalError("deadlock detected") from exc
    except OperationalError as wrapped:
        return wrapped


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(busy, "PAUSE", 0)


@pytest.mark.django_db(transaction=True)
def test_a_writer_is_retried_then_succeeds():
    """Two deadlocks, then success: the caller sees only the success."""
    calls = []

    @busy.retrying
    def write():
        calls.append(1)
        if len(calls) < 3:
            raise deadlock()
        return "done"

    assert write() == "done" and len(calls) == 3


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_keeps_deadlocking_gives_a_conflict_in_words():
    """A writer that deadlocks on every try gives up after its bounded retries with a conflict in words, not a 500."""
    calls = []

    @busy.retrying
    def write():
        calls.append(1)
        raise deadlock()

    with pytest.raises(Conflict) as err:
        write()
    assert len(calls) == busy.ATTEMPTS
    assert err.value.rule == "busy" and "try again" in err.value.message


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried():
    """Only deadlocks and serialization failures are retried; any other database error is raised at once."""
    calls = []

    @busy.retrying
    def write():
        calls.append(1)
        raise OperationalError("disk full")

    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 1


def test_a_deadlock_reaching_the_edge_is_409_in_words():
    """A page: 409 with a sentence; the API: problem+json 409, rule busy."""
    mw = busy.BusyMiddleware(lambda r: None)
    rf = RequestFactory()
    with translation.override("en"):
        page = mw.process_exception(rf.post("/hr/cycles/1/cancel"), deadlock())
    assert page.status_code == 409 and b"try again" in page.content
    with translation.override("zh-hans"):
        page = mw.process_exception(rf.post("/hr/cycles/1/cancel"), deadlock())
    assert "请您重试" in page.content.decode()
    api = mw.process_exception(rf.post("/api/v1/cycles/"), deadlock())
    assert api.status_code == 409 and api["Content-Type"] == "application/problem+json"
    assert json.loads(api.content)["rule"] == "busy"
    assert mw.process_exception(rf.get("/"), ValueError("x")) is None
    drf = problem_handler(deadlock(), {})
    assert drf.status_code == 409 and drf.data["rule"] == "busy"
