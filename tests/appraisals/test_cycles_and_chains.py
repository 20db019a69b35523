"""Opening cycles, targets, late joiners, leavers, exemptions, and how each chain is
routed (finance head → board, the GM's own appraisal, escalation)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, KpiTarget, LatePenalty
from engine.audit.models import AuditEvent
from engine.errors import Conflict, DomainError, Forbidden, InvalidInput
from engine.org import services as org
from engine.org.models import Department, Employee
from tests.month import at, step, submit


def test_opening_twice_is_refused_and_bad_periods_named(workshop, set_clock):
    """A period opens once per company; a malformed period is refused naming `period`."""
    with pytest.raises(Conflict) as err:
        services.cycle_open(
            targets_later=True,
            actor=workshop.u["hr"],
            company=workshop.company,
            kind="month",
            period="2026-10",
        )
    assert err.value.field == "period"
    for kind, period in [("month", "2026-13"), ("quarter", "2026-10"), ("week", "2026-10")]:
        with pytest.raises(InvalidInput) as err:
            services.cycle_open(
                targets_later=True,
                actor=workshop.u["hr"],
                company=workshop.company,
                kind=kind,
                period=period,
            )
        assert err.value.field in {"period", "kind"}
    with pytest.raises(Forbidden, match="only HR"):
        services.cycle_open(
            targets_later=True,
            actor=workshop.u["staff02"],
            company=workshop.company,
            kind="month",
            period="2026-11",
        )
    with pytest.raises(Forbidden, match="only HR"):  # HR of the other company
        services.cycle_open(
            targets_later=True,
            actor=workshop.u["yj_hr"],
            company=workshop.company,
            kind="month",
            period="2026-11",
        )


def test_whole_company_cycle_covers_every_family(litong, set_clock):
    """A whole-company cycle gives every active, mapped employee one appraisal with their pack's
    chain."""
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-10",
    )
    packs = set(Appraisal.objects.filter(cycle=cycle).values_list("pack", flat=True))
    assert packs == {"general", "customer_service", "finance_warehouse", "sales", "rnd"}
    assert (
        Appraisal.objects.filter(cycle=cycle).count()
        == Employee.objects.filter(company=litong.company).count()
    )
    # the finance head: self (Oct 30) → gm (Nov 5) → board (Nov 10)
    fh = Appraisal.objects.get(cycle=cycle, employee__user__username="finance_head")
    assert [(s.code, s.holder_role) for s in fh.steps.all()] == [
        ("self", ""),
        ("gm", "gm"),
        ("board", "board"),
    ]
    # staff of finance: self → dept_head (the finance head) → gm
    acct = Appraisal.objects.get(cycle=cycle, employee__user__username="acct02")
    assert [s.code for s in acct.steps.all()] == ["self", "dept_head", "gm"]
    assert step(acct, "dept_head").assignee == litong.u["finance_head"]
    # the GM's own appraisal: its gm step goes to the board
    gm = Appraisal.objects.get(cycle=cycle, employee__user__username="gm")
    assert (step(gm, "gm").holder_role, step(gm, "gm").escalated_from) == ("board", "gm")
    # the GM has no supervisor: their supervisor step escalates (no head above) to HR
    assert (step(gm, "supervisor").holder_role, step(gm, "supervisor").escalated_from) == (
        "hr",
        "supervisor",
    )


def test_targets_pack_default_then_cycle_then_kpi_contract(litong, set_clock):
    """Targets resolve pack default < cycle value < the employee's KPI contract; a negative target
    is refused by its path."""
    rep = Employee.objects.get(user__username="rep02")
    KpiTarget.objects.create(employee=rep, indicator="net_revenue", target=Decimal("900000"))
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-10",
        targets={
            "sales": {"sales_rep": {"net_revenue": 1000000, "orders": 20}},
            "customer_service": {"ecommerce_agent": {"response_time": 20}},
        },
    )
    a = Appraisal.objects.get(cycle=cycle, employee=rep)
    assert a.targets["orders"] == "20" and a.targets["net_revenue"] == "900000.0000"
    ecom = Appraisal.objects.filter(cycle=cycle, role="ecommerce_agent").first()
    assert ecom.targets["response_time"] == "20" and ecom.targets["reply_rate"] == "1"
    with pytest.raises(InvalidInput) as err:
        services.cycle_open(
            targets_later=True,
            actor=litong.u["hr"],
            company=litong.company,
            kind="month",
            period="2026-11",
            targets={"sales": {"sales_rep": {"orders": -1}}},
        )
    assert err.value.field == "targets.sales.sales_rep.orders"


def test_late_joiner_leaver_and_exemption(workshop, set_clock):
    """A late joiner is added to an open cycle; a leaver is withdrawn and an absentee exempted,
    each with a reason, never deleted."""
    hr = workshop.u["hr"]
    dept = Department.objects.get(company=workshop.company, code="workshop")
    user = org.user_create(username="newbie", password=None)
    newbie = org.employee_create(
        actor=hr,
        company=workshop.company,
        user=user,
        number="LT9999",
        name="新人",
        department=dept,
        position=workshop.a["staff02"].employee.position,
        supervisor=workshop.a["staff02"].employee.supervisor,
        hire_date=at(2026, 10, 15).date(),
    )
    a = services.appraisal_add(actor=hr, cycle=workshop.cycle, employee=newbie)
    assert a.steps.count() == 4
    with pytest.raises(Conflict, match="already in this cycle"):
        services.appraisal_add(actor=hr, cycle=workshop.cycle, employee=newbie)
    with pytest.raises(InvalidInput) as err:
        services.appraisal_withdraw(actor=hr, appraisal=a, reason=" ")
    assert err.value.field == "reason"
    services.appraisal_withdraw(actor=hr, appraisal=a, reason="left on Nov 1")
    a.refresh_from_db()
    assert a.state == "withdrawn" and Appraisal.objects.filter(pk=a.pk).exists()
    assert set(a.steps.values_list("state", flat=True)) == {"cancelled"}
    staff03 = services.appraisal_exempt(
        actor=hr, appraisal=workshop.a["staff03"], reason="sick leave since Sept"
    )
    assert staff03.state == "exempt"
    with pytest.raises(Conflict, match="state is exempt"):
        services.appraisal_exempt(actor=hr, appraisal=staff03, reason="again")


def test_finance_staff_late_dept_head_hits_the_heads_own_appraisal(litong, set_clock):
    """A late department-head review of finance staff costs the head's own appraisal 15%, not the
    employee's."""
    hr = litong.u["hr"]
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=[Department.objects.get(company=litong.company, code="finance").pk],
    )
    acct = Appraisal.objects.get(cycle=cycle, employee__user__username="acct02")
    head = Appraisal.objects.get(cycle=cycle, employee__user__username="finance_head")
    set_clock(at(2026, 10, 30))
    submit(acct, "self", litong.u["acct02"])
    set_clock(at(2026, 11, 6))  # the head reports after the 5th
    submit(
        acct,
        "dept_head",
        litong.u["finance_head"],
        {"deductions": {"duties": [{"points": 5, "reason": "late reconciliation"}]}},
    )
    pen = LatePenalty.objects.get()
    assert (pen.target_id, pen.rate) == (head.pk, Decimal("0.15"))
    submit(acct, "gm", litong.u["gm"])
    acct.refresh_from_db()
    assert (acct.total, acct.grade) == (Decimal("95.00"), "a")  # 65 + 30, not penalised
    # the head's own: self on time, gm, board; 100 × 0.85 = 85
    set_clock(at(2026, 10, 30))
    submit(head, "self", litong.u["finance_head"])
    set_clock(at(2026, 11, 4))
    submit(head, "gm", litong.u["gm"])
    with pytest.raises(Forbidden, match="do not hold the board step"):
        submit(head, "board", litong.u["gm"])
    submit(head, "board", litong.u["board"])
    head.refresh_from_db()
    assert (head.total, head.state) == (Decimal("85.00"), "published")
    # the trail names who published and in which role: the GM for the accountant, the
    # board (not "gm") for the head, whose last step the board held
    published = {
        e.object_id: (e.actor_id, e.role)
        for e in AuditEvent.objects.filter(action="publish", object_type="appraisals.appraisal")
    }
    assert published[str(acct.pk)] == (litong.u["gm"].pk, "gm")
    assert published[str(head.pk)] == (litong.u["board"].pk, "board")


