"""Issue 23: `GET /metrics` for Prometheus — django-prometheus's request metrics and the
domain gauges, computed at scrape time; readable only from JIXIAO_METRICS_ALLOW or with
the bearer token JIXIAO_METRICS_TOKEN (404 when neither is configured, 403 otherwise)."""

import datetime as dt

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from engine import metrics
from engine.audit.signing import sign_all
from engine.deadlines.sweep import sweep
from engine.notifications.models import Delivery, Notification
from tests.month import at, submit

pytestmark = pytest.mark.django_db
TOKEN = "a-long-random-scrape-token-for-the-tests-only"


def gauges(response) -> dict[str, float]:
    text = response.content.decode()
    return {
        s.name: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name.startswith("jixiao_")
    }


def test_the_gauges_have_the_right_values_on_a_small_month(workshop, set_clock, settings):
    """The workshop's October opened on Oct 31; every self-review is due Mon Nov 2 (end
    of day, Shanghai). Three appraisals; staff02 hands in on Nov 1, so their open step is
    now the supervisor's, due Nov 5. On Nov 3 at 10:00 the open steps past due are the
    self-reviews of workshop_head and staff03: overdue = 2.
    The outbox: 3 rows made waiting and 2 given up, everything else delivered. The
    sweep ran at 10:00 (now 10:05: 300 s); the checkpoints were signed at 09:00 (3,900 s)."""
    settings.JIXIAO_METRICS_ALLOW = ["127.0.0.1"]
    assert sorted(workshop.a) == ["staff02", "staff03", "workshop_head"]
    set_clock(at(2026, 11, 1))
    submit(workshop.a["staff02"], "self", workshop.u["staff02"])
    set_clock(at(2026, 11, 3, 9))
    sign_all()
    set_clock(at(2026, 11, 3, 10))
    sweep()
    Delivery.objects.update(state=Delivery.State.DELIVERED)
    note = Notification.objects.first()
    for i, state in enumerate(["pending"] * 3 + ["failed"] * 2):
        Delivery.objects.create(
            notification=note,
            channel="metrics-test",
            target=f"t{i}",
            state=state,
            next_attempt_at=at(2026, 11, 3),
        )
    set_clock(at(2026, 11, 3, 10, 5))
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = gauges(response)
    assert found == {
        "jixiao_domain_metrics_up": 1.0,
        "jixiao_overdue_steps": 2.0,
        "jixiao_outbox_pending": 3.0,
        "jixiao_outbox_failed": 2.0,
        "jixiao_sweep_age_seconds": 300.0,
        "jixiao_checkpoint_age_seconds": 3900.0,
    }
    # django-prometheus's own request metrics are there too
    assert "django_http_requests_total_by_method_total" in response.content.decode()


def test_ages_are_absent_while_a_job_never_ran(settings):
    """Before the first sweep and signing the age gauges are absent (alert with
    `absent()`), the counts are 0."""
    settings.JIXIAO_METRICS_ALLOW = ["127.0.0.1"]
    found = gauges(Client().get("/metrics"))
    assert found == {
        "jixiao_domain_metrics_up": 1.0,
        "jixiao_overdue_steps": 0.0,
        "jixiao_outbox_pending": 0.0,
        "jixiao_outbox_failed": 0.0,
    }


def test_nothing_configured_is_404():
    """With no allowed address and no token the path does not exist."""
    assert Client().get("/metrics").status_code == 404


def test_only_allowed_addresses_or_the_token_may_read(settings):
    """Allowed: an address in the list, or the bearer token. Refused (403): another
    address, a wrong token, a token in another scheme, X-Forwarded-For made up by the
    client (no trusted proxy is configured, so it is not read)."""
    settings.JIXIAO_METRICS_ALLOW = ["10.1.2.0/24"]
    settings.JIXIAO_METRICS_TOKEN = TOKEN
    c = Client()
    assert c.get("/metrics").status_code == 403
    assert c.get("/metrics", REMOTE_ADDR="10.1.2.7").status_code == 200
    assert c.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.7").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert c.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION="Bearer").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION="Bearer 中文\x00").status_code == 403
    refused = c.get("/metrics")
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert c.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code in (403, 405)


def test_token_only_and_a_bad_allow_entry_never_500(settings):
    """An allow entry that is not an address is passed over (logged), never a 500; the
    token still works."""
    settings.JIXIAO_METRICS_ALLOW = ["not-a-network"]
    settings.JIXIAO_METRICS_TOKEN = TOKEN
    c = Client()
    assert c.get("/metrics").status_code == 403
    assert c.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_a_database_that_fails_still_answers_with_up_0(settings, monkeypatch):
    """The gauges' queries failing: the scrape answers with `jixiao_domain_metrics_up 0`."""
    settings.JIXIAO_METRICS_ALLOW = ["127.0.0.1"]

    def down():
        raise ConnectionError("the database is down")

    monkeypatch.setattr(metrics, "domain_values", down)
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert gauges(response) == {"jixiao_domain_metrics_up": 0.0}


def test_metrics_are_not_redirected_to_https(settings):
    """A scraper on the private network calls the app's own address over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.JIXIAO_METRICS_ALLOW = ["127.0.0.1"]
    assert Client().get("/metrics").status_code == 200


def test_sweep_heartbeat_moves(set_clock):
    """Each sweep moves the recorded moment forward (one row, overwritten)."""
    from engine.heartbeats.models import Heartbeat

    t = set_clock(dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    sweep()
    set_clock(t + dt.timedelta(minutes=5))
    sweep()
    assert list(Heartbeat.objects.values_list("job", "at")) == [
        ("sweep", t + dt.timedelta(minutes=5))
    ]


def test_production_check_names_a_weak_token_or_a_bad_allow_entry(settings):
    """`production --check` names a short token and an allow entry that is not an address."""
    from engine.org.management.commands.production import metrics_problems

    assert metrics_problems() == []
    settings.JIXIAO_METRICS_TOKEN = "short"
    settings.JIXIAO_METRICS_ALLOW = ["10.0.0.0/8", "nonsense"]
    problems = metrics_problems()
    assert len(problems) == 2
    assert problems[0].startswith("JIXIAO_METRICS_TOKEN is weak")
    assert problems[1].startswith("JIXIAO_METRICS_ALLOW: 'nonsense'")
