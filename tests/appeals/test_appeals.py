"""Appeals (docs/operations.md, "Appeals"): both windows, every refusal, an upheld appeal publishing
version 2 with the recomputed total while version 1 stays readable, a rejected one,
obstruction recorded on the head's own appraisal, overdue steps escalated to the GM,
and finalisation."""

import datetime as dt
from decimal import Decimal

import pytest

from engine.appeals import services as appeals
from engine.appeals.items import contestable_items
from engine.appeals.models import Appeal, AppealCorrection
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from engine.audit.verify import verify
from engine.deadlines.sweep import sweep
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.notifications.models import Notification
from engine.org.models import Department, Employee
from tests.month import at, run_chain, submit

PDF = b"%PDF-1.4 minimal"


@pytest.fixture
def published(workshop, set_clock):
    """staff02 (82, b) and the head's own appraisal published on Tue Nov 10, 2026."""
    a = run_chain(
        workshop,
        "staff02",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        hr_at=at(2026, 11, 6),
        gm_at=at(2026, 11, 10),
    )
    head = run_chain(
        workshop,
        "workshop_head",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        hr_at=at(2026, 11, 6),
        gm_at=at(2026, 11, 10, 11),
    )
    assert (a.state, a.total, head.state) == ("published", Decimal("82.00"), "published")
    return workshop, a, head


def test_general_window_refusals_and_the_upheld_path(published, set_clock):
    """Only the appraised employee appeals, in writing, naming real items, with checked
    attachments, once; an upheld appeal publishes v2 recomputed by the pinned pack while v1
    stays readable."""
    w, a, head = published
    u = w.u
    # the window is 3 working days after Tue Nov 10: it closes at the end of Fri Nov 13
    assert appeals.window_closes(a).date().isoformat() == "2026-11-13"
    set_clock(at(2026, 11, 13, 15))
    with pytest.raises(Forbidden):
        appeals.appeal_file(
            actor=u["staff03"], appraisal_id=a.pk, items=["attitude"], reason="unfair"
        )
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(actor=u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(actor=u["staff02"], appraisal_id=a.pk, items=["charm"], reason="x")
    assert err.value.field == "items[0]"
    # an item of the template that the result does not show (the late penalty did not
    # apply here) is refused by the service too, not only left off the form
    assert "late_penalty" not in contestable_items(template_for(a), a.result)
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(
            actor=u["staff02"], appraisal_id=a.pk, items=["late_penalty"], reason="x"
        )
    assert (err.value.field, err.value.rule) == ("items[0]", "unknown")
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(
            actor=u["staff02"],
            appraisal_id=a.pk,
            items=["attitude"],
            reason="x",
            attachments=[("evil.exe", b"MZ")],
        )
    assert (err.value.field, err.value.rule) == ("attachments[0]", "file_type")
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(
            actor=u["staff02"],
            appraisal_id=a.pk,
            items=["attitude"],
            reason="x",
            attachments=[("fake.pdf", b"not a pdf")],
        )
    assert err.value.rule == "file_type"
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_file(
            actor=u["staff02"],
            appraisal_id=a.pk,
            items=["attitude"],
            reason="x",
            attachments=[("big.txt", b"a" * (5 * 1024 * 1024 + 1))],
        )
    assert err.value.rule == "file_size"
    assert not Appeal.objects.exists()
    appeal = appeals.appeal_file(
        actor=u["staff02"],
        appraisal_id=a.pk,
        items=["attitude"],
        reason="my attitude was rated without the customer letters",
        attachments=[("letters.pdf", PDF), ("note.txt", "表扬信".encode())],
    )
    assert appeal.attachments.count() == 2 and appeal.state == "mediation"
    with pytest.raises(Conflict) as err:
        appeals.appeal_file(
            actor=u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="again"
        )
    assert err.value.rule == "once"
    # mediation by the department head; HR may not mediate, the appellant may not decide
    with pytest.raises(Forbidden, match="do not hold the mediation step"):
        appeals.appeal_mediate(actor=u["hr"], appeal_id=appeal.pk, resolved=False, note="x")
    appeals.appeal_mediate(
        actor=u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="not settled"
    )
    # the appellant follows the appeal step by step, not only at its close
    moved = Notification.objects.filter(user=u["staff02"], kind="appeal_moved")
    assert [n.params["step"] for n in moved] == ["hr_intake"]
    with pytest.raises(Conflict, match="not decision"):
        appeals.appeal_decide(actor=u["hr"], appeal_id=appeal.pk, upheld=False, reason="too early")
    appeals.appeal_intake(
        actor=u["hr"], appeal_id=appeal.pk, accepted=True, reason="letters are facts"
    )
    appeals.appeal_investigate(
        actor=u["hr"],
        appeal_id=appeal.pk,
        findings="head refused to look; retaliation",
        obstruction_by_head=True,
    )
    with pytest.raises(InvalidInput) as err:
        appeals.appeal_decide(
            actor=u["hr"],
            appeal_id=appeal.pk,
            upheld=True,
            reason="ok",
            corrections=[{"field": "values.attitude", "value": 25, "reason": " "}],
        )
    assert err.value.field == "corrections[0].reason"
    appeals.appeal_decide(
        actor=u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="letters confirm",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "customer letters"}],
    )
    a.refresh_from_db()
    appeal.refresh_from_db()
    # 20 + 21 + 25 + 19 = 85 → b, version 2; version 1 (82) stays readable
    assert (a.total, a.grade, a.result_version, a.state) == (Decimal("85.00"), "b", 2, "final")
    from django.test import Client

    c = Client()
    c.force_login(u["staff02"])
    versions = c.get(f"/api/v1/appraisals/{a.pk}/").json()["versions"]
    assert [(v["number"], v["total"]) for v in versions] == [(1, "82.00"), (2, "85.00")]
    assert versions[0]["result"]["total"] == "82.00"
    v1 = ResultVersion.objects.get(appraisal=a, number=1)
    assert v1.total == Decimal("82.00") and v1.result["total"] == "82.00"
    assert (appeal.outcome, appeal.version_before, appeal.version_after) == ("upheld", 1, 2)
    c = AppealCorrection.objects.get(appeal=appeal)
    assert (c.field, c.before, c.after, c.reason) == ("values.attitude", 22, 25, "customer letters")
    # the head's own appraisal carries the obstruction event and a new version
    head.refresh_from_db()
    assert head.events["obstruction_or_retaliation"] == 1 and head.result_version == 2
    history = list(
        AuditEvent.objects.filter(
            object_type="appeals.appeal", object_id=str(appeal.pk)
        ).values_list("action", flat=True)
    )
    assert history == [
        "appeal_file",
        "appeal_mediation",
        "appeal_intake",
        "appeal_investigation",
        "appeal_decision",
    ]
    assert verify()["ok"]


