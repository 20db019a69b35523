"""Improvement plans (seed 001 步骤3: 共同制定《绩效改进计划》): a support agent's result
asks for one, so publication opens it with the supervisor as owner; the owner adds
goals with due dates and checks in; the employee may not; the next cycle's review
shows the plan on the page of the person's new appraisal."""

import datetime as dt

import pytest
from django.test import Client

from engine.appraisals import services as appraisals
from engine.errors import Forbidden, InvalidInput
from engine.followup import services
from engine.followup.models import ImprovementPlan
from tests.month import at, open_department, submit

SUPPORT = {
    "response_time": 25,
    "ticket_on_time": "0.99",
    "csat": "4.6",
    "first_contact_resolution": "0.92",
    "kb_contributions": 3,
    "training_pass_rate": "1",
}


def test_a_support_agents_plan_opens_takes_goals_and_shows_next_cycle(litong, set_clock):
    """support06 published Tue Nov 10 → plan owned by cs_head; goals and a check-in by
    the owner; refused for the employee and for a past due date; the November review
    page of support06 shows October's plan to the supervisor."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "cs")
    a = w.a["support06"]
    u = w.u
    appraisals.appraisal_set_inputs(actor=u["hr"], appraisal=a, system_values=SUPPORT)
    set_clock(at(2026, 11, 1))
    submit(a, "self", u["support06"])
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", u["cs_head"])
    set_clock(at(2026, 11, 6))
    submit(a, "hr", u["hr"])
    set_clock(at(2026, 11, 10))
    submit(a, "gm", u["gm"])
    a.refresh_from_db()
    assert a.state == "published" and a.result["outcomes"]["improvement_plan_required"] is True
    plan = ImprovementPlan.objects.get(appraisal=a)
    assert plan.owner_id == u["cs_head"].pk
    with pytest.raises(Forbidden):
        services.plan_goal_add(
            actor=u["support06"], plan_id=plan.pk, goal="x", due_date=dt.date(2026, 12, 1)
        )
    with pytest.raises(InvalidInput) as err:
        services.plan_goal_add(
            actor=u["cs_head"], plan_id=plan.pk, goal="x", due_date=dt.date(2026, 11, 1)
        )
    assert err.value.field == "due_date"
    g = services.plan_goal_add(
        actor=u["cs_head"],
        plan_id=plan.pk,
        goal="首次响应时长降到 20 秒以内",
        due_date=dt.date(2026, 11, 30),
    )
    services.plan_goal_check_in(actor=u["cs_head"], goal_id=g.pk, note="已优化话术模板", done=False)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(u["cs_head"])
    page = c.get(f"/appraisals/{a.pk}/after/").content.decode()
    assert "绩效改进计划" in page and "首次响应时长降到 20 秒以内" in page
    # the next cycle: support06's November appraisal shows October's plan to the reviewer
    set_clock(at(2026, 11, 30, 9))
    nxt = appraisals.cycle_open(
        targets_later=True,
        actor=u["hr"],
        company=w.company,
        kind="month",
        period="2026-11",
        department_ids=[a.department_id],
    )
    new = nxt.appraisals.get(employee=a.employee)
    page = c.get(f"/appraisals/{new.pk}/").content.decode()
    assert 'id="previous-plan"' in page and "首次响应时长降到 20 秒以内" in page
