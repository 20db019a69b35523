"""More than one machine (issue 23): two web nodes, two Celery workers and two beats
share one PostgreSQL and one Redis, as two application servers would.

The nodes are separate processes on their own ports with nothing in common but the
database, the cache and the broker. Through them: a sign-in on one node holds on the
other, a token's 10 calls a minute are 10 across both, a burst of self-reviews is
handed in through both at once (and the same step posted on both nodes at once is
taken once), and the month's overdue steps and the day's reminders are swept while
both workers run sweeps and drain the outbox at the same time. Every due step is
stamped once, every notification is sent once (each e-mail and each webhook call
counted by its delivery id), and one beat leads while the other waits.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime as dt
import http.cookiejar
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.db.models import Count

from engine.appraisals.models import AppraisalStep, StepSubmission
from engine.notifications.models import Delivery, Notification, Webhook
from tests.api.test_tokens import token
from tests.month import at, demo_litong, open_departments

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "jixiao-demo-2026"
STAMPS = ("reminded_before_at", "reminded_due_at", "overdue_at")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"nothing listens on {port}"
            time.sleep(0.3)


class _Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint that counts each delivery id it is sent."""

    seen: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.lock:
            self.seen[self.headers["X-Jixiao-Delivery"]] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class _Browser:
    """One person's browser: a cookie jar, and the CSRF token Django set in it."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {}
        if data is not None:
            csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
            headers = {"Referer": url, "X-CSRFToken": csrf}
        req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def sign_in(self, base: str, username: str) -> None:
        self.request(f"{base}/accounts/login/")
        status, _ = self.request(
            f"{base}/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 302, f"{username} could not sign in on {base} ({status})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer here, not a hop


def _status(url: str, secret: str) -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310 (loopback)
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def nodes(tmp_path, settings):
    """Two gunicorn nodes, two workers and two beats on this test's database, with a
    queue, cache keys and beat lock of their own on the shared Redis."""
    db = connection.settings_dict
    prefix = f"twonode-{uuid.uuid4().hex[:12]}"
    redis = "redis://127.0.0.1:6379/11"
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{urllib.parse.quote(db['USER'] or '')}:"
            f"{urllib.parse.quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "engine.test_settings",
        "JIXIAO_SECRET_KEY": "test-only-" + "k" * 40 + "-abcdefghij",
        "JIXIAO_CELERY_EAGER": "0",
        "JIXIAO_CELERY_BROKER": redis,
        "JIXIAO_CELERY_QUEUE": prefix,
        "JIXIAO_CACHE_URL": redis,
        "JIXIAO_CACHE_PREFIX": prefix,
        "JIXIAO_API_RATE": "10/min",
        "JIXIAO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "JIXIAO_EMAIL_FILE_PATH": str(mail),
        "JIXIAO_WEBHOOK_ALLOW": "127.0.0.1",
        "JIXIAO_SWEEP_SECONDS": "2",
        "JIXIAO_OUTBOX_SECONDS": "1",
        "JIXIAO_BEAT_MAX_INTERVAL": "1",
        "JIXIAO_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }
    py = sys.executable
    ports = [_free_port(), _free_port()]
    commands = {
        **{
            f"web{i}": [
                py, "-m", "gunicorn", "engine.wsgi", "-w", "1", "-b", f"127.0.0.1:{p}",
                "--control-socket", str(tmp_path / f"web{i}.ctl"),
            ]
            for i, p in enumerate(ports, 1)
        },
        **{
            f"worker{i}": [
                py, "-m", "celery", "-A", "engine.celery", "worker", "-c", "1",
                "-n", f"w{i}-{prefix}@%h", "--without-mingle", "--without-gossip",
                "--loglevel", "INFO",
            ]
            for i in (1, 2)
        },
        **{
            f"beat{i}": [py, "-m", "celery", "-A", "engine.celery", "beat", "--loglevel", "DEBUG"]
            for i in (1, 2)
        },
    }  # fmt: skip
    procs, logs = {}, {}
    try:
        for name, cmd in commands.items():
            logs[name] = tmp_path / f"{name}.log"
            with logs[name].open("w") as out:
                procs[name] = subprocess.Popen(
                    cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
                )
        for i, port in enumerate(ports, 1):
            _wait_for_port(port, procs[f"web{i}"], logs[f"web{i}"])
        # Not the current app: the tests after this one in the process must keep the
        # eager app of the settings (a current app sends their tasks to this Redis).
        broker = Celery(broker=redis, set_as_current=False)
        broker.conf.task_default_queue = prefix
        yield {
            "web": [f"http://127.0.0.1:{p}" for p in ports],
            "mail": mail,
            "logs": logs,
            "procs": procs,
            "send": lambda task: broker.send_task(task, queue=prefix),
        }
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def _open_month():
    """October opened for three departments on 31 October: by now (December) every
    self-review is overdue; a fourth of them is moved to fall due tomorrow instead,
    the day of reminders."""
    from engine import clock

    clock.set_now(at(2026, 10, 20))
    litong = demo_litong(usable_passwords=True)
    clock.set_now(at(2026, 10, 31, 9))
    month = open_departments(litong, "workshop", "sales", "rnd")
    clock.set_now(None)
    now = clock.now()
    steps = list(AppraisalStep.objects.filter(appraisal__cycle=month.cycle, code="self"))
    for s in steps[::4]:
        s.due_at = now + dt.timedelta(days=1)
        s.due_date = s.due_at.date()
        s.remind_before_at = now - dt.timedelta(minutes=1)
        s.remind_due_at = now + dt.timedelta(hours=20)
        s.save(update_fields=["due_at", "due_date", "remind_before_at", "remind_due_at"])
    return month


def _self_url(base: str, appraisal) -> str:
    s = AppraisalStep.objects.get(appraisal=appraisal, code="self")
    return f"{base}/appraisals/{appraisal.pk}/steps/{s.pk}/submit/"


def _hand_in(base: str, appraisal, username: str) -> int:
    b = _Browser()
    b.sign_in(base, username)
    status, _ = b.request(
        _self_url(base, appraisal), {"comment": "done as planned", "confirmed": "1"}
    )
    return status


def test_two_nodes_two_workers_one_beat(nodes, tmp_path, settings):
    """Shared sessions and rate limits, a burst through both nodes, every due step stamped once, every notification delivered once, one beat leading."""
    # The opening runs here, in the test's process, which drains its own notices at once:
    # into the same mail folder as the workers, so that every delivery is counted.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(nodes["mail"])
    month = _open_month()
    company = month.company
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    Webhook.objects.create(
        company=company,
        url=f"http://127.0.0.1:{receiver.server_address[1]}/hook",
        secret="s" * 32,
        created_at=at(2026, 10, 20),
    )
    a_node, b_node = nodes["web"]

    # A sign-in on one node is a session on the other.
    hr = _Browser()
    hr.sign_in(a_node, "hr")
    status, page = hr.request(f"{b_node}/hr/cycles/")
    assert status == 200 and "2026-10" in page

    # 10 calls a minute for one token are 10 across both nodes.
    secret = token("hr", "read")
    codes = [_status(f"{(a_node, b_node)[i % 2]}/api/v1/companies/", secret) for i in range(20)]
    assert sorted(collections.Counter(codes).items()) == [(200, 10), (429, 10)], codes

    # A burst of self-reviews through both nodes at once, and one step posted on both.
    people = sorted(
        (u, a) for u, a in month.a.items() if a.employee.supervisor_id and not u.endswith("_head")
    )[:12]
    twice_user, twice = people[0]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        burst = [
            pool.submit(_hand_in, (a_node, b_node)[i % 2], a, u)
            for i, (u, a) in enumerate(people[1:])
        ]
        both = [pool.submit(_hand_in, node, twice, twice_user) for node in (a_node, b_node)]
        # Meanwhile both workers sweep and drain, more than once each.
        for _ in range(3):
            nodes["send"]("engine.deadlines.tasks.sweep")
            nodes["send"]("engine.notifications.tasks.deliver_outbox")
        assert [f.result() for f in burst] == [302] * len(burst)
        assert sorted(f.result() for f in both)[0] == 302  # one of the two took it
    # The step posted on both nodes at once was handed in once.
    assert StepSubmission.objects.filter(step__appraisal=twice, step__code="self").count() == 1
    done = AppraisalStep.objects.filter(
        appraisal__cycle=month.cycle, code="self", completed_at__isnull=False
    )
    assert done.count() == len(people)

    # Every due self-review is swept and every notification delivered (beat every 2 s).
    due = AppraisalStep.objects.filter(
        appraisal__cycle=month.cycle, code="self", completed_at__isnull=True
    )
    deadline = time.monotonic() + 120
    while True:
        unswept = due.filter(overdue_at__isnull=True, reminded_before_at__isnull=True).count()
        pending = Delivery.objects.filter(state=Delivery.State.PENDING).count()
        if unswept == 0 and pending == 0 and Delivery.objects.exists():
            break
        assert time.monotonic() < deadline, (
            f"{unswept} steps unswept, {pending} deliveries pending: "
            + {k: v.read_text()[-1500:] for k, v in nodes["logs"].items()}.__repr__()
        )
        time.sleep(1)
    time.sleep(3)  # a few more beats: nothing new may appear

    # Each step stamped once: one notification per step and kind, no second stamp.
    notes = Notification.objects.filter(company=company)
    per_key = notes.values("user_id", "key").annotate(n=Count("id")).filter(n__gt=1)
    assert list(per_key) == []
    stamped = {f: due.filter(**{f"{f}__isnull": False}).count() for f in STAMPS}
    # Each delivery sent once: e-mails by Message-ID, webhook calls by delivery id.
    # (the file backend writes each connection's messages to one file)
    mails = [
        m
        for p in nodes["mail"].glob("*.log")
        for m in re.findall(r"^Message-ID: (\S+)$", p.read_text(), flags=re.MULTILINE)
    ]
    sent_mail = Delivery.objects.filter(channel="email", state=Delivery.State.DELIVERED).count()
    sent_hooks = Delivery.objects.filter(channel="webhook", state=Delivery.State.DELIVERED).count()
    assert not Delivery.objects.filter(state=Delivery.State.FAILED).exists()
    duplicates = (len(mails) - len(set(mails))) + sum(n - 1 for n in _Receiver.seen.values())
    assert duplicates == 0
    assert len(set(mails)) == sent_mail > 0
    assert len(_Receiver.seen) == sent_hooks > 0
    # One beat leads; the other waits for its lock.
    leaders = [n for n in ("beat1", "beat2") if "Acquired lock" in nodes["logs"][n].read_text()]
    assert len(leaders) == 1, leaders
    receiver.shutdown()
    summary = {
        "self_reviews_handed_in": done.count(),
        "steps_stamped": stamped,
        "notifications": notes.count(),
        "emails_sent": sent_mail,
        "webhook_calls": sent_hooks,
        "duplicates": duplicates,
        "beat_leader": leaders[0],
    }
    print(json.dumps(summary))
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert re.fullmatch(r"beat[12]", leaders[0])
