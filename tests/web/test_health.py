"""Issue 23: `GET /health/` for load balancers and monitors. 200 with a small JSON body
when the database, the cache, the broker (when one is used) and the background work are
well; 503 naming what is not — a cache or broker that does not answer, an outbox nobody
drains, a sweep that stopped, checkpoints not signed. No sign-in, no personal data,
never a 500."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from engine import clock, health
from engine.appraisals.models import AppraisalStep
from engine.audit.signing import sign_all
from engine.deadlines.sweep import sweep
from engine.heartbeats.models import Heartbeat
from engine.heartbeats.services import heartbeat_record
from engine.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def get():
    response = Client().get("/health/")
    return response.status_code, response.json()


def test_health_is_200_and_small_when_all_is_well():
    """A fresh installation: every check ok (no broker while tasks run inline), no sign
    in needed, nothing about anybody in the body, never cached."""
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["failing"] == []
    assert set(body["checks"]) == {
        "database",
        "cache",
        "broker",
        "outbox",
        "sweep",
        "checkpoints",
    }
    assert body["checks"]["broker"] == "not used"
    assert body["ages"] == {"sweep": None, "checkpoints": None}  # never ran
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_that_does_not_answer_is_503_naming_the_cache(settings):
    """Redis for the cache gone: 503, only the cache named (the pages keep working)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "engine.cache.TolerantRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    status, body = get()
    assert status == 503 and body["failing"] == ["cache"]


def test_a_broker_that_does_not_answer_is_503_naming_the_broker(settings):
    """With Celery on a broker (not inline) that cannot be reached: 503 naming it."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = DOWN
    status, body = get()
    assert status == 503 and body["failing"] == ["broker"]


def test_a_broken_check_is_a_503_not_a_500(monkeypatch):
    """The database (or any check) raising: 503 naming it, the others still answer."""

    def down():
        raise ConnectionError("the database is down")

    monkeypatch.setitem(health.CHECKS, "database", down)
    status, body = get()
    assert status == 503 and body["failing"] == ["database"]
    assert body["checks"]["database"] == "does not answer (ConnectionError)"
    assert body["checks"]["cache"] == "ok"


def test_background_work_behind_is_503_naming_it_and_200_once_it_ran(workshop, set_clock):
    """Unsigned events older than the threshold: `checkpoints`; an open step two hours
    overdue and not stamped: `sweep`; a delivery due an hour ago and still pending:
    `outbox`. Each clears when its job runs."""
    status, body = get()
    assert status == 503 and body["failing"] == ["checkpoints"]
    sign_all()
    assert get()[0] == 200

    now = clock.now()
    late = AppraisalStep.objects.filter(state="open").first()
    AppraisalStep.objects.filter(pk=late.pk).update(
        due_at=now - dt.timedelta(hours=2),
        remind_before_at=now - dt.timedelta(hours=50),
        remind_due_at=now - dt.timedelta(hours=10),
    )
    status, body = get()
    assert status == 503 and body["failing"] == ["sweep"]
    assert body["checks"]["sweep"] == "behind by 120 min"
    sweep()
    sign_all()
    assert get()[0] == 200

    delivery = Delivery.objects.create(
        notification=Notification.objects.first(),
        channel="health-test",
        next_attempt_at=now - dt.timedelta(hours=1),
    )
    status, body = get()
    assert status == 503 and body["failing"] == ["outbox"]
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.DELIVERED)
    assert get()[0] == 200


def test_health_is_not_redirected_to_https(settings):
    """A probe at the app's own address over plain HTTP gets the answer, not a 301."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/health/").status_code == 200
    assert Client().get("/accounts/login/").status_code == 301


def test_ages_of_the_last_sweep_and_signing_are_reported(set_clock):
    """Each run of the sweep and of the hourly signing records its moment; the body
    says how many seconds ago (engine/heartbeats)."""
    t = set_clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    sweep()
    sign_all()
    set_clock(t + dt.timedelta(minutes=7))
    status, body = get()
    assert status == 200
    assert body["ages"] == {"sweep": 420, "checkpoints": 420}


@pytest.fixture
def with_worker(settings, monkeypatch):
    """As in production: tasks go to a worker, so beat is expected to run the jobs (the
    broker itself is answered "ok" here: its own check is tested above)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(health.CHECKS, "broker", lambda: "ok")


def test_a_sweep_or_signing_that_stopped_is_503_when_a_worker_is_expected(with_worker, set_clock):
    """Nothing overdue, nothing unsigned — but beat stopped: the last sweep 40 minutes
    ago (allowance 30) and the last signing 3 hours ago (allowance 120) are named."""
    t = set_clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    heartbeat_record(job=Heartbeat.Job.SWEEP, at=t - dt.timedelta(minutes=40))
    heartbeat_record(job=Heartbeat.Job.CHECKPOINTS, at=t - dt.timedelta(hours=3))
    status, body = get()
    assert status == 503 and body["failing"] == ["sweep", "checkpoints"]
    assert body["checks"]["sweep"] == "last ran 40 min ago"
    assert body["checks"]["checkpoints"] == "last ran 180 min ago"
    sweep()
    sign_all()
    assert get()[0] == 200


def test_a_job_that_never_ran_is_late_only_in_an_installation_older_than_its_allowance(
    with_worker, set_clock
):
    """Just migrated: beat's first round has not come yet, and that is well. A day
    later with no sweep and no signing ever recorded: "never ran"."""
    assert get()[0] == 200
    set_clock(clock.now() + dt.timedelta(days=1))
    status, body = get()
    assert status == 503 and body["failing"] == ["sweep", "checkpoints"]
    assert body["checks"]["sweep"] == body["checks"]["checkpoints"] == "never ran"


def test_in_development_a_stale_run_is_only_shown(set_clock):
    """Tasks inline (no beat, `dev.py run`): an old last sweep is reported, not failed."""
    t = set_clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    heartbeat_record(job=Heartbeat.Job.SWEEP, at=t - dt.timedelta(hours=5))
    status, body = get()
    assert status == 200 and body["ages"]["sweep"] == 5 * 3600


@pytest.mark.django_db(False)
def test_database_and_redis_unreachable_are_named_by_a_real_process():
    """A process started with PostgreSQL and the Redis cache both pointing at a port
    nothing listens on: /health/ answers 503 naming the database and the cache (each
    check that reads the database says it does not answer), never a 500."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health/');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "engine.test_settings",
        "DATABASE_URL": "postgres://jixiao@127.0.0.1:1/jixiao",
        "JIXIAO_CACHE_URL": DOWN,
    }
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout.strip().splitlines()[-1])
    assert said["status"] == 503
    failing = said["body"]["failing"]
    assert "database" in failing and "cache" in failing
    assert said["body"]["checks"]["database"] == "does not answer (OperationalError)"
    assert said["body"]["checks"]["cache"] == "does not answer"