def test_after_the_window_is_refused(published, set_clock):
    """An appeal filed after the pack's window of working days is refused as a conflict on
    `filed_at`."""
    w, a, _ = published
    set_clock(at(2026, 11, 16, 9))
    with pytest.raises(Conflict) as err:
        appeals.appeal_file(
            actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="late"
        )
    assert (err.value.field, err.value.rule) == ("filed_at", "window")


def test_finalised_when_the_window_closes_without_appeal(published, set_clock):
    """The sweep makes results final only once their appeal window has closed without an appeal."""
    _, a, _ = published
    set_clock(at(2026, 11, 13, 20))
    assert sweep().finalised == 0
    set_clock(at(2026, 11, 14, 1))
    assert sweep().finalised == 2
    a.refresh_from_db()
    assert a.state == "final"
    assert sweep().finalised == 0


def test_overdue_appeal_step_is_escalated_to_the_gm(published, set_clock):
    """An overdue appeal step reminds its holder and escalates to the GM, once."""
    w, a, _ = published
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["total"], reason="unfair"
    )
    mediation = appeal.steps.get(code="mediation")
    assert mediation.due_date.isoformat() == "2026-11-12"  # 1 working day after filing
    set_clock(at(2026, 11, 13, 9))
    r = sweep()
    assert r.appeal_overdue == 1
    assert Notification.objects.filter(user=w.u["gm"], kind="appeal_overdue").exists()
    assert (
        AuditEvent.objects.filter(object_type="appeals.appeal", action="appeal_overdue").count()
        == 1
    )
    assert sweep().appeal_overdue == 0
    # the words and the trail the sweep's queries write (engine/appeals/deadlines.py)
    told = Notification.objects.get(user=w.u["gm"], kind="appeal_overdue")
    assert told.key == f"appeal_overdue:{appeal.pk}:{mediation.seq}"
    assert told.message == f"已逾期/Overdue: appeal {appeal.pk} mediation, due 2026-11-12"
    assert told.params == {"employee": a.employee.name, "step": "mediation", "due": "2026-11-12"}
    assert told.appraisal_id is None
    event = AuditEvent.objects.get(object_type="appeals.appeal", action="appeal_overdue")
    assert event.object_id == str(appeal.pk)
    assert event.after == {"step": "mediation", "due_date": "2026-11-12", "escalated_to": "gm"}


