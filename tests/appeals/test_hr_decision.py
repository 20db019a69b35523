"""HR handling an appeal from the appraisal page and HR's list: the steps answer with
named buttons; the decision offers only the contested items, each with its published
value and allowed range, shows every problem at once, upholds a grade appeal by the
grade alone, and writes nothing before its summary is confirmed; HR's list of the
company's appeals is HR's own and reads in a bounded number of queries."""

from decimal import Decimal

import pytest
from django.test import Client

from engine.appeals import services as appeals
from engine.appeals.models import Appeal, AppealCorrection
from engine.appeals.selectors import company_appeals
from engine.errors import InvalidInput
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def between(html: str, start: str, end: str = "</form>") -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture
def result(workshop, set_clock):
    """staff02's October published on Tue 10 November (82, b); the window is open."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert (a.state, a.total, a.grade) == ("published", Decimal("82.00"), "b")
    set_clock(at(2026, 11, 11, 9))
    return workshop, a


def at_decision(w, a, items):
    """An appeal on `items` taken through mediation, intake and investigation."""
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=items, reason="客户表扬信未计入"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="有据")
    appeals.appeal_investigate(actor=w.u["hr"], appeal_id=appeal.pk, findings="查实")
    return appeal


def test_intake_is_answered_with_named_buttons_and_not_accepting_is_confirmed(result):
    """Intake shows 受理 / 不予受理 as buttons, no checkbox; 不予受理 first answers with
    its summary (the appeal still at intake), and closes it only when confirmed."""
    w, a = result
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="x"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="n"
    )
    hr = client_for(w.u["hr"])
    form = between(hr.get(f"/appraisals/{a.pk}/").content.decode(), 'id="appeal-step-form"')
    assert 'type="checkbox"' not in form
    assert ">受理</button>" in form and ">不予受理</button>" in form
    url = f"/appeals/{appeal.pk}/hr_intake/"
    asked = hr.post(url, {"decision": "close", "reason": "没有客观事实"})
    assert asked.status_code == 200 and 'id="decision-summary"' in asked.content.decode()
    appeal.refresh_from_db()
    assert appeal.state == "hr_intake"
    done = hr.post(url, {"decision": "close", "reason": "没有客观事实", "confirmed": "1"})
    appeal.refresh_from_db()
    assert done.status_code == 302 and (appeal.state, appeal.outcome) == ("closed", "not_accepted")


def test_the_decision_offers_only_the_contested_items_with_their_values(result):
    """An appeal on the attitude offers one correction row, the attitude, with its
    published 22 分 and the allowed 0–25 分 — no other indicator of the template."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    html = client_for(w.u["hr"]).get(f"/appraisals/{a.pk}/").content.decode()
    form = between(html, 'id="appeal-step-form"')
    assert form.count('class="correction"') == 1
    assert 'name="c0_field" value="values.attitude"' in form
    assert "efficiency" not in form and "knowledge" not in form
    assert ">22 分</span>" in between(form, 'id="c0_current"', "</p>") + "</span>"
    assert "允许范围: 0–25 分" in form or "允许范围：0–25 分" in form
    assert ">支持申诉</button>" in form and ">维持原结果</button>" in form
    assert appeal.items == ["attitude"]


