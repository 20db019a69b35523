"""A returned step handed in again (docs/policies.md, "Returned steps"): the reviewer who
returned it gets a fresh window counted from the resubmission, is told the form is back
(with their deputy), and the result explains a late penalty by the moment it missed."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from engine.appraisals import services
from engine.appraisals.models import LatePenalty
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from engine.deadlines.sweep import sweep
from engine.notifications.models import Notification
from engine.org import services as org
from tests.month import SH, STAFF_VALUES, at, step, submit
from workflows.people.explain import explain_result
from workflows.people.step_page import lateness, step_rows


def _late_self_returned_and_resubmitted(w, set_clock):
    """staff03's self-review (due Monday 2 November) handed in late on Tuesday 3
    (−10%), returned by the head on Wednesday 4 (his review is due Thursday 5), handed
    in again on Thursday 5 at 09:00."""
    a = w.a["staff03"]
    set_clock(at(2026, 11, 3, 9))
    submit(a, "self", w.u["staff03"])
    set_clock(at(2026, 11, 4, 10))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    set_clock(at(2026, 11, 5, 9))
    submit(a, "self", w.u["staff03"])
    return a


def test_golden_the_reviewers_due_moves_after_a_resubmission(workshop, set_clock):
    """Returned on Wednesday 4 November, the self-review is due its 3 working days from
    the return (Thu 5, Fri 6, Mon 9) and the head's review, due Thursday 5, would be due
    before the form is back with him: it moves to 3 working days after Monday 9 (Tue 10,
    Wed 11, Thu 12) → end of Thursday 12, "due tomorrow" from Wednesday 11 00:00, "due
    today" from Thursday 12 00:00. Handed in again early, on Thursday 5, the review keeps
    the Thursday 12 it was told (3 working days from the 5th is only Tuesday 10: a
    deadline never shrinks), and there is no overdue mark on the 6th. The head hands in
    on Monday 9 (after the old 5th, within the new moment): no penalty on his own
    appraisal. staff03 keeps the one −10% of the first late hand-in:
    20 + 21 + 22 + 19 = 82 × (1 − 0.10) = 73.80."""
    w = workshop
    a = _late_self_returned_and_resubmitted(w, set_clock)
    sup = step(a, "supervisor")
    assert sup.due_date == dt.date(2026, 11, 12)
    assert sup.remind_before_at == dt.datetime(2026, 11, 11, tzinfo=SH)
    assert sup.remind_due_at == dt.datetime(2026, 11, 12, tzinfo=SH)
    set_clock(at(2026, 11, 6, 12))
    sweep()
    assert step(a, "supervisor").overdue_at is None
    set_clock(at(2026, 11, 9, 11))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    assert step(a, "supervisor").late is False
    assert not LatePenalty.objects.filter(target=w.a["workshop_head"]).exists()
    set_clock(at(2026, 11, 9, 14))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10, 10))
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    assert a.total == Decimal("73.80")


def test_the_later_steps_follow_the_returned_step_at_the_return(workshop, set_clock):
    """Returned on Wednesday 4 November, the self-review is due Monday 9 (above), so the
    head's review moves from Thursday 5 to Thursday 12; HR's step, due Monday 9, would be
    due before the review it follows, so it is due its 3 working days after Thursday 12
    (Fri 13, Mon 16, Tue 17), and the GM his 2 after HR's (Wed 18, Thu 19): no step of
    the chain is due before the one before it, from the moment of the return. The
    return's audit event names each step whose due day moved, with the day before; the
    early resubmission moves nothing more."""
    w = workshop
    a = _late_self_returned_and_resubmitted(w, set_clock)
    dues = [step(a, code).due_date for code in ("self", "supervisor", "hr", "gm")]
    assert dues[1:] == [dt.date(2026, 11, 12), dt.date(2026, 11, 17), dt.date(2026, 11, 19)]
    hr = step(a, "hr")
    assert hr.remind_before_at == dt.datetime(2026, 11, 16, tzinfo=SH)
    assert hr.remind_due_at == dt.datetime(2026, 11, 17, tzinfo=SH)
    event = AuditEvent.objects.filter(object_id=str(a.pk), action="return:supervisor").latest("seq")
    assert event.after["due_date"] == "2026-11-09"
    assert event.after["redated"] == [
        {"step": "supervisor", "due_date": "2026-11-12", "was_due": "2026-11-05"},
        {"step": "hr", "due_date": "2026-11-17", "was_due": "2026-11-09"},
        {"step": "gm", "due_date": "2026-11-19", "was_due": "2026-11-10"},
    ]
    resubmitted = AuditEvent.objects.filter(object_id=str(a.pk), action="submit:self").latest("seq")
    assert "redated" not in resubmitted.after
    # HR hands in on Monday 16, after the old 9th: in time, nobody is penalised
    set_clock(at(2026, 11, 9, 11))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 16, 11))
    submit(a, "hr", w.u["hr"])
    assert step(a, "hr").late is False
    assert step(a, "gm").due_date == dt.date(2026, 11, 19)
    assert list(LatePenalty.objects.values_list("step_code", flat=True)) == ["self"]


def test_a_resubmission_late_in_the_returned_window_moves_the_later_steps(workshop, set_clock):
    """Returned on Wednesday 4 November (self due Monday 9, the review moved to Thursday
    12, above), the self-review is handed in again on Tuesday 10 at 09:00, after its own
    due moment: the review is due 3 working days from the 10th (Wed 11, Thu 12, Fri 13),
    later than its Thursday 12, so it moves to Friday 13; HR (Tue 17) and the GM
    (Thu 19) are still due after it and keep their days. The submission's event names
    the one move."""
    w = workshop
    a = w.a["staff03"]
    set_clock(at(2026, 11, 3, 9))
    submit(a, "self", w.u["staff03"])
    set_clock(at(2026, 11, 4, 10))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    set_clock(at(2026, 11, 10, 9))
    submit(a, "self", w.u["staff03"])
    dues = [step(a, code).due_date for code in ("supervisor", "hr", "gm")]
    assert dues == [dt.date(2026, 11, 13), dt.date(2026, 11, 17), dt.date(2026, 11, 19)]
    event = AuditEvent.objects.filter(object_id=str(a.pk), action="submit:self").latest("seq")
    assert event.after["redated"] == [
        {"step": "supervisor", "due_date": "2026-11-13", "was_due": "2026-11-12"}
    ]


def test_a_later_step_already_due_after_the_one_before_keeps_its_day(workshop, set_clock):
    """The self-review handed in on Sunday 1 November and returned by the head on
    Monday 2 is handed in again the same Monday: the head's review keeps its Thursday 5
    (3 working days from the 2nd is the 5th), so nothing after it moves and the
    submission's audit event names no moved due day."""
    w = workshop
    a = w.a["staff03"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff03"])
    set_clock(at(2026, 11, 2, 9))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    set_clock(at(2026, 11, 2, 11))
    submit(a, "self", w.u["staff03"])
    dues = [step(a, code).due_date for code in ("supervisor", "hr", "gm")]
    assert dues == [dt.date(2026, 11, 5), dt.date(2026, 11, 9), dt.date(2026, 11, 10)]
    event = AuditEvent.objects.filter(object_id=str(a.pk), action="submit:self").latest("seq")
    assert "redated" not in event.after


def test_a_reviewer_late_for_the_fresh_moment_pays_once(workshop, set_clock):
    """The head, due end of Thursday 12 November after the return, hands in on
    Friday 13: late against the fresh moment, so his own appraisal loses 15% (once),
    and the penalty names the moment it missed (the 12th, not the 5th)."""
    w = workshop
    a = _late_self_returned_and_resubmitted(w, set_clock)
    set_clock(at(2026, 11, 13, 9))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    pen = LatePenalty.objects.get(target=w.a["workshop_head"])
    assert (pen.step_code, pen.rate) == ("supervisor", Decimal("0.1500"))
    assert pen.due_at.astimezone(SH).date() == dt.date(2026, 11, 12)


def test_the_reviewer_and_deputy_are_told_when_a_returned_step_comes_back(workshop, set_clock):
    """The head delegates to cs_head (a peer) for 1–10 November. When staff03 hands the
    returned self-review in again, the head gets a second "a step is yours" notice (the
    first came with the first hand-in) and so does his deputy, with the due day the
    return gave the review (Thursday 12)."""
    w = workshop
    set_clock(at(2026, 11, 1))
    org.delegation_create(
        actor=w.u["workshop_head"],
        company=w.company,
        from_user=w.u["workshop_head"],
        to_user=w.u["cs_head"],
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 10),
        reason="出差",
    )
    a = _late_self_returned_and_resubmitted(w, set_clock)
    opened = Notification.objects.filter(appraisal=a, kind="step_open", params__step="supervisor")
    assert opened.filter(user=w.u["workshop_head"]).count() == 2
    deputy = opened.filter(user=w.u["cs_head"]).order_by("-created_at").first()
    assert deputy is not None and deputy.params["due"] == "2026-11-12"
    assert deputy.created_at == at(2026, 11, 5, 9)


