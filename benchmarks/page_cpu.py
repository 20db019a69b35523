"""CPU and queries per request of the pages the load test asks for (benchmarks/
locustfile.py: inbox, form, preview, submit; the warm-up's My appraisals and home),
in production settings (JIXIAO_DEBUG off: cached templates, JSON request logs) and in
one process, so that it holds on a busy machine: the process's own CPU time is
counted, not the wall clock (with PostgreSQL the database's work is in its own
process, as it is behind gunicorn).

    python benchmarks/page_cpu.py [--employees 10000] [--db postgres|sqlite]
        [--requests 40] [--rounds 3] [--profile inbox|form|preview|submit|mine|home]

Each page is asked `--requests` times per round by as many different people (the
load test's: employees holding their open self-review, a supervisor among every
twenty), in turn with the other pages; the median of the rounds is printed.
`--profile PAGE` prints cProfile's top functions for that page afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from _setup import ROOT, build_company, use_database

PAGES = ("inbox", "form", "preview", "submit", "mine", "home")


def _environment() -> None:
    """Production mode, as `load.py` serves it (without TLS, on the test client's host)."""
    os.environ["JIXIAO_SECRET_KEY"] = "page-cpu-" + "x" * 40
    os.environ["JIXIAO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    os.environ["JIXIAO_SSL_REDIRECT"] = "0"
    os.environ["JIXIAO_SECURE_COOKIES"] = "0"
    os.environ["JIXIAO_DEBUG"] = "0"
    os.environ["JIXIAO_DB_CONN_MAX_AGE"] = "60"
    os.environ["JIXIAO_STATIC_ROOT"] = tempfile.mkdtemp(prefix="jixiao-static-")


def _people(n: int) -> list[dict]:
    """The load test's people: n employees with their open self-review (load.sessions)."""
    from engine.appraisals.models import AppraisalStep

    steps = AppraisalStep.objects.filter(code="self", state="open").select_related(
        "appraisal__employee__user"
    )[:n]
    return [{"user": s.appraisal.employee.user, "a": s.appraisal_id, "step": s.pk} for s in steps]


def _request(client, page: str, me: dict):
    base = f"/appraisals/{me['a']}"
    if page == "inbox":
        return client.get("/inbox/")
    if page == "form":
        return client.get(f"{base}/")
    if page == "preview":
        return client.post(f"{base}/steps/{me['step']}/preview/", {"comment": "本月完成装配任务"})
    if page == "submit":
        return client.post(f"{base}/steps/{me['step']}/submit/", {"comment": "本月完成装配任务"})
    return client.get("/mine/" if page == "mine" else "/")


def _origin(seen: list[str]):
    """An execute wrapper noting where each query comes from (the project's frames)."""
    import traceback

    def wrapper(execute, sql, params, many, context):
        frames = [
            f"{Path(f.filename).name}:{f.lineno} {f.name}"
            for f in traceback.extract_stack()
            if str(ROOT) in f.filename
            and "benchmarks" not in f.filename
            and ".venv" not in f.filename
        ]
        seen.append(" < ".join(reversed(frames[-4:])))
        return execute(sql, params, many, context)

    return wrapper


def _clients(people: list[dict]) -> list:
    from django.test import Client

    out = []
    for me in people:
        c = Client()
        c.force_login(me["user"], backend="django.contrib.auth.backends.ModelBackend")
        out.append(c)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--requests", type=int, default=40, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=PAGES, default=None)
    parser.add_argument("--sql", choices=PAGES, default=None, help="print one request's SQL")
    args = parser.parse_args()
    _environment()
    use_database(args.db)
    # The request log is written as in production, to nowhere.
    for h in logging.getLogger().handlers + logging.getLogger("engine").handlers:
        if isinstance(h, logging.StreamHandler):
            h.setStream(open(os.devnull, "w"))  # noqa: SIM115

    import datetime as dt
    import zoneinfo

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engine import clock
    from engine.appraisals import services

    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
    clock.set_now(today)
    co, hr = build_company(args.employees)
    services.cycle_open(
        actor=hr, company=co, kind="month", period=f"{today:%Y-%m}", targets_later=True
    )
    n = args.requests
    # submit hands each person's step in once: a fresh set of people per round, apart
    # from those whose pages are read (their form stays open to preview)
    people = _people(n * (args.rounds + 2))
    readers, submitters = people[:n], people[n:]
    clients = _clients(readers)
    sub_clients = _clients(submitters)
    print(
        f"page_cpu: {args.employees} employees on {args.db}, {n} requests per page "
        f"and round, {args.rounds} rounds (load {os.getloadavg()[0]:.1f})"
    )

    def one(page: str, i: int, sub_i: int):
        if page == "submit":
            return _request(sub_clients[sub_i], "submit", submitters[sub_i])
        return _request(clients[i], page, readers[i])

    # warm: templates compiled, connections open, pinned templates read
    for page in PAGES:
        for i in range(3):
            r = one(page, i, len(submitters) - 1 - i)
            assert r.status_code in (200, 302), (page, r.status_code)
    queries = {}
    for page in PAGES:
        seen: list[str] = []
        with CaptureQueriesContext(connection) as q, connection.execute_wrapper(_origin(seen)):
            one(page, n - 1, len(submitters) - 4)
        queries[page] = len(q.captured_queries)
        if page == args.sql:
            for x, where in zip(q.captured_queries, seen, strict=True):
                print(f"    {where}\n      {x['sql'][:160]}")
    cpu: dict[str, list[float]] = {p: [] for p in PAGES}
    for rnd in range(args.rounds):
        for page in PAGES:
            t0 = time.process_time()
            for i in range(n):
                r = one(page, i, rnd * n + i)
                assert r.status_code in (200, 302), (page, r.status_code)
            cpu[page].append((time.process_time() - t0) * 1000 / n)
    print(f"  {'page':<9}{'CPU ms/request':>16}{'rounds':>26}{'queries':>9}")
    for page in PAGES:
        runs = " ".join(f"{x:.1f}" for x in cpu[page])
        print(f"  {page:<9}{statistics.median(cpu[page]):>16.1f}{runs:>26}{queries[page]:>9}")
    mix = {"inbox": 4, "form": 3, "preview": 3, "submit": 1}  # the locustfile's weights
    per = sum(statistics.median(cpu[p]) * w for p, w in mix.items()) / sum(mix.values())
    print(f"  load test's mix: {per:.1f} CPU ms per request")
    if args.profile:
        left = len(submitters) - args.rounds * n - 4
        count = min(n, left) if args.profile == "submit" else n
        _profile(lambda i: one(args.profile, i, args.rounds * n + i), count)


def _profile(ask, count: int) -> None:
    """cProfile's top functions over `count` requests, by the process's CPU time."""
    prof = cProfile.Profile(time.process_time)  # CPU, not waits
    prof.enable()
    for i in range(count):
        ask(i)
    prof.disable()
    only = os.environ.get("PROFILE_ONLY")  # e.g. "(engine|workflows)/": the project's code
    for order, lines in (("cumulative", 60), ("tottime", 30)):
        out = io.StringIO()
        limits = (only, lines) if only else (lines,)
        pstats.Stats(prof, stream=out).sort_stats(order).print_stats(*limits)
        print(out.getvalue())


if __name__ == "__main__":
    main()