def test_every_problem_of_the_decision_is_shown_at_once_at_its_field(result):
    """Upheld with no reason, an attitude of 300 and no reason for it: all three are
    refused in one answer, each beside its input, the range named in the value's
    error; what was typed comes back and nothing is written."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    r = client_for(w.u["hr"]).post(
        f"/appeals/{appeal.pk}/decision/",
        {"decision": "uphold", "reason": " ", "c0_field": "values.attitude", "c0_value": "300"},
    )
    form = between(r.content.decode(), 'id="appeal-step-form"')
    assert r.status_code == 400
    assert 'data-field="reason"' in form
    assert "0–25 分" in between(form, 'data-field="c0_value"', "</p>")
    assert 'data-field="c0_reason"' in form
    assert 'value="300"' in form
    appeal.refresh_from_db()
    a.refresh_from_db()
    assert appeal.state == "decision" and a.result_version == 1


def test_the_decision_is_written_only_once_its_summary_is_confirmed(result):
    """The decision's first post answers with the summary (attitude 22 分 → 25) and
    changes nothing; going back brings the form filled in; confirming writes it."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    hr = client_for(w.u["hr"])
    url = f"/appeals/{appeal.pk}/decision/"
    typed = {
        "decision": "uphold",
        "reason": "表扬信属实",
        "c0_field": "values.attitude",
        "c0_value": "25",
        "c0_reason": "客户表扬",
    }
    asked = hr.post(url, typed)
    summary = between(asked.content.decode(), 'id="decision-summary"', "</dl>")
    assert asked.status_code == 200 and "22 分 → 25" in summary and "支持申诉" in summary
    appeal.refresh_from_db()
    a.refresh_from_db()
    assert appeal.state == "decision" and a.result_version == 1
    back = hr.post(url, {**typed, "back": "1"})
    assert 'value="25"' in between(back.content.decode(), 'id="appeal-step-form"')
    done = hr.post(url, {**typed, "confirmed": "1"})
    appeal.refresh_from_db()
    a.refresh_from_db()
    assert done.status_code == 302 and appeal.outcome == "upheld"
    assert (a.total, a.result_version) == (Decimal("85.00"), 2)


def test_a_grade_appeal_is_upheld_by_the_grade_alone(result):
    """Contested: the grade only. The decision offers the grade (no indicator), upholds
    it with the grade changed and no value correction; the total stays 82."""
    w, a = result
    appeal = at_decision(w, a, ["grade"])
    hr = client_for(w.u["hr"])
    form = between(hr.get(f"/appraisals/{a.pk}/").content.decode(), 'id="appeal-step-form"')
    assert 'name="c0_field" value="grade"' in form and "values." not in form
    typed = {
        "decision": "uphold",
        "reason": "等级按部门分布应为优秀",
        "c0_field": "grade",
        "c0_value": "a",
        "c0_reason": "部门分布有余量",
        "confirmed": "1",
    }
    r = hr.post(f"/appeals/{appeal.pk}/decision/", typed)
    assert r.status_code == 302, r.content.decode()[:800]
    a.refresh_from_db()
    appeal.refresh_from_db()
    assert (appeal.outcome, a.total, a.grade, a.result_version) == (
        "upheld",
        Decimal("82.00"),
        "a",
        2,
    )
    c = AppealCorrection.objects.get(appeal=appeal)
    assert (c.field, c.before, c.after) == ("grade", "b", "a")


def test_the_service_corrects_only_what_was_contested(result):
    """A correction of an item the employee did not contest is refused (rule
    "contested"), and the problems are named all together."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_decide(
            actor=w.u["hr"],
            appeal_id=appeal.pk,
            upheld=True,
            reason="x",
            corrections=[{"field": "values.efficiency", "value": 25, "reason": "r"}],
        )
    assert (err.value.field, err.value.rule) == ("corrections[0].field", "contested")
    appeal.refresh_from_db()
    problems = appeals.appeal_decision_problems(
        appeal=appeal,
        upheld=True,
        reason="",
        corrections=[{"field": "values.attitude", "value": 300, "reason": ""}],
    )
    assert {p.field for p in problems} == {
        "reason",
        "corrections[0].value",
        "corrections[0].reason",
    }


def test_hr_lists_the_companys_appeals_and_no_one_else_sees_them(result, set_clock):
    """HR's list shows the appeal in words (employee, cycle, step, holder), filters by
    state, is linked from HR's navigation; HR of another company gets no appeal from
    the selector and a refusal for this company's page; an employee is refused."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    hr = client_for(w.u["hr"])
    page = hr.get("/hr/appeals/?company=litong")
    html = page.content.decode()
    row = between(html, f'data-appeal="{appeal.pk}"', "</tr>")
    assert page.status_code == 200 and a.employee.name in row and "2026-10" in row
    assert "决定" in row and "人事" in row and "decision" not in row
    assert 'id="nav-appeals"' in html
    closed = hr.get("/hr/appeals/?company=litong&state=upheld").content.decode()
    assert f'data-appeal="{appeal.pk}"' not in closed
    assert 'class="home-appeals-link"' in hr.get("/").content.decode()
    other = w.u["yj_hr"]
    assert not company_appeals(other, company_id=w.company.pk).exists()
    assert client_for(other).get("/hr/appeals/?company=litong").status_code == 403
    assert not company_appeals(w.u["staff02"], company_id=w.company.pk).exists()
    assert client_for(w.u["staff02"]).get("/hr/appeals/?company=litong").status_code == 403


