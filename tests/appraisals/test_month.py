"""A month driven by the clock: on-time path, late self, late supervisor, a return,
a holiday due day, an HR push, and the sweep (docs/operations.md)."""

import datetime as dt
from decimal import Decimal

import pytest

from engine.appraisals import services
from engine.appraisals.models import Appraisal, LatePenalty, ResultVersion
from engine.audit.models import AuditEvent
from engine.audit.verify import verify
from engine.deadlines.sweep import sweep
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.notifications.models import Notification
from tests.month import STAFF_VALUES, at, run_chain, step, submit


def test_due_moments_follow_the_calendar(workshop):
    """Every step's due moment and reminders fall on working days of the company calendar."""
    a = workshop.a["staff02"]
    dues = {s.code: s.due_date for s in a.steps.all()}
    # Nov 8, 2026 is a Sunday: HR's due day moves to Monday Nov 9
    assert dues == {
        "self": dt.date(2026, 11, 2),
        "supervisor": dt.date(2026, 11, 5),
        "hr": dt.date(2026, 11, 9),
        "gm": dt.date(2026, 11, 10),
    }
    s = step(a, "self")
    assert s.due_at == at(2026, 11, 2, 23, 59).replace(second=59, microsecond=999999)
    assert s.remind_before_at == at(2026, 10, 30, 0)  # the working day before (Fri)
    assert (a.pack, a.version, a.role, len(a.template_hash)) == ("general", "1.2.0", "staff", 64)


def test_on_time_path_publishes_with_breakdown(workshop, set_clock):
    # 20 + 21 + 22 + 19 = 82 → b, nothing late
    """An on-time chain publishes the total, grade and every line of the computation."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert (a.state, a.total, a.grade, a.result_version) == ("published", 82, "b", 1)
    assert a.result["adjustments"] == []
    assert [i["code"] for i in a.result["indicators"]] == [
        "efficiency",
        "operation",
        "attitude",
        "knowledge",
    ]
    assert not LatePenalty.objects.exists()
    assert (
        Notification.objects.filter(user=workshop.u["staff02"], kind="result_published").count()
        == 1
    )
    assert verify()["ok"]


def test_late_self_costs_the_employee_ten_percent(workshop, set_clock):
    # self handed in Nov 3 (due Nov 2): 82 × 0.90 = 73.80 → c
    """A late self-review costs the employee's own total 10%."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 3), sup_at=at(2026, 11, 4))
    assert (a.total, a.grade) == (Decimal("73.80"), "c")
    pen = LatePenalty.objects.get()
    assert (pen.target_id, pen.hits, pen.step_code, str(pen.rate)) == (
        a.pk,
        "employee",
        "self",
        "0.1000",
    )
    assert AuditEvent.objects.filter(action="late_penalty", object_id=str(a.pk)).count() == 1


def test_late_supervisor_costs_the_supervisors_own_appraisal(workshop, set_clock):
    # workshop_head reviews staff02 on Nov 6 (due Nov 5): staff02 keeps 82; the head's own loses 15%
    """A late supervisor review costs the supervisor's own appraisal 15%, once per step code."""
    staff = run_chain(
        workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 6, 9)
    )
    assert staff.total == 82
    head_appraisal = workshop.a["workshop_head"]
    pen = LatePenalty.objects.get()
    assert (pen.target_id, pen.hits, pen.step_code) == (head_appraisal.pk, "reviewer", "supervisor")
    # the head's own: 25×4 = 100 × 0.85 = 85 → b
    head = run_chain(
        workshop,
        "workshop_head",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        values={"efficiency": 25, "operation": 25, "attitude": 25, "knowledge": 25},
    )
    assert (head.total, head.grade) == (85, "b")
    assert {"code": "late:supervisor", "kind": "factor", "value": "0.85"}.items() <= head.result[
        "adjustments"
    ][0].items()


