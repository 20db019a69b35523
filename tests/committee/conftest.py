"""A department manager (部门经理, general pack) appraised for 2026-H2 by the appraisal
leadership group: the demo company with one manager hired into the GM office."""

import datetime as dt
from types import SimpleNamespace

import pytest

from engine.appraisals import services as appraisals
from engine.appraisals.models import Appraisal
from engine.org import services as org
from engine.org.models import Department, Employee
from tests.month import at

MEMBERS = ("finance_head", "sales_head", "rnd_head")
CHAIR = "finance_head"


def hire_manager(litong, password: str | None = None) -> Employee:
    co, hr = litong.company, litong.u["hr"]
    position = org.position_create(
        actor=hr, company=co, code="manager", name_zh="部门经理", name_en="Department manager"
    )
    appraisals.position_map(actor=hr, company=co, position=position, pack="general", role="manager")
    user = org.user_create(username="mgr01", password=password, email="mgr01@demo.jixiao.invalid")
    return org.employee_create(
        actor=hr,
        company=co,
        user=user,
        number="LT9001",
        name="周经理",
        department=Department.objects.get(company=co, code="gm_office"),
        position=position,
        supervisor=Employee.objects.get(company=co, user__username="gm"),
        hire_date=dt.date(2024, 3, 1),
    )


def open_half(litong, set_clock, password: str | None = None) -> SimpleNamespace:
    """2026-H2 opened on Mon Dec 28, 2026 for the manager position."""
    set_clock(at(2026, 12, 28, 9))
    emp = hire_manager(litong, password)
    cycle = appraisals.cycle_open(
        actor=litong.u["hr"],
        company=litong.company,
        kind="half",
        period="2026-H2",
        position_ids=[emp.position_id],
        targets_later=True,
    )
    a = Appraisal.objects.get(cycle=cycle, employee=emp)
    users = {**litong.u, "mgr01": emp.user}
    return SimpleNamespace(company=litong.company, u=users, cycle=cycle, a=a, emp=emp)


@pytest.fixture
def half(litong, set_clock):
    return open_half(litong, set_clock)
