"""The GM's bulk approval takes only steps that need nothing from the GM: the head of
finance's GM step, where the GM records the head's deductions (seed 000 篇五), is left
out with why and a link, and the service refuses it too. A department with two grade
schemes says each scheme's own headcount, never the two added up. Event lines in the
bulk summary name the event and its count, never "× 0"."""

import re

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.completeness import own_inputs
from engine.appraisals.models import Appraisal, AppraisalStep, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import steps_approve
from engine.calibration.overview import calibration_wait, not_ready_in, ready_in
from engine.org.models import Department
from engine.plugins.registry import get_template
from tests.month import at, open_departments, step, submit
from workflows.common.calibration_words import wait_words
from workflows.people.confirm import adjustment_lines

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


@pytest.fixture
def finance(litong, set_clock):
    """October for finance; the head of finance's self-review handed in, so the GM's
    step (the head's evaluation: self → gm → board) is open."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "finance")
    head = (
        w.a["finhead01"]
        if "finhead01" in w.a
        else next(a for a in w.a.values() if a.role == "finance_head")
    )
    submit(head, "self", head.employee.user)
    return w, Appraisal.objects.get(pk=head.pk)


def test_own_inputs_are_the_steps_own_scores_and_deductions(litong):
    """The GM step of the head of finance owns both deduction items (no other step may
    record them); a call-centre supervisor's GM step owns the manager's rating; a staff
    member's GM step owns nothing; a sales rep's behaviour sheet is the GM's only once
    the employee filled it in (a skipped sheet is left out whatever is entered)."""
    head = get_template("finance_warehouse", "finance_head")
    assert [i.code for i in own_inputs(head, {}, "gm")] == ["duties", "integrity"]
    assert own_inputs(head, {}, "board") == []
    lead = get_template("customer_service", "cs_supervisor")
    assert [i.code for i in own_inputs(lead, {}, "gm")] == ["manager_rating"]
    assert own_inputs(get_template("finance_warehouse", "accountant"), {}, "gm") == []
    assert own_inputs(get_template("general", "staff"), {}, "gm") == []
    rep = get_template("sales", "sales_rep")
    assert own_inputs(rep, {}, "gm") == []
    sheet = [i.code for i in rep.indicators if i.code.startswith("b_")]
    filled = {"self": {c: "优" for c in sheet}}
    assert {i.code for i in own_inputs(rep, filled, "gm")} == set(sheet)


def test_the_service_refuses_to_bulk_approve_a_step_with_the_gms_own_deductions(finance):
    """steps_approve refuses the head of finance's GM step, naming the items the GM
    judges; the step stays open, the board's step does not open, nothing is published."""
    w, head = finance
    with translation.override("zh-hans"):
        done = steps_approve(actor=w.u["gm"], appraisal_ids=[head.pk])
        assert done.approved == [] and len(done.refused) == 1
        aid, exc = done.refused[0]
        assert aid == head.pk and exc.rule == "own_inputs"
        assert "岗位职责" in exc.message and "职业操守" in exc.message
    assert step(head, "gm").state == AppraisalStep.State.OPEN
    assert step(head, "board").state == AppraisalStep.State.PENDING
    assert not ResultVersion.objects.filter(appraisal=head).exists()


def test_the_overview_and_summary_leave_the_head_out_with_why_and_a_link(finance):
    """The GM's overview lists the head of finance under "needs your own scores" with a
    link to the step form, not among the ready; the bulk summary does not include the
    head and says why in words, with a link to open the appraisal; a forged
    confirmation naming the head approves nothing and says why."""
    w, head = finance
    dept = head.department_id
    assert head.pk not in [x.appraisal.pk for x in ready_in(w.cycle, dept)]
    assert [x.blocked for x in not_ready_in(w.cycle, dept) if x.appraisal.pk == head.pk] == ["own"]
    gm = client_for(w.u["gm"])
    body = gm.get(f"/gm/?company=litong&cycle={w.cycle.pk}").content.decode()
    assert f'data-own="{head.pk}"' in body and f'data-ready="{head.pk}"' not in body
    assert f'href="/appraisals/{head.pk}/#step-form"' in body
    post = {"company": "litong", "cycle": w.cycle.pk, "department": dept}
    summary = gm.post("/gm/approve/", post).content.decode()
    assert f'data-summary="{head.pk}"' not in summary
    item = summary.split(f'data-not-ready="{head.pk}"')[1].split("</li>")[0]
    assert "需要您本人评分" in item and "岗位职责" in item
    assert f'href="/appraisals/{head.pk}/#step-form"' in item
    r = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": [str(head.pk)]}, follow=True)
    assert "需要您本人评分" in r.content.decode()
    assert step(head, "gm").state == AppraisalStep.State.OPEN


def test_two_grade_schemes_each_count_their_own_people(litong, set_clock):
    """Customer service has support agents on S/A/B/C beside the a–e roles (calibrated
    with other departments, policies.md §4.1). The wait says each scheme with the
    number of appraisals in that pool — never the two schemes added up."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "cs", "hr", "workshop", "finance", calibration_required=True)
    cs = Department.objects.get(company=litong.company, code="cs")
    wait = calibration_wait(w.cycle, cs.pk)
    assert len(wait.pools) == 2
    apps = list(Appraisal.objects.filter(cycle=w.cycle))
    for p in wait.pools:
        codes = {t.role for t in p.templates}
        grades = {tuple(g.code for g in template_for(a).grades) for a in apps if a.role in codes}
        assert len(grades) == 1  # one scheme per pool
        depts = {d.pk for d in p.departments}
        n = sum(
            1
            for a in apps
            if a.department_id in depts and tuple(g.code for g in template_for(a).grades) in grades
        )
        assert p.headcount == n
    support = next(p for p in wait.pools if {t.role for t in p.templates} == {"support_agent"})
    assert support.headcount == 4  # the demo's four support agents, no one else
    with translation.override("zh-hans"):
        words = str(wait_words(wait, links=False))
    counts = sorted(int(n) for n in re.findall(r"共 (\d+) 人", words))
    assert counts == sorted(p.headcount for p in wait.pools)
    assert str(sum(p.headcount for p in wait.pools)) + " 人" not in words


def test_an_event_line_names_the_event_and_its_count(litong):
    """A minor demerit (−5 per occurrence) reads 小过 × 1 次：-5 分 with the template at
    hand, two of them × 2; without a template the line never says × 0."""
    t = get_template("general", "staff")
    with translation.override("zh-hans"):
        one = adjustment_lines([{"code": "minor_demerit", "kind": "points", "value": "-5"}], t)
        two = adjustment_lines([{"code": "minor_demerit", "kind": "points", "value": "-10"}], t)
        blind = adjustment_lines([{"code": "minor_demerit", "kind": "points", "value": "-5"}])
    assert one == ["小过 × 1 次：-5 分"]
    assert two == ["小过 × 2 次：-10 分"]
    assert "× 0" not in blind[0] and "-5 分" in blind[0]