def test_late_review_after_the_reviewers_publication_republishes(workshop, set_clock):
    """A penalty found after the reviewer's own result was published republishes it as a new
    version."""
    head = run_chain(
        workshop,
        "workshop_head",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        values={"efficiency": 25, "operation": 25, "attitude": 25, "knowledge": 25},
        hr_at=at(2026, 11, 4, 12),
        gm_at=at(2026, 11, 4, 13),
    )
    assert (head.total, head.result_version) == (100, 1)
    run_chain(workshop, "staff03", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 6))
    head.refresh_from_db()
    assert (head.total, head.result_version) == (85, 2)
    assert (
        ResultVersion.objects.get(appraisal=head, number=1).total == 100
    )  # version 1 stays readable


def test_return_and_resubmission_are_not_penalised(workshop, set_clock):
    """A return needs a comment; the returned step is reopened and its resubmission is never late."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 2))
    submit(a, "self", workshop.u["staff02"])
    set_clock(at(2026, 11, 4))
    with pytest.raises(InvalidInput) as err:
        services.step_return(
            actor=workshop.u["workshop_head"],
            appraisal_id=a.pk,
            step_id=step(a, "supervisor").pk,
            comment="  ",
        )
    assert err.value.field == "comment"
    services.step_return(
        actor=workshop.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add your training record",
    )
    assert step(a, "self").state == "open" and step(a, "supervisor").state == "pending"
    # resubmitted after the self-review's due day, and reviewed after the supervisor's:
    set_clock(at(2026, 11, 6))
    submit(a, "self", workshop.u["staff02"])
    set_clock(at(2026, 11, 6, 15))
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    assert not LatePenalty.objects.exists()
    kinds = list(step(a, "supervisor").submissions.values_list("kind", flat=True))
    assert kinds == ["return", "submit"]  # both versions kept
    assert step(a, "supervisor").submissions.first().comment == "please add your training record"


def test_hr_pushes_an_overdue_self_review(workshop, set_clock):
    """HR pushes only an overdue step: it is skipped, the penalty applies, the next step
    opens; anyone else's push is refused and audited."""
    a = workshop.a["staff03"]
    s = step(a, "self")
    set_clock(at(2026, 11, 2, 18))
    with pytest.raises(Conflict) as err:
        services.step_push(
            actor=workshop.u["hr"], appraisal_id=a.pk, step_id=s.pk, reason="never handed in"
        )
    assert err.value.rule == "overdue"
    set_clock(at(2026, 11, 3, 9))
    denied = AuditEvent.objects.filter(action="access_denied")
    n = denied.count()
    with pytest.raises(Forbidden, match="only HR"):
        services.step_push(actor=workshop.u["staff02"], appraisal_id=a.pk, step_id=s.pk, reason="x")
    # the refused push is in the trail (docs/architecture.md), with who tried what
    refused = denied.latest("seq")
    assert denied.count() == n + 1 and refused.actor_id == workshop.u["staff02"].pk
    assert refused.after["attempt"] == "step_push"
    services.step_push(
        actor=workshop.u["hr"], appraisal_id=a.pk, step_id=s.pk, reason="never handed in"
    )
    s.refresh_from_db()
    assert (s.state, s.late) == ("skipped", True)
    assert step(a, "supervisor").state == "open"
    assert LatePenalty.objects.get().target_id == a.pk
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", workshop.u["hr"])
    submit(a, "gm", workshop.u["gm"])
    a.refresh_from_db()
    assert (a.state, a.total) == ("published", Decimal("73.80"))


def test_holiday_due_day_moves_to_the_next_working_day(litong, set_clock):
    # September 2026: Oct 2 and Oct 5 are National Day; both move to Thu Oct 8;
    # Oct 10 is a Saturday made a working day (调休), so the GM's day stays.
    """A due day on a public holiday moves to the next working day."""
    set_clock(at(2026, 9, 28))
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-09",
    )
    a = Appraisal.objects.filter(cycle=cycle, pack="general").first()
    dues = {s.code: s.due_date for s in a.steps.all()}
    assert dues == {
        "self": dt.date(2026, 10, 8),
        "supervisor": dt.date(2026, 10, 8),
        "hr": dt.date(2026, 10, 8),
        "gm": dt.date(2026, 10, 10),
    }


