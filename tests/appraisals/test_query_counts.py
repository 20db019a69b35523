"""Queries of an opening, of a submission and of the inbox do not grow with the company."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.appraisals import selectors, services
from engine.appraisals.models import Appraisal
from engine.org import services as org
from engine.org.models import CompanyRole, Department, Employee, Position
from tests.month import at, step

User = get_user_model()


def company_of(n: int, code: str, opening: list | None = None):
    """A company with one supervisor over n staff, built in bulk (speed, not audit);
    the queries of its opening go to `opening` when given."""
    co = org.company_create(actor=None, code=code, name=code)
    dept = Department.objects.create(company=co, code="d", name="D")
    pos = Position.objects.create(company=co, code="staff", name_zh="职员", name_en="Staff")
    hr, gm, boss = (User.objects.create_user(f"{code}_{r}") for r in ("hr", "gm", "boss"))
    CompanyRole.objects.bulk_create(
        [CompanyRole(company=co, user=hr, role="hr"), CompanyRole(company=co, user=gm, role="gm")]
    )
    sup = Employee.objects.create(
        company=co,
        user=boss,
        number="B",
        name="boss",
        department=dept,
        position=pos,
        hire_date=dt.date(2024, 1, 1),
    )
    users = User.objects.bulk_create([User(username=f"{code}_{i}") for i in range(n)])
    Employee.objects.bulk_create(
        [
            Employee(
                company=co,
                user=u,
                number=f"E{i}",
                name=f"e{i}",
                department=dept,
                position=pos,
                supervisor=sup,
                hire_date=dt.date(2024, 1, 1),
            )
            for i, u in enumerate(users)
        ]
    )
    services.pack_activate(actor=hr, company=co, pack="general")
    services.position_map(actor=hr, company=co, position=pos, pack="general", role="staff")
    with CaptureQueriesContext(connection) as q:
        cycle = services.cycle_open(
            targets_later=True, actor=hr, company=co, kind="month", period="2026-10"
        )
    if opening is not None:
        opening.append(len(q))
    return co, cycle, boss, hr


def test_opening_queries_do_not_grow(db, set_clock):
    """An opening writes its appraisals, steps, events and notices set-based: the same
    statements for 3 people as for 60 (issue 27)."""
    set_clock(at(2026, 10, 31))
    counts: list[int] = []
    for n, code in ((3, "few"), (60, "many")):
        _co, cycle, _boss, _hr = company_of(n, code, counts)
        assert Appraisal.objects.filter(cycle=cycle).count() == n + 1
    assert counts[0] == counts[1], counts


def measure(n, code, set_clock):
    set_clock(at(2026, 10, 31))
    _co, cycle, boss, hr = company_of(n, code)
    apps = list(Appraisal.objects.filter(cycle=cycle, employee__supervisor__user=boss)[:2])
    set_clock(at(2026, 11, 1))
    for a in apps:
        services.step_submit(
            actor=a.employee.user, appraisal_id=a.pk, step_id=step(a, "self").pk, comment="done"
        )
    a = apps[0]
    s = step(a, "supervisor")
    values = {"values": {"efficiency": 20, "operation": 20, "attitude": 20, "knowledge": 20}}
    with CaptureQueriesContext(connection) as submit_q:
        services.step_submit(actor=boss, appraisal_id=a.pk, step_id=s.pk, data=values)
    with CaptureQueriesContext(connection) as inbox_boss:
        boxes = selectors.inbox(boss)
    with CaptureQueriesContext(connection) as inbox_hr:
        hr_box = selectors.inbox(hr)
    assert boxes and hr_box
    return len(submit_q), len(inbox_boss), len(inbox_hr)


@pytest.mark.django_db
def test_submission_and_inbox_queries_do_not_grow(set_clock, django_assert_max_num_queries):
    """A submission and the inbox issue the same number of queries with 10 and 300 employees."""
    small = measure(10, "small", set_clock)
    large = measure(300, "large", set_clock)
    assert small == large, (small, large)
    submit_q, inbox_q, inbox_hr_q = large
    # the inbox: the user's company roles, the reviewers they stand in for, the steps
    assert submit_q <= 30 and inbox_q <= 3 + 1 and inbox_hr_q <= 3 + 1
    with django_assert_max_num_queries(4):
        selectors.inbox(User.objects.get(username="large_boss"))