def test_the_penalty_text_quotes_the_moment_missed_not_the_returned_one(workshop, set_clock):
    """While the self-review is back with staff03 (now due Monday 9 November), her page
    says the −10% of the first hand-in stands and handing in again adds none; once
    published, the result line quotes the due moment missed (2026-11-02 23:59) and the
    late hand-in (2026-11-03 09:00), 9 hours late — not the new due day and "0 minutes"."""
    w = workshop
    a = w.a["staff03"]
    set_clock(at(2026, 11, 3, 9))
    submit(a, "self", w.u["staff03"])
    set_clock(at(2026, 11, 4, 10))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    with translation.override("en"):
        said = lateness(a, step(a, "self"), template_for(a), w.u["staff03"])["penalty"]
        assert "stands" in said and "adds none" in said and "costs nothing" not in said
        table = next(r for r in step_rows(a) if r["step"].code == "self")["penalty"]
        assert "due 2026-11-02 23:59, handed in 2026-11-03 09:00" in table
    set_clock(at(2026, 11, 5, 9))
    submit(a, "self", w.u["staff03"])
    set_clock(at(2026, 11, 5, 11))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6, 10))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10, 10))
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    with translation.override("en"):
        lines = " | ".join(explain_result(a)["adjustments"])
    assert "was due 2026-11-02 23:59 and handed in 2026-11-03 09:00, 9\xa0hours late" in lines
    assert "2026-11-09" not in lines
