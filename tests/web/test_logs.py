"""Issue 23, JSON logs: every request carries an id (the caller's X-Request-ID when it is
a plain token, else a new one) echoed in the response; each log line names the request,
the signed-in user and their company; every failed delivery try is logged; time in UTC
in both formats (engine/logs.py, docs/operations.md "Logs and time")."""

import datetime as dt
import io
import json
import logging
import re

import pytest
from django.test import Client

from engine import clock
from engine.logs import UTCJsonFormatter, UTCTextFormatter
from engine.notifications.models import Delivery, Notification
from engine.notifications.outbox import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """The JSON lines the console handler writes during the test (its stream swapped),
    with the one line per request switched on."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    out = io.StringIO()
    old = console.setStream(out)
    formatter = console.formatter
    console.setFormatter(UTCJsonFormatter())
    requests_log = logging.getLogger("engine.requests")
    level = requests_log.level
    requests_log.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    requests_log.setLevel(level)
    console.setStream(old)
    console.setFormatter(formatter)


def test_a_plain_request_id_is_echoed_and_anything_else_replaced():
    """A plain token is kept and echoed; spaces, control characters, non-ASCII, too long or
    none: a new 32-hex id."""
    c = Client()
    assert c.get("/health/", HTTP_X_REQUEST_ID="lb-7f3a.01:x_Y")["X-Request-ID"] == (
        "lb-7f3a.01:x_Y"
    )
    for bad in ["two words", "x" * 129, "a\rb", "引号", ""]:
        made = c.get("/health/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made), bad
    assert c.get("/health/")["X-Request-ID"] != c.get("/health/")["X-Request-ID"]


def test_each_line_names_the_request_user_and_company(org, lines):
    """Signed in as `low` of Acme, a page is opened with an id: the request's line says
    the id, the user's id and Acme's id, with time in UTC; an anonymous request names no
    user."""
    user = org["low"].user
    c = Client()
    c.force_login(user)
    response = c.get("/inbox/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200 and response["X-Request-ID"] == "req-42"
    Client().get("/health/", HTTP_X_REQUEST_ID="anon-1")
    found = {line["request_id"]: line for line in lines() if line["logger"] == "engine.requests"}
    page = found["req-42"]
    assert page["user"] == user.pk and page["company"] == org["company"].pk
    assert page["level"] == "INFO" and page["message"] == "GET /inbox/ 200"
    assert page["method"] == "GET" and page["status"] == 200 and page["duration_ms"] >= 0
    assert page["time"].endswith("+00:00")
    assert found["anon-1"]["user"] is None and found["anon-1"]["company"] is None
    # Django's own line about a refused request, written after the middleware, names it
    Client().get("/metrics", HTTP_X_REQUEST_ID="anon-2")
    (forbidden,) = [x for x in lines() if x["logger"] == "django.request"]
    assert forbidden["request_id"] == "anon-2" and forbidden["level"] == "WARNING"
    # and once the response is closed, lines name no request
    logging.getLogger("engine.x").warning("after")
    assert lines()[-1]["request_id"] is None


def test_every_failed_delivery_try_is_logged(org, lines, set_clock):
    """A delivery to a channel that is not installed fails its first try: a WARNING line
    with the delivery, channel, try number, error and the next try's time (UTC)."""
    t = set_clock(dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC))
    n = Notification.objects.create(
        user=org["low"].user,
        company=org["company"],
        kind="overdue",
        message="m",
        key="k:logs",
        created_at=clock.now(),
    )
    d = Delivery.objects.create(notification=n, channel="nowhere", next_attempt_at=t)
    drain()
    (line,) = [x for x in lines() if x["logger"] == "engine.notifications.outbox"]
    assert line["level"] == "WARNING"
    assert line["delivery"] == d.pk and line["channel"] == "nowhere" and line["attempt"] == 1
    assert "not installed" in line["error"]
    assert line["next_attempt_at"] == "2026-11-02T01:01:00+00:00"
    assert line["request_id"] is None  # the worker: no request


def test_both_formats_print_utc_whatever_the_hosts_zone():
    """A record made at 2026-12-06 23:10:38 UTC reads so in both formats (not in the
    host's or the installation's zone: Asia/Shanghai would say 07:10 the next day)."""
    record = logging.LogRecord("engine.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None)
    record.created = dt.datetime(2026, 12, 6, 23, 10, 38, tzinfo=dt.UTC).timestamp()
    record.request_id, record.user, record.company = "r1", 7, 3
    text = UTCTextFormatter().format(record)
    assert text == "2026-12-06T23:10:38Z WARNING engine.x [r1 7 3] hello you"
    said = json.loads(UTCJsonFormatter().format(record))
    assert said["time"].startswith("2026-12-06T23:10:38") and said["time"].endswith("+00:00")
    assert said["message"] == "hello you" and said["user"] == 7 and said["company"] == 3


def test_the_format_is_chosen_by_the_environment(monkeypatch):
    """JSON in production, text with JIXIAO_DEBUG (dev.py run) or JIXIAO_LOG_FORMAT=text."""
    from engine.logs import logging_setting

    assert logging_setting("json", "WARNING", True)["handlers"]["console"]["formatter"] == "json"
    assert logging_setting("text", "WARNING", False)["handlers"]["console"]["formatter"] == "text"
    quiet = logging_setting("text", "WARNING", False)["loggers"]["engine.requests"]["level"]
    assert quiet == "WARNING"