def test_cs_supervisor_waits_for_the_team(litong, set_clock):
    """cs_supervisor's team_management needs the reports' final totals: the GM's
    approval leaves it waiting, and the last report's publication publishes it."""
    hr = litong.u["hr"]
    cs = Department.objects.get(company=litong.company, code="cs")
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=[cs.pk],
        targets={
            "customer_service": {
                # completion rates (unit rate): 100% of the plan
                "cs_supervisor": {"key_tasks": "1", "adhoc_tasks": "1", "sales_linked": "1"}
            }
        },
    )
    sup = Appraisal.objects.get(cycle=cycle, role="cs_supervisor")
    reports = Appraisal.objects.filter(cycle=cycle, employee__supervisor=sup.employee)
    assert reports.count() == 12
    set_clock(at(2026, 11, 1))
    services.appraisal_set_inputs(
        actor=hr,
        appraisal=sup,
        system_values={"sales_linked": "1", "team_management": {"violations": 0}},
    )
    submit(sup, "self", sup.employee.user)
    submit(
        sup,
        "supervisor",
        litong.u["gm"],
        {"values": {"key_tasks": "1", "adhoc_tasks": "1", "team_retention": {"quit": 0}}},
    )
    submit(sup, "hr", hr)
    submit(sup, "gm", litong.u["gm"], {"values": {"manager_rating": "high"}})
    sup.refresh_from_db()
    assert (sup.state, sup.current_step) == ("in_progress", "")
    for a in reports.exclude(role="call_agent"):
        services.appraisal_exempt(actor=hr, appraisal=a, reason="only the call agents count here")
    calls = list(reports.filter(role="call_agent"))
    for a in calls:  # call agents: base 100, events only
        submit(a, "self", a.employee.user)
        submit(
            a, "supervisor", sup.employee.user, {"events": {"praised": 1}} if a == calls[0] else {}
        )
        submit(a, "hr", hr)
        submit(a, "gm", litong.u["gm"])
    sup.refresh_from_db()
    # team: mean(101, 100, 100, 100) = 100.25 − 0 → capped at 100 → 10; 40 + 20 + 10 + 10 + 10 + 8 = 98
    assert (sup.state, sup.total) == ("published", Decimal("98.00"))
    # published by the GM's approval of the last report: the trail names the GM
    (event,) = AuditEvent.objects.filter(
        action="publish", object_type="appraisals.appraisal", object_id=str(sup.pk)
    )
    assert (event.actor_id, event.role, event.reason) == (
        litong.u["gm"].pk,
        "gm",
        "approved (team results complete)",
    )


