"""How many of the project's own functions one action passes through.

A reviewer follows a request through the code; every function on the way is one more
place to read. This counts the distinct project functions (and the files holding
them) that run during three actions on the demo company, through the same page a
person uses (a POST to the step's URL):

- a self-review submission (general staff, first step of the chain);
- a supervisor's review (scores typed, the next step opened for HR);
- a GM approval (the last step, which scores and publishes the result).

Counted with ``sys.setprofile``: every Python function whose code lives under
``engine/``, ``rulepacks/`` or ``workflows/`` (migrations excluded) and that is
called at least once. Comprehensions, lambdas and generator expressions are not
counted as functions. Also counted: the SQL queries each POST sends (asserted in
tests/web/test_step_post_queries.py). Run: ``python benchmarks/call_paths.py [--list] [--sql] [--postgres]``
(``--list`` names the functions, ``--sql`` prints the queries; ``--postgres`` on a
fresh PostgreSQL database, see ``_setup.use_database``; SQLite otherwise).
"""

from __future__ import annotations

import datetime as dt
import sys
import zoneinfo

from _setup import ROOT, use_database

PARTS = tuple(str(ROOT / p) + "/" for p in ("engine", "rulepacks", "workflows"))
ANONYMOUS = {"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<lambda>", "<module>"}


def counted(action) -> tuple[set[tuple[str, str]], object, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen: set[tuple[str, str]] = set()

    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        path = code.co_filename
        counts = path.startswith(PARTS) and "/migrations/" not in path
        if counts and code.co_name not in ANONYMOUS:
            seen.add((path.removeprefix(str(ROOT) + "/"), code.co_qualname))

    with CaptureQueriesContext(connection) as queries:
        sys.setprofile(profile)
        try:
            result = action()
        finally:
            sys.setprofile(None)
    return seen, result, [q["sql"] for q in queries.captured_queries]


def main() -> None:
    use_database("postgres" if "--postgres" in sys.argv else "sqlite")
    from django.contrib.auth import get_user_model
    from django.test import Client

    from engine import clock
    from engine.appraisals.models import Appraisal, AppraisalStep
    from engine.appraisals.services import cycle_open
    from engine.demo.packs import company_on_builtin_packs
    from engine.demo.people import load_demo
    from engine.org.models import Company, Department

    sh = zoneinfo.ZoneInfo("Asia/Shanghai")
    clock.set_now(dt.datetime(2026, 10, 20, 10, tzinfo=sh))
    load_demo(usable_passwords=False)
    co = Company.objects.get(code="litong")
    users = {u.username: u for u in get_user_model().objects.all()}
    company_on_builtin_packs(actor=users["hr"], company=co)
    clock.set_now(dt.datetime(2026, 10, 31, 9, tzinfo=sh))
    dept = Department.objects.get(company=co, code="workshop")
    cycle = cycle_open(
        targets_later=True,
        actor=users["hr"],
        company=co,
        kind="month",
        period="2026-10",
        department_ids=[dept.pk],
    )
    a = Appraisal.objects.filter(cycle=cycle, role="staff").exclude(
        employee__user__username="workshop_head"
    )[0]
    supervisor = a.employee.supervisor.user
    values = {"efficiency": 20, "operation": 21, "attitude": 22, "knowledge": 19}

    # One client for every post, as one server process serves every request: its
    # handler (the middleware chain) is built once, at the first request, not per action.
    c = Client(HTTP_HOST="127.0.0.1")

    def post(user, code, data):
        step = AppraisalStep.objects.get(appraisal=a, code=code)
        c.force_login(user)
        url = f"/appraisals/{a.pk}/steps/{step.pk}/submit/"
        # Confirmed, as the second post after the summary page: the first only asks.
        return lambda: c.post(url, {**data, "confirmed": "1"})

    def must(resp):
        # A redirect is the only sign the step was handed in (200 is a page that refused
        # or asked); a benchmark that measured a refusal would count the wrong path.
        assert resp.status_code == 302, (resp.status_code, resp.content[:2000])
        return resp

    clock.set_now(dt.datetime(2026, 11, 1, 10, tzinfo=sh))
    summary = {"comment": "done as planned"}
    must(post(a.employee.user, "self", summary)())  # warms caches (templates, translations)
    # The measured self-review is a colleague's, so only caches are warm.
    b = (
        Appraisal.objects.filter(
            cycle=cycle, role="staff", employee__supervisor=a.employee.supervisor
        )
        .exclude(pk=a.pk)
        .first()
    )
    report = {}
    saved, a = a, b
    fns, resp, sql = counted(post(b.employee.user, "self", summary))
    must(resp)
    report["self-review submission"] = fns, sql
    a = saved
    scores = {f"values.{k}": v for k, v in values.items()}
    fns, resp, sql = counted(post(supervisor, "supervisor", scores))
    must(resp)
    report["supervisor review"] = fns, sql
    must(post(users["hr"], "hr", {})())
    clock.set_now(dt.datetime(2026, 11, 10, 10, tzinfo=sh))
    fns, resp, sql = counted(post(users["gm"], "gm", {}))
    must(resp)
    a.refresh_from_db()
    assert a.state == "published", a.state
    report["GM approval (publishes)"] = fns, sql
    for name, (fns, sql) in report.items():
        files = {f for f, _ in fns}
        print(f"{name}: {len(fns)} project functions in {len(files)} files, {len(sql)} SQL queries")
        if "--list" in sys.argv:
            for f, q in sorted(fns):
                print(f"    {f}: {q}")
        if "--sql" in sys.argv:
            for i, q in enumerate(sql, 1):
                print(f"    {i:3}. {q}")


if __name__ == "__main__":
    main()
