"""Issue 23: `GET /health/` for load balancers and monitors. 200 with a small JSON body
when the database, the cache, the broker (when one is used) and the background work are
well; 503 naming what is not — a cache or broker that does not answer, an outbox nobody
drains, a sweep that stopped, checkpoints not signed. No sign-in, no personal data,
never a 500."""

import datetime as dt

import pytest
from django.test import Client

from engine import clock, health
from engine.appraisals.models import AppraisalStep
from engine.audit.signing import sign_all
from engine.deadlines.sweep import sweep
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
