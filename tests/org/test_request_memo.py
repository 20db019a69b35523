"""The reader's roles and delegations are read once per request
(engine/org/request_memo.py), a change during the request is seen at once, and
nothing is kept outside a request."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from engine import clock
from engine.org import services
from engine.org.request_memo import RequestMemoMiddleware
from engine.org.selectors import company_roles, delegators_of
from tests.month import at


def role_reads(queries) -> int:
    return sum('FROM "org_companyrole"' in q["sql"] and "user_id" in q["sql"] for q in queries)


def test_a_page_reads_the_readers_roles_once(litong, set_clock):
    """The inbox asks for the reader's roles in the view, the permission checks and
    the navigation: one query."""
    c = Client()
    c.force_login(litong.u["hr"])
    c.get("/inbox/")
    with CaptureQueriesContext(connection) as q:
        assert c.get("/inbox/").status_code == 200
    assert role_reads(q.captured_queries) == 1


def test_a_change_during_the_request_is_seen_and_nothing_is_kept_outside(org):
    """Inside a request: roles read, a role granted, read again → the new role; a
    delegation created → its deputy holds the reviewer's steps. Outside a request:
    every call reads the database."""
    co, low = org["company"], org["low"].user
    # the deputy: outside low's line (neither below nor above: no report and no reviewer)
    boss = services.employee_create(
        actor=None,
        company=co,
        user=services.user_create(username="outsider", password="x"),
        number="outsider",
        name="outsider",
        department=org["low"].department,
        position=org["low"].position,
        supervisor=None,
        hire_date=dt.date(2025, 1, 1),
    ).user
    clock.set_now(at(2026, 11, 2))
    seen = []

    def view(request):
        seen.append(company_roles(low))
        services.company_role_grant(actor=None, company=co, user=low, role="auditor")
        seen.append(company_roles(low))
        seen.append(delegators_of(boss))
        # (to someone outside the reviewer's line: neither their report nor their reviewer)
        services.delegation_create(
            actor=low,
            company=co,
            from_user=low,
            to_user=boss,
            starts_on=dt.date(2026, 11, 2),
            ends_on=dt.date(2026, 11, 4),
            reason="出差",
        )
        seen.append(delegators_of(boss))
        return None

    try:
        RequestMemoMiddleware(view)(RequestFactory().get("/"))
    finally:
        clock.set_now(None)
    assert seen == [{}, {co.pk: {"auditor"}}, [], [low.pk]]
    with CaptureQueriesContext(connection) as q:
        company_roles(low)
        company_roles(low)
    assert role_reads(q.captured_queries) == 2