def test_sweep_reminds_marks_overdue_and_is_idempotent(
    workshop, set_clock, mailoutbox, django_capture_on_commit_callbacks
):
    """The sweep reminds the day before and on the due day, marks overdue once, and a second run
    changes nothing."""
    set_clock(at(2026, 10, 30, 8))  # the working day before the self-review's due day
    first = sweep()
    assert first.remind_before == 3 and first.overdue == 0
    assert not any(sweep().as_dict().values())  # the second run changes nothing
    set_clock(at(2026, 11, 2, 8))
    assert sweep().remind_due == 3
    set_clock(at(2026, 11, 3, 0, 1))
    with django_capture_on_commit_callbacks(execute=True):
        r = sweep()
    assert r.overdue == 3
    # the holder and the holder's supervisor (the GM for the head, the head for staff) are told
    staff03 = workshop.a["staff03"]
    assert Notification.objects.filter(user=workshop.u["staff03"], kind="overdue").count() == 1
    # one digest for the head, covering both reports
    digest = Notification.objects.get(
        user=workshop.u["workshop_head"], kind="step_overdue_escalation"
    )
    assert "(2)" in digest.message
    before = (Notification.objects.count(), AuditEvent.objects.count())
    assert sweep().as_dict()["overdue"] == 0
    assert (Notification.objects.count(), AuditEvent.objects.count()) == before
    assert step(staff03, "self").overdue_at is not None and step(staff03, "self").state == "open"
    # the same notifications went out by e-mail (locmem in tests), once each
    overdue_mails = [m for m in mailoutbox if "逾期" in m.body]  # in the recipients' language
    assert len(overdue_mails) == 3 + 2  # the three holders; one digest each for the head and the GM


def test_wrong_actors_and_bad_input_leave_the_data_as_it_was(workshop, set_clock):
    """Refused actors and invalid values change nothing and name the field."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    with pytest.raises(Forbidden, match="do not hold the self step"):
        submit(a, "self", workshop.u["staff03"])
    submit(a, "self", workshop.u["staff02"])
    with pytest.raises(Conflict, match="state is done"):
        submit(a, "self", workshop.u["staff02"])  # twice
    with pytest.raises(Forbidden, match="do not hold the supervisor step"):
        submit(a, "supervisor", workshop.u["staff02"], {"values": STAFF_VALUES})  # own appraisal
    with pytest.raises(Forbidden, match="do not hold the supervisor step"):
        submit(a, "supervisor", workshop.u["yj_hr"], {"values": STAFF_VALUES})  # another company
    snapshot = Appraisal.objects.filter(pk=a.pk).values("values", "current_step").get()
    for bad, field in [
        ({"values": {**STAFF_VALUES, "attitude": 26}}, "values.attitude"),
        ({"values": {"charm": 3}}, "values.charm"),
        ({"events": {"birthday": 1}}, "events.birthday"),
        ({"values": {"efficiency": "lots"}}, "values.efficiency"),
        ({"bonus": 1}, "bonus"),
    ]:
        with pytest.raises(InvalidInput) as err:
            submit(a, "supervisor", workshop.u["workshop_head"], bad)
        assert err.value.field == field
    assert Appraisal.objects.filter(pk=a.pk).values("values", "current_step").get() == snapshot
    assert step(a, "supervisor").state == "open"
    # incomplete values: the supervisor's step is refused naming every empty indicator
    # (3 of the 4 staff indicators: operation, attitude, knowledge), nothing is stored
    with pytest.raises(InvalidInput) as err:
        submit(a, "supervisor", workshop.u["workshop_head"], {"values": {"efficiency": 20}})
    assert (err.value.field, err.value.rule) == ("values", "inputs_missing")
    assert "（3 项）" in err.value.message  # the reader's language: zh-Hans by default
    assert all(n in err.value.message for n in ("操作", "工作态度", "学识"))
    assert Appraisal.objects.filter(pk=a.pk).values("values", "current_step").get() == snapshot
    assert (a.state, step(a, "supervisor").state) == ("in_progress", "open")


def test_access_denied_is_audited(workshop, set_clock):
    """A refused attempt to act is recorded in the trail although its transaction rolled back."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    n = AuditEvent.objects.filter(action="access_denied").count()
    with pytest.raises(Forbidden):
        submit(a, "self", workshop.u["staff03"])
    assert AuditEvent.objects.filter(action="access_denied").count() == n + 1