def test_hr_list_reads_in_a_bounded_number_of_queries(result, django_assert_max_num_queries):
    """The selector's list (appraisal, employee, cycle, open step and holder) costs the
    same few queries however many appeals there are."""
    w, a = result
    at_decision(w, a, ["attitude"])
    with django_assert_max_num_queries(3):
        rows = list(company_appeals(w.u["hr"], company_id=w.company.pk))
        for x in rows:
            _ = (x.appraisal.employee.name, x.appraisal.cycle.period)
            for s in x.open_steps:
                _ = (s.due_date, s.assignee_id and s.assignee.employee.name)
    assert len(rows) == Appeal.objects.filter(company=w.company).count() == 1


def test_the_decision_summary_previews_the_new_total_and_grade_without_saving(result):
    """Upholding attitude 22 → 25 shows 总分 82.00 → 85.00 and the grade (良好, unchanged)
    on the summary, computed as the publication computes them (the confirmed result is
    85.00 too); the summary itself writes nothing."""
    w, a = result
    appeal = at_decision(w, a, ["attitude"])
    hr = client_for(w.u["hr"])
    url = f"/appeals/{appeal.pk}/decision/"
    typed = {
        "decision": "uphold",
        "reason": "表扬信属实",
        "c0_field": "values.attitude",
        "c0_value": "25",
        "c0_reason": "客户表扬",
    }
    summary = between(hr.post(url, typed).content.decode(), 'id="decision-summary"', "</dl>")
    total = between(summary, 'id="confirm-total"', "</dd>")
    assert "更正后的总分" in summary and "82" in total and "→ 85" in total
    assert "良好（不变）" in between(summary, 'id="confirm-grade"', "</dd>")
    a.refresh_from_db()
    assert (a.total, a.result_version) == (Decimal("82.00"), 1)
    hr.post(url, {**typed, "confirmed": "1"})
    a.refresh_from_db()
    assert a.total == Decimal("85.00")


def test_nobody_in_hr_judges_an_appeal_against_their_own_scores(result):
    """The workshop head, who scored staff02, also holds the HR role: he mediates (the
    department head's step by design) but may not take HR's intake of the appeal against
    his scores — refused in words, nothing changed; another HR colleague takes it."""
    from engine.errors import Forbidden
    from engine.org import services as org
    from workflows.common.labels import error_text

    w, a = result
    head = w.u["workshop_head"]
    org.company_role_grant(actor=w.u["hr"], company=w.company, user=head, role="hr")
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="客户表扬信未计入"
    )
    appeals.appeal_mediate(actor=head, appeal_id=appeal.pk, resolved=False, note="未谈妥")
    with pytest.raises(Forbidden) as refused:
        appeals.appeal_intake(actor=head, appeal_id=appeal.pk, accepted=True, reason="有据")
    assert refused.value.rule == "own_scores"
    assert "须由其他人事同事处理" in str(error_text(refused.value))
    assert Appeal.objects.get(pk=appeal.pk).state == "hr_intake"
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="有据")
    assert Appeal.objects.get(pk=appeal.pk).state == "investigation"