def _staff02_self_review(set_clock):
    """A committed October cycle for the workshop (threads see it): staff02's appraisal
    and self-review step, and the demo's users."""
    from django.contrib.auth import get_user_model

    from engine.demo.packs import company_on_builtin_packs
    from engine.demo.people import load_demo
    from engine.org.models import Company

    set_clock(at(2026, 10, 31))
    load_demo(usable_passwords=False)
    co = Company.objects.get(code="litong")
    users = {u.username: u for u in get_user_model().objects.all()}
    company_on_builtin_packs(actor=users["hr"], company=co)
    cycle = services.cycle_open(
        targets_later=True,
        actor=users["hr"],
        company=co,
        kind="month",
        period="2026-10",
        department_ids=[Department.objects.get(company=co, code="workshop").pk],
    )
    a = Appraisal.objects.get(cycle=cycle, employee__user__username="staff02")
    s = step(a, "self")
    return a, s, users


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_exactly_one_wins(set_clock):
    """Two concurrent submissions of one step on PostgreSQL: exactly one succeeds, the other gets
    409."""
    a, s, users = _staff02_self_review(set_clock)
    barrier, outcomes = threading.Barrier(2), []

    def go():
        try:
            barrier.wait()
            services.step_submit(
                actor=users["staff02"], appraisal_id=a.pk, step_id=s.pk, comment="done"
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert AppraisalStep.objects.get(pk=s.pk).submissions.count() == 1
    assert step(a, "supervisor").state == "open"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_draft_saved_during_a_hand_in_waits_and_is_refused(set_clock):
    """A draft saved while its step is being handed in waits for the hand-in (the
    appraisal's lock) and is then refused: no draft survives a handed-in step."""
    from engine.appraisals.models import StepDraft
    from engine.appraisals.services.drafts import step_draft_save
    from engine.appraisals.services.locks import lock_appraisal

    a, s, users = _staff02_self_review(set_clock)
    locked, outcomes = threading.Event(), []

    def hand_in():
        try:
            with transaction.atomic():
                lock_appraisal(a.pk)
                locked.set()
                time.sleep(0.5)  # the draft's save arrives while the hand-in runs
                services.step_submit(
                    actor=users["staff02"], appraisal_id=a.pk, step_id=s.pk, comment="done"
                )
            outcomes.append("handed in")
        finally:
            connection.close()

    def save_draft():
        try:
            locked.wait()
            step_draft_save(
                actor=users["staff02"], appraisal_id=a.pk, step_id=s.pk, fields={"c": "x"}
            )
            outcomes.append("draft saved")
        except DomainError:
            outcomes.append("draft refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_in), threading.Thread(target=save_draft)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["draft refused", "handed in"]
    assert not StepDraft.objects.filter(step_id=s.pk).exists()


def test_hr_records_an_evaluators_breach_on_their_own_appraisal(workshop, set_clock):
    """HR records the event with a reason on the head's own appraisal (audited); without
    a reason, or by someone else, it is refused and nothing changes."""
    head = workshop.a["workshop_head"]
    hr = workshop.u["hr"]
    with pytest.raises(InvalidInput, match="written reason"):
        services.appraisal_event_record(
            actor=hr, appraisal=head, event="evaluator_breach", reason=" "
        )
    with pytest.raises(Forbidden, match="only HR"):
        services.appraisal_event_record(
            actor=workshop.u["staff02"], appraisal=head, event="evaluator_breach", reason="x"
        )
    a = services.appraisal_event_record(
        actor=hr,
        appraisal=head,
        event="evaluator_breach",
        reason="scored without the records",
        context={"evaluator_breach_deduction": "500"},
    )
    assert a.events == {"evaluator_breach": 1} and a.context["evaluator_breach_deduction"] == "500"
    event = AuditEvent.objects.filter(action="event:evaluator_breach").get()
    assert (event.reason, event.object_id) == ("scored without the records", str(head.pk))


PDF = ("letter.pdf", b"%PDF-1.4 customer letter")


def test_special_bonus_needs_a_witness_and_evidence_and_hr_approval(litong, set_clock):
    """A reviewer proposes +3 with a witness and a PDF; nothing counts until HR approves
    with a reason; the employee cannot approve their own, and a bonus is decided once."""
    set_clock(at(2026, 9, 28, 9))
    dept = Department.objects.get(company=litong.company, code="rnd")
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="quarter",
        period="2026-Q3",
        department_ids=[dept.pk],
    )
    a = Appraisal.objects.filter(cycle=cycle, role="designer").first()
    head = litong.u["rnd_head"]
    for kw, field in (
        ({"witness": " ", "evidence": PDF}, "witness"),
        ({"witness": "王工", "evidence": None}, "evidence"),
        ({"witness": "王工", "evidence": ("x.pdf", b"not a pdf")}, "attachments[0]"),
    ):
        with pytest.raises(InvalidInput) as err:
            services.special_bonus_propose(
                actor=head, appraisal_id=a.pk, points=3, description="提前交付图纸", **kw
            )
        assert err.value.field == field
    bonus = services.special_bonus_propose(
        actor=head,
        appraisal_id=a.pk,
        points=3,
        description="提前交付图纸",
        witness="王工",
        evidence=PDF,
    )
    a.refresh_from_db()
    assert a.events == {} and bonus.state == "proposed"
    with pytest.raises(Forbidden, match="only HR"):
        services.special_bonus_decide(actor=head, bonus_id=bonus.pk, approve=True, reason="ok")
    services.special_bonus_decide(
        actor=litong.u["hr"], bonus_id=bonus.pk, approve=True, reason="证明材料属实"
    )
    a.refresh_from_db()
    assert a.events == {"special_bonus": 3}
    with pytest.raises(Conflict, match="decided"):
        services.special_bonus_decide(
            actor=litong.u["hr"], bonus_id=bonus.pk, approve=False, reason="again"
        )
    assert AuditEvent.objects.filter(action="special_bonus_decide", object_id=str(a.pk)).exists()