def test_support_agent_two_day_window_and_a_rejected_appeal(litong, set_clock):
    """Support agents have a two-working-day window; a rejected appeal changes nothing and makes
    the result final."""
    hr = litong.u["hr"]
    cs = Department.objects.get(company=litong.company, code="cs")
    set_clock(at(2026, 10, 31))
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=[cs.pk],
    )
    a = Appraisal.objects.filter(cycle=cycle, role="support_agent").first()
    metrics = {
        "response_time": 36,
        "ticket_on_time": 0.97,
        "csat": 4.3,
        "first_contact_resolution": 0.855,
        "kb_contributions": 1,
        "training_pass_rate": 0.85,
    }
    set_clock(at(2026, 11, 2))
    submit(a, "self", a.employee.user)
    submit(a, "supervisor", a.employee.supervisor.user)
    submit(a, "hr", hr, {"values": metrics})
    set_clock(at(2026, 11, 10))
    submit(a, "gm", litong.u["gm"])
    a.refresh_from_db()
    assert (a.total, a.grade) == (Decimal("74.00"), "B")
    # 2 working days: Nov 11, 12 → closed on Fri Nov 13
    set_clock(at(2026, 11, 13, 9))
    with pytest.raises(Conflict, match="appeal window closed"):
        appeals.appeal_file(
            actor=a.employee.user, appraisal_id=a.pk, items=["csat"], reason="survey broken"
        )
    set_clock(at(2026, 11, 12, 17))
    appeal = appeals.appeal_file(
        actor=a.employee.user, appraisal_id=a.pk, items=["csat"], reason="survey broken"
    )
    assert [s.code for s in appeal.steps.all()] == ["hr_intake", "investigation", "decision"]
    appeals.appeal_intake(
        actor=hr, appeal_id=appeal.pk, accepted=True, reason="check the survey tool"
    )
    appeals.appeal_investigate(actor=hr, appeal_id=appeal.pk, findings="the survey tool worked")
    with pytest.raises(InvalidInput):
        appeals.appeal_decide(
            actor=hr,
            appeal_id=appeal.pk,
            upheld=False,
            reason="no",
            corrections=[{"field": "values.csat", "value": 5, "reason": "x"}],
        )
    appeals.appeal_decide(actor=hr, appeal_id=appeal.pk, upheld=False, reason="no fault found")
    a.refresh_from_db()
    appeal.refresh_from_db()
    assert (appeal.outcome, a.state, a.result_version, a.total) == (
        "rejected",
        "final",
        1,
        Decimal("74.00"),
    )


def test_not_accepted_closes_the_appeal(published, set_clock):
    """HR not accepting an appeal closes it with that outcome and finalises the appraisal."""
    w, a, _ = published
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["total"], reason="feel bad"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="no"
    )
    appeals.appeal_intake(
        actor=w.u["hr"], appeal_id=appeal.pk, accepted=False, reason="no objective facts"
    )
    appeal.refresh_from_db()
    a.refresh_from_db()
    assert (appeal.outcome, appeal.state, a.state) == ("not_accepted", "closed", "final")


def test_an_appealed_result_is_not_finalised_when_its_window_closes(published, set_clock):
    """The sweep leaves an appealed result published after its window closed (the
    appeals app holds it back through `finalise_held`); the appeal's close finalises it."""
    w, a, head = published
    set_clock(at(2026, 11, 11, 9))
    appeals.appeal_file(actor=w.u["staff02"], appraisal_id=a.pk, items=["total"], reason="unfair")
    set_clock(at(2026, 11, 14, 1))
    assert sweep().finalised == 1
    a.refresh_from_db()
    head.refresh_from_db()
    assert (a.state, head.state) == ("published", "final")


def test_a_leavers_appeal_step_goes_to_hr_and_is_counted(published, set_clock):
    """The department head leaves holding an appeal's mediation step: the departure
    moves it to HR (no successor named), audits it and counts it with the appraisal
    steps it moved."""
    w, a, _ = published
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["total"], reason="unfair"
    )
    head = Employee.objects.get(user=w.u["workshop_head"])
    appraisal_steps = AppraisalStep.objects.filter(
        assignee=head.user, state__in=["open", "pending"]
    ).count()
    moved = services.employee_depart(
        actor=w.u["hr"], employee=head, left_on=dt.date(2026, 11, 11), reason="left"
    )
    step = appeal.steps.get(code="mediation")
    assert (moved, step.assignee_id, step.holder_role) == (appraisal_steps + 1, None, "hr")
    assert AuditEvent.objects.filter(
        object_type="appeals.appeal", object_id=str(appeal.pk), action="reassign:mediation"
    ).exists()
