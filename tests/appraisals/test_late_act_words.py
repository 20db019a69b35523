"""A late step's penalty line says what happened (workflow.md §4): a step HR pushed on
past its deadline was never handed in, so its line names who pushed it and when, in
both languages, on the steps table and in the result's explanation — never "handed in"
(实际…提交); a review returned late says it was returned."""

from django.utils import translation

from engine.appraisals import services
from engine.org.display import person_name
from tests.month import STAFF_VALUES, at, run_chain, step, submit
from workflows.people.explain import explain_result
from workflows.people.step_page import step_rows


def _penalty_line(a, code):
    return next(r for r in step_rows(a) if r["step"].code == code)["penalty"]


def _adjustments(a):
    return " | ".join(explain_result(a)["adjustments"])


def _push(w, a, code):
    services.step_push(
        actor=w.u["hr"], appraisal_id=a.pk, step_id=step(a, code).pk, reason="never handed in"
    )


def test_a_self_review_pushed_on_says_who_pushed_it_not_handed_in(workshop, set_clock):
    """staff03's self-review, due Monday 2 November, is pushed on by HR on Tuesday 3 at
    09:00: the steps table and the published result say it was not handed in and name
    HR's person, in English and Chinese; nothing says it was submitted."""
    w = workshop
    a = w.a["staff03"]
    hr = person_name(w.u["hr"])
    set_clock(at(2026, 11, 3, 9))
    _push(w, a, "self")
    with translation.override("en"):
        line = _penalty_line(a, "self")
    assert f"(due 2026-11-02 23:59, not handed in: pushed on by {hr} at 2026-11-03 09:00)" in line
    assert "handed in 2026" not in line
    with translation.override("zh-hans"):
        line = _penalty_line(a, "self")
    assert f"（截止 2026-11-02 23:59，未提交：由{hr}于 2026-11-03 09:00 推进）" in line
    assert "实际" not in line
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", w.u["hr"])
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    with translation.override("en"):
        said = _adjustments(a)
    assert (
        f"was due 2026-11-02 23:59 and not handed in: {hr} pushed it on at 2026-11-03 09:00" in said
    )
    assert "handed in 2026" not in said
    with translation.override("zh-hans"):
        said = _adjustments(a)
    assert f"应于 2026-11-02 23:59 提交，未提交：由{hr}于 2026-11-03 09:00 推进" in said
    assert "实际" not in said


def test_a_review_pushed_on_says_so_on_the_reviewers_own_result(workshop, set_clock):
    """The head never reviews staff02 (due Thursday 5 November); HR pushes the review on
    on Friday 6 at 10:00. The −15% on the head's own result says his review of staff02
    was not handed in and who pushed it on."""
    w = workshop
    a = w.a["staff02"]
    hr = person_name(w.u["hr"])
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 6, 10))
    _push(w, a, "supervisor")
    head = run_chain(
        w,
        "workshop_head",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        hr_at=at(2026, 11, 6, 11),
        gm_at=at(2026, 11, 6, 12),
        values={"efficiency": 25, "operation": 25, "attitude": 25, "knowledge": 25},
    )
    name = a.employee.name
    with translation.override("en"):
        said = _adjustments(head)
    assert f"of {name} was due 2026-11-05 23:59 and not handed in: {hr} pushed it on at" in said
    assert "handed in 2026" not in said
    with translation.override("zh-hans"):
        said = _adjustments(head)
    assert f"您对{name}的" in said and f"未提交：由{hr}于 2026-11-06 10:00 推进" in said
    assert "实际" not in said


def test_a_review_returned_late_says_it_was_returned(workshop, set_clock):
    """The head returns staff02's self-review on Friday 6 November, after his review's
    due moment (Thursday 5): the penalty line says the review was returned then."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 6, 10))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    with translation.override("en"):
        line = _penalty_line(a, "supervisor")
    assert "(due 2026-11-05 23:59, returned 2026-11-06 10:00)" in line
    with translation.override("zh-hans"):
        line = _penalty_line(a, "supervisor")
    assert "（截止 2026-11-05 23:59，于 2026-11-06 10:00 退回）" in line and "实际" not in line
