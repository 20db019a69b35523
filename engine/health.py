"""`GET /health/` for a load balancer or a monitor (docs/operations.md, "Health"): 200
when the database, the cache, the broker and the background work are well, 503 naming
what is not. No sign-in, no personal data, never a 500: each check answers "ok", a
short reason, or "not used", and a check that breaks is itself reported, not raised.

The background work is judged by what it leaves behind and by when it last ran:
- outbox: a delivery due longer than `JIXIAO_HEALTH_OUTBOX_MINUTES` and still pending
  means nobody drains it (beat drains every minute);
- sweep: an open step overdue longer than `JIXIAO_HEALTH_SWEEP_MINUTES` and not stamped
  overdue means the deadline sweep is not running (beat sweeps every five minutes); so
  does a last sweep (engine/heartbeats) older than that, when a worker is expected;
- checkpoints (with a signing key only): an audit event older than
  `JIXIAO_HEALTH_CHECKPOINT_MINUTES` that no checkpoint file covers means the hourly
  signing is not running; so does a last signing older than that.

"When a worker is expected": tasks are not run inline (`JIXIAO_CELERY_EAGER` off, as
production requires). In development nothing runs beat, so the age is only shown. A job
that never ran is late once the installation (its first migration) is older than the
job's allowance: a new installation is well before beat's first round."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from engine import clock
from engine.audit.checkpoints import signing_key_problem
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.restore import signed_heads
from engine.deadlines.sweep import step_kinds
from engine.heartbeats import selectors as heartbeats
from engine.heartbeats.models import Heartbeat
from engine.notifications.models import Delivery

log = logging.getLogger(__name__)

OK, NOT_USED = "ok", "not used"


def _minutes(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, name, default)))


def _late(since: dt.timedelta) -> str:
    return f"behind by {int(since.total_seconds() // 60)} min"


def database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def cache_check() -> str:
    """A value written must read back (the cache answers a miss while Redis is down)."""
    token = secrets.token_hex(8)
    cache.set("health:probe", token, 30)
    return OK if cache.get("health:probe") == token else "does not answer"


def broker() -> str:
    """One quick connection to the broker; none is used when tasks run inline."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return NOT_USED
    conn = Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=getattr(settings, "CELERY_BROKER_CONNECTION_TIMEOUT", 1.0),
        transport_options=getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    )
    try:
        conn.ensure_connection(max_retries=0)
    except Exception:  # any failure to connect is "does not answer"
        return "does not answer"
    finally:
        conn.release()
    return OK


def outbox() -> str:
    limit = _minutes("JIXIAO_HEALTH_OUTBOX_MINUTES", 15)
    now = clock.now()
    oldest = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now - limit)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return OK if oldest is None else _late(now - oldest)


def _last_run(job: str, limit: dt.timedelta) -> str | None:
    """What is wrong with when `job` last ran, or None: only when a worker is expected
    (tasks not inline), a run older than `limit`, or none in an installation older."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return None
    now = clock.now()
    at = heartbeats.last_runs().get(job)
    if at is not None:
        return (
            f"last ran {int((now - at).total_seconds() // 60)} min ago"
            if at < now - limit
            else None
        )
    since = heartbeats.installed_at()
    return "never ran" if since is not None and since < now - limit else None


def sweep() -> str:
    limit = _minutes("JIXIAO_HEALTH_SWEEP_MINUTES", 30)
    now = clock.now()
    worst = None
    for kind in step_kinds():
        due = (
            kind.model.objects.filter(
                state=kind.model.State.OPEN, overdue_at__isnull=True, due_at__lte=now - limit
            )
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        if due is not None and (worst is None or due < worst):
            worst = due
    if worst is not None:
        return _late(now - worst)
    return _last_run(Heartbeat.Job.SWEEP, limit) or OK


def checkpoints() -> str:
    if signing_key_problem() is not None:
        return NOT_USED
    limit = _minutes("JIXIAO_HEALTH_CHECKPOINT_MINUTES", 120)
    # one listing of the directory; checkpoints lost with a restore do not count
    signed = signed_heads(Path(settings.JIXIAO_CHECKPOINT_DIR))
    now = clock.now()
    worst = None
    for chain, last_seq in AuditChainHead.objects.values_list("chain", "last_seq"):
        first_unsigned = signed.get(chain, 0) + 1
        if last_seq < first_unsigned:
            continue
        at = (
            AuditEvent.objects.filter(chain=chain, seq=first_unsigned)
            .values_list("at", flat=True)
            .first()
        )
        if at is not None and at <= now - limit and (worst is None or at < worst):
            worst = at
    if worst is not None:
        return _late(now - worst)
    return _last_run(Heartbeat.Job.CHECKPOINTS, limit) or OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "cache": cache_check,
    "broker": broker,
    "outbox": outbox,
    "sweep": sweep,
    "checkpoints": checkpoints,
}


def report() -> dict[str, object]:
    """Every check's answer; `failing` names those neither "ok" nor "not used"."""
    found: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            found[name] = check()
        except Exception as exc:  # a broken check is an answer, not a 500
            log.warning("health check %s failed: %s", name, exc.__class__.__name__)
            found[name] = f"does not answer ({exc.__class__.__name__})"
    failing = [n for n, said in found.items() if said not in (OK, NOT_USED)]
    return {"ok": not failing, "failing": failing, "checks": found, "ages": _ages()}


def _ages() -> dict[str, int | None]:
    """Seconds since the last sweep and the last signing of checkpoints (None: never,
    or the database does not answer)."""
    try:
        return {job: None if age is None else int(age) for job, age in heartbeats.ages().items()}
    except Exception:  # the database check names the cause
        return dict.fromkeys(Heartbeat.Job.values)


@never_cache
@require_GET
def health(request):
    try:
        body = report()
    except Exception as exc:  # never a 500 to the monitor
        log.warning("health report failed: %s", exc.__class__.__name__)
        body = {"ok": False, "failing": ["health"], "checks": {}}
    return JsonResponse(body, status=200 if body["ok"] else 503)
