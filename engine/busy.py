"""A deadlock or a serialization failure that still happens (two writers the lock
order cannot foresee) is the database asking to try again, not a fault: the writer's
transaction is retried a few times, then the person is told in words (409) — never a
500. See docs/architecture.md, "Lock order"."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.translation import gettext as _

from engine.edge_refusal import edge_refusal
from engine.errors import Conflict

ATTEMPTS = 4  # the first try and three retries
PAUSE = 0.05  # seconds, doubled after each try, with jitter so the two do not meet again
BUSY_CODES = {"40P01", "40001"}  # deadlock_detected, serialization_failure

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)
RETRIED = {"count": 0}  # deadlocks and serialization failures met since start (tests read it)


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is a deadlock or a serialization failure."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if (getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)) in BUSY_CODES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def busy_conflict() -> Conflict:
    return Conflict(
        "someone changed the same records at the same moment; nothing was saved, please try again",
        field=None,
        rule="busy",
    )


def retrying(fn: F) -> F:
    """Run a writer's whole transaction again when the database gave up on it as a
    deadlock or a serialization failure; after `ATTEMPTS` tries, a `Conflict` saying so.
    Inside a caller's transaction nothing can be retried here (the caller's work is
    lost with it): the error goes up to the outermost `retrying` writer or to the edge."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            return fn(*args, **kwargs)
        pause = PAUSE
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except DatabaseError as exc:
                if not is_busy(exc):
                    raise
                RETRIED["count"] += 1
                log.warning("%s: %s on try %d", fn.__qualname__, type(exc).__name__, attempt)
                if attempt == ATTEMPTS:
                    raise busy_conflict() from exc
                time.sleep(pause * (1 + random.random()))  # jitter, not secrets
                pause *= 2
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


class BusyMiddleware:
    """The edge's answer when a deadlock reached a view all the same: 409 in words
    (problem+json under /api/), nothing saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        return busy_response(request.path)


def busy_response(path: str) -> HttpResponse:
    text = _(
        "Someone changed the same records at the same moment, so nothing was saved. "
        "Please try again."
    )
    return edge_refusal(path, status=409, kind="conflict", text=text, field=None, rule="busy")
