"""Load test of production mode (loopback only, bounded): 10,000 employees on
PostgreSQL, an open month, `manage.py production` (gunicorn, Celery worker and beat,
Redis), then locust with 200 concurrent people doing inbox, form, preview and submit
for a fixed time. Prints p50/p95/p99 and the errors per request.

    pip install -e ".[load]"
    python benchmarks/load.py --employees 10000 --users 200 --seconds 60 [--spawn-rate 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _setup import build_company, use_database

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sessions(n: int) -> list[dict]:
    """Signed-in sessions of n employees with their open self-review, made directly
    (a load test measures the month-end pages, not password hashing)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from engine.appraisals.models import AppraisalStep

    out = []
    steps = AppraisalStep.objects.filter(code="self", state="open").select_related(
        "appraisal__employee__user"
    )[:n]
    for st in steps:
        user = st.appraisal.employee.user
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        out.append({"session": s.session_key, "appraisal": st.appraisal_id, "step": st.pk})
    return out


def warm(port: int, session: str, workers: int) -> None:
    """Every worker opens its database connection and compiles its templates before
    the clock starts (a restart, not month-end, is when that happens)."""
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}")]
    for _ in range(workers * 10):
        for path in ("/inbox/", "/mine/", "/"):
            opener.open(f"http://127.0.0.1:{port}{path}", timeout=10).read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--think", default="3,8", help="seconds between two actions: min,max")
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=5.0,
        help="people arriving per second; the numbers are taken after all have arrived",
    )
    parser.add_argument(
        "--server",
        choices=["production", "gunicorn"],
        default="production",
        help="gunicorn: the web processes alone, with production settings but without "
        "`manage.py production`'s checks, worker and beat (the pages asked need neither)",
    )
    args = parser.parse_args()
    if not 1 <= args.users <= 1000 or not 5 <= args.seconds <= 600:
        sys.exit("users: 1–1000, seconds: 5–600 (the test is bounded)")
    print(
        f"load: {args.employees} employees, {args.users} people arriving at "
        f"{args.spawn_rate}/s, then {args.seconds}s measured, think time {args.think}s"
    )
    os.environ["JIXIAO_SECRET_KEY"] = "load-test-" + "x" * 40
    os.environ["JIXIAO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["JIXIAO_SSL_REDIRECT"] = "0"
    os.environ["JIXIAO_SECURE_COOKIES"] = "0"
    os.environ["JIXIAO_DEBUG"] = "0"
    os.environ["JIXIAO_DB_CONN_MAX_AGE"] = "60"
    os.environ["JIXIAO_STATIC_ROOT"] = tempfile.mkdtemp(prefix="jixiao-static-")
    url = use_database("postgres")
    import datetime as dt
    import zoneinfo

    from engine import clock
    from engine.appraisals import services

    # This month, so that no step is due while the test runs (the servers use real time:
    # a sweep of 10,000 overdue steps is benchmarks/sweep.py's subject, not this one's).
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
    clock.set_now(today)
    co, hr = build_company(args.employees)
    services.cycle_open(
        actor=hr, company=co, kind="month", period=f"{today:%Y-%m}", targets_later=True
    )
    people = Path(tempfile.mkdtemp()) / "people.json"
    people.write_text(json.dumps(sessions(args.users)))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "engine.settings"}
    if args.server == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "engine.wsgi", "--workers",
                   str(args.workers), "--bind", f"127.0.0.1:{port}"]  # fmt: skip
    else:
        command = [sys.executable, str(ROOT / "manage.py"), "production", "--workers",
                   str(args.workers), "--bind", f"127.0.0.1:{port}"]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        warm(port, json.loads(people.read_text())[0]["session"], args.workers)
        out = Path(tempfile.mkdtemp()) / "load"
        # People arrive over `ramp` seconds (at month-end they do not all click within
        # the same second); the statistics start when the last has arrived.
        ramp = int(args.users / args.spawn_rate) + 1
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
             "-t", f"{ramp + args.seconds}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(out), "--only-summary", "--reset-stats"],
            env={**env, "JIXIAO_LOAD_PEOPLE": str(people), "JIXIAO_LOAD_THINK": args.think},
            check=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        with open(f"{out}_stats.csv", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        print(f"  {'request':<10}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for r in rows:
            print(
                f"  {r['Name']:<10}{r['Request Count']:>8}{r['Failure Count']:>8}"
                f"{r['50%']:>9}{r['95%']:>9}{r['99%']:>9}"
            )
        _over_time(f"{out}_stats_history.csv")
        with open(f"{out}_failures.csv", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                print(f"  failed: {r['Name']} × {r['Occurrences']}: {r['Error'][:100]}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _over_time(path: str) -> None:
    """The aggregated p95 every ten seconds: a slow start (every user's first request
    at once) shows apart from the steady state."""
    try:
        with open(path, encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if r["Name"] == "Aggregated"]
    except FileNotFoundError:
        return
    if not rows:
        return
    t0 = int(rows[0]["Timestamp"])
    marks = [
        f"{int(r['Timestamp']) - t0}s:{r['95%']}"
        for r in rows
        if (int(r["Timestamp"]) - t0) % 10 == 0 and r["95%"] not in ("", "N/A")
    ]
    print("  p95 ms so far, over time: " + " ".join(marks))


if __name__ == "__main__":
    main()
