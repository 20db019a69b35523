"""Improvement plan goals: a due date within six months (the limit said), goals the
owner changes or withdraws (audited), and a dated history of check-ins shown on the
plan and in the next cycle's review."""

import datetime as dt
import html

import pytest

from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from engine.followup import services
from engine.followup.models import PlanCheckIn
from tests.followup.test_after_words import make_plan
from tests.followup.test_pages import client_for
from tests.month import at


def _page(c, a) -> str:
    return html.unescape(c.get(f"/appraisals/{a.pk}/after/").content.decode())


def test_a_goal_due_in_2099_is_refused_with_the_latest_day(published, set_clock):
    """Nov 11 2026 + 183 days = May 13 2027: 2099 is refused naming that day; the page
    says it in words at the field."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    plan = make_plan(w, a)
    boss = w.u["workshop_head"]
    with pytest.raises(InvalidInput) as err:
        services.plan_goal_add(actor=boss, plan_id=plan.pk, goal="x", due_date=dt.date(2099, 1, 1))
    assert (err.value.field, err.value.rule) == ("due_date", "goal_too_far")
    r = client_for(boss).post(
        f"/appraisals/{a.pk}/after/goal/", {"goal": "质量记录", "due_date": "2099-01-01"}
    )
    page = html.unescape(r.content.decode())
    assert r.status_code == 400 and "六个月内" in page and "2027-05-13" in page
    services.plan_goal_add(actor=boss, plan_id=plan.pk, goal="x", due_date=dt.date(2027, 5, 13))


def test_a_goal_is_changed_and_withdrawn_with_the_trail(published, set_clock):
    """The owner rewords a goal and moves its date, then withdraws it with a reason:
    each is on the trail, and the page shows the goal struck through with the reason."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    plan = make_plan(w, a)
    boss = w.u["workshop_head"]
    g = services.plan_goal_add(
        actor=boss, plan_id=plan.pk, goal="旧目标", due_date=dt.date(2026, 12, 31)
    )
    c = client_for(boss)
    r = c.post(
        f"/appraisals/{a.pk}/after/goal_edit/",
        {"goal_id": g.pk, "goal": "新目标", "due_date": "2027-01-15"},
    )
    assert r.status_code == 302
    g.refresh_from_db()
    assert (g.goal, g.due_date) == ("新目标", dt.date(2027, 1, 15))
    r = c.post(f"/appraisals/{a.pk}/after/goal_withdraw/", {"goal_id": g.pk, "reason": "岗位调整"})
    assert r.status_code == 302
    g.refresh_from_db()
    assert g.withdrawn_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan_goal_edit", "plan_goal_withdraw"} <= actions
    page = _page(c, a)
    assert "已撤回" in page and "岗位调整" in page
    with pytest.raises(InvalidInput):
        services.plan_goal_check_in(actor=boss, goal_id=g.pk, note="x", done=False)
    emp = _page(client_for(w.u["staff02"]), a)
    assert "修改或撤回目标" not in emp


def test_check_ins_are_kept_as_a_dated_history(published, set_clock):
    """Two check-ins on Nov 12 and Nov 20: both kept with their dates, both on the plan
    page; the goal shows the latest as its state."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    plan = make_plan(w, a)
    boss = w.u["workshop_head"]
    g = services.plan_goal_add(
        actor=boss, plan_id=plan.pk, goal="记录完整", due_date=dt.date(2026, 12, 31)
    )
    set_clock(at(2026, 11, 12, 10))
    services.plan_goal_check_in(actor=boss, goal_id=g.pk, note="第一次检查", done=False)
    set_clock(at(2026, 11, 20, 10))
    services.plan_goal_check_in(actor=boss, goal_id=g.pk, note="第二次检查", done=True)
    rows = list(PlanCheckIn.objects.filter(goal=g).values_list("note", "done"))
    assert rows == [("第一次检查", False), ("第二次检查", True)]
    page = _page(client_for(boss), a)
    assert "第一次检查" in page and "第二次检查" in page
    assert "2026-11-12" in page and "2026-11-20" in page
    assert AuditEvent.objects.filter(action="plan_check_in").count() == 2
