"""What the fresh-eyes walk of the step page found: a preview that kept an old total or
scored another rater's value when the typed one was refused, late penalties of earlier
steps applied without a line, totals of weighted sections that could not be traced, a
call agent's review with no lines, the reviewers' labels, and hints outside the range."""

import json

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.models import AppraisalStep
from engine.plugins.registry import get_template
from engine.scoring import units
from tests.month import STAFF_VALUES, at, run_chain, step, submit
from workflows.people.explain import base_line, preview_for_people, section_rows, who
from workflows.people.step_page import sheet_notes, supplier

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_a_refused_value_is_said_at_its_line_and_no_total_is_pretended(workshop, set_clock):
    """Letters and 99 in a 0–25 field: both lines say the value is not valid, with the
    rule in words; no total or grade, and nothing falls back to an older value."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    c = client_for(workshop.u["workshop_head"])
    full = {f"values.{k}": v for k, v in STAFF_VALUES.items()}
    assert c.post(url, full).json()["total"] == "82.00"
    data = c.post(url, {**full, "values.efficiency": "abc", "values.operation": "99"}).json()
    assert (data["complete"], data["total"], data["grade"]) == (False, None, None)
    bad = [ln for ln in data["lines"] if ln["invalid"]]
    assert [ln["score"] for ln in bad] == [None, None]
    assert "无效" in bad[0]["note"] and "abc" in bad[0]["note"]
    assert "最多为 25" in bad[1]["note"]  # the rule with its limit (99 is too high: at most 25)
    assert "无效" in data["so_far"] and "None" not in json.dumps(data, ensure_ascii=False)


def test_empty_fields_wait_and_a_reasonless_deduction_never_says_none(workshop, set_clock):
    """Nothing typed: the open points are counted, never "0.00 still to be scored" beside
    a dash; a preview the service refused (a deduction without reason) says so in words."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    data = client_for(workshop.u["workshop_head"]).post(url, {}).json()
    assert (
        data["total"] is None
        and "100.00" in data["so_far"]
        and "另有 0.00 分" not in data["so_far"]
    )
    t = get_template("general", "staff")
    with translation.override("zh-hans"):
        out = preview_for_people(
            {
                "complete": False,
                "error": {"field": "deductions.x", "rule": "reason"},
                "lines": [],
                "so_far": None,
                "still_open": None,
            },
            a,
            t,
        )
    assert "None" not in json.dumps(out, ensure_ascii=False) and out["total"] is None


def test_a_late_self_review_is_a_line_in_the_reviewers_preview(workshop, set_clock):
    """staff02's self-review is a day late: the supervisor's preview shows the subtotal
    82.00 and the late line × 0.90 beside the total 73.80, not 73.80 alone; the step table
    marks the self-review late, and an open overdue step is marked before it is done."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 3, 10))
    page = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert 'data-overdue="1"' in page
    submit(a, "self", workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    full = {f"values.{k}": v for k, v in STAFF_VALUES.items()}
    data = client_for(workshop.u["workshop_head"]).post(url, full).json()
    assert data["total"] == "73.80" and "82.00" in data["subtotal"]
    assert data["adjustments"] == ["逾期自评 −10%（× 0.90）"]


def test_a_late_step_stays_late_after_a_return(workshop, set_clock):
    """A late self-review returned and handed in again keeps its late mark: the penalty
    charged at the first hand-in still applies."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 3, 10))
    submit(a, "self", workshop.u["staff02"])
    from engine.appraisals import services

    services.step_act(
        actor=workshop.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        action="return",
        text="请补充",
    )
    submit(a, "self", workshop.u["staff02"])
    assert AppraisalStep.objects.get(appraisal=a, code="self").late is True


def test_weighted_sections_say_how_the_subtotal_is_made(litong):
    """R&D performance 80 × 70% = 56.00 and a sales behaviour section reported beside the
    total; the behaviour sheet is said to be optional, all or nothing, with its raters'
    weights, the manager in Chinese."""
    rnd = get_template("rnd", "researcher")
    rep = get_template("sales", "sales_rep")
    with translation.override("zh-hans"):
        rows = section_rows(rnd, [{"code": "performance", "score": "80", "weight": "0.70"}])
        behaviour = section_rows(rep, [{"code": "behaviour_conduct", "score": "18", "weight": "1"}])
        notes = list(sheet_notes(rep).values())
    assert rows[0]["text"] == "工作业绩：80.00 × 权重 70% = 56.00"
    assert "不计入总分" in behaviour[0]["text"]
    assert len(notes) == 1 and "选填" in notes[0] and "20%" in notes[0] and "50%" in notes[0]
    assert "manager" not in notes[0]


def test_a_call_agent_is_shown_its_base_line(litong):
    """A call agent has no indicators: the review and the result show the base 100 as a
    read-only line supplied by the system, never an empty table."""
    t = get_template("customer_service", "call_agent")
    with translation.override("zh-hans"):
        line = base_line(t)
    assert (line["label"], line["score"], line["max"]) == ("基础分", "100.00", "100.00")


def test_the_accountants_items_are_supplied_by_the_chains_step(litong):
    """An accountant's chain has no supervisor step: their items are said to be supplied
    by the department head who enters them, not by a supervisor."""
    t = get_template("finance_warehouse", "accountant")
    head = get_template("finance_warehouse", "finance_head")
    with translation.override("zh-hans"):
        assert "部门负责人" in supplier(t, "supervisor")
        # a department head's own appraisal: the GM enters the deductions
        assert who(head, "supervisor") == "总经理"


def test_an_approval_says_approve_and_gives_the_result(workshop, set_clock):
    """The GM's button reads 批准; after approving, the flash says 已批准并发布 with the
    total and grade; the supervisor's remarks are labelled 评语 in what they submitted."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES}, "很好")
    submit(a, "hr", workshop.u["hr"])
    gm = client_for(workshop.u["gm"])
    page = gm.get(f"/appraisals/{a.pk}/").content.decode()
    assert ">批准</button>" in page
    asked = gm.post(f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/", {}).content.decode()
    assert 'id="confirm-employee"' in asked and a.employee.name in asked
    r = gm.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/", {"confirmed": "1"}, follow=True
    )
    flash = r.content.decode().split('role="status">', 1)[1].split("</p>", 1)[0]
    assert "已批准并发布" in flash and "82.00" in flash and "已提交" not in flash
    assert 'id="next-item"' in flash or "您的待办已全部处理" in flash
    mine = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert "<strong>评语:</strong>" in mine


def test_hints_stay_in_range_and_describedby_points_at_the_help(workshop, set_clock):
    """The example in a 0–5 points field's hint is inside 0–5; each input's
    aria-describedby names a help text that exists on the page."""
    t = get_template("customer_service", "ecommerce_agent")
    ind = t.indicator("follow_up")
    with pytest.raises(units.UnitError) as e:
        units.read_typed(ind, "abc")
    assert e.value.params["example"] == "4"
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    page = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    import re

    for target in re.findall(r'aria-describedby="([^"]+)"', page):
        assert f'id="{target}"' in page, target


def test_run_chain_still_publishes(workshop, set_clock):
    """The chain helpers still publish 82.00 with the late mark unchanged on time."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert str(a.total) in ("82.00", "82")
