"""Separation of duties for deputies and leavers: a reviewer's deputy is never one of
the people the delegated steps concern (nobody scores a peer or holds a review of their
own appraisal through a delegation), and a leaver's own appraisal and their reports are
handled by the chain's rules, shown to HR before they confirm."""

import datetime as dt

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal, AppraisalStep, LatePenalty, StepSubmission
from engine.appraisals.visibility import can_act
from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from engine.org import services as org
from engine.org.models import Delegation, Employee
from engine.org.selectors import delegators_of, line_managers
from tests.month import STAFF_VALUES, at, step, submit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_a_reviewer_cannot_make_their_own_report_the_deputy(workshop, set_clock):
    """The workshop head supervises staff02 and staff03: the service refuses staff02 as
    deputy (she would score staff03, her peer), and the form says so at its field in
    the reader's language; nothing is stored."""
    set_clock(at(2026, 11, 1))
    head, staff02 = workshop.u["workshop_head"], workshop.u["staff02"]
    assert head.pk in line_managers(staff02.pk)
    with pytest.raises(InvalidInput) as err:
        org.delegation_create(
            actor=head,
            company=workshop.company,
            from_user=head,
            to_user=staff02,
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 11, 3),
            reason="出差",
        )
    assert (err.value.field, err.value.rule) == ("to_user", "deputy_reports")
    with pytest.raises(InvalidInput, match="own deputy"):
        org.delegation_create(
            actor=head,
            company=workshop.company,
            from_user=head,
            to_user=head,
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 11, 3),
            reason="出差",
        )
    r = client_for(head).post(
        "/delegate/",
        {
            "deputy": staff02.employee.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-03",
            "reason": "出差",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="deputy"' in body
    assert "您的下属" in body or "向您汇报" in body
    assert 'value="出差"' in body  # what was typed is kept
    assert not Delegation.objects.filter(to_user=staff02).exists()


def test_a_delegation_recorded_before_the_rule_gives_a_report_nothing(workshop, set_clock):
    """A delegation to a report stored before the rule (written directly, as old data
    would be): staff02 holds none of the head's steps — not her peer's, not her own —
    sees neither in her inbox, and the service refuses her attempt."""
    set_clock(at(2026, 11, 1))
    head, staff02 = workshop.u["workshop_head"], workshop.u["staff02"]
    peer, own = workshop.a["staff03"], workshop.a["staff02"]
    submit(peer, "self", workshop.u["staff03"])
    submit(own, "self", staff02)
    Delegation.objects.create(
        company=workshop.company,
        from_user=head,
        to_user=staff02,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 3),
        reason="旧数据",
        created_by=head,
    )
    set_clock(at(2026, 11, 2))
    assert delegators_of(staff02) == []
    for a in (peer, own):
        assert not can_act(staff02, step(a, "supervisor"), a)
    inbox = client_for(staff02).get("/inbox/").content.decode()
    assert peer.employee.name not in inbox
    with pytest.raises(Exception, match="do not hold the supervisor step"):
        submit(peer, "supervisor", staff02, {"values": STAFF_VALUES})
    assert step(peer, "supervisor").state == "open"
    # someone outside the team may stand in, and acts
    deputy = workshop.u["cs_head"]
    org.delegation_create(
        actor=head,
        company=workshop.company,
        from_user=head,
        to_user=deputy,
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2026, 11, 3),
        reason="出差",
    )
    assert can_act(deputy, step(peer, "supervisor"), peer)


def _leave(hr, emp, **extra):
    data = {"left_on": "2026-11-01", "reason": "辞职", **extra}
    return client_for(hr).post(f"/hr/people/{emp.pk}/leave/?company=litong", data)


def test_the_leaver_page_shows_what_will_happen_and_changes_nothing_until_confirmed(
    workshop, set_clock
):
    """The workshop head leaves while holding the supervisor step of each staff member
    who handed in and with his own appraisal in progress: the first post shows his
    own appraisal (withdrawn), each step and its new holder, his reports and their new
    supervisor — and changes nothing; the confirmation does it all."""
    set_clock(at(2026, 11, 1))
    for name in ("staff02", "staff03"):
        submit(workshop.a[name], "self", workshop.u[name])
    head = workshop.u["workshop_head"]
    emp = head.employee
    reports = set(Employee.objects.filter(supervisor=emp).values_list("pk", flat=True))
    assert len(reports) >= 2
    held = AppraisalStep.objects.filter(assignee=head, state__in=["open", "pending"]).exclude(
        appraisal__employee=emp
    )
    n_held = held.count()
    own = workshop.a["workshop_head"]
    hr = workshop.u["hr"]
    r = _leave(hr, emp, left_on="2026-10-30")  # before October ended: withdrawn
    body = r.content.decode()
    assert r.status_code == 200 and 'id="departure-plan"' in body
    assert body.count("data-step=") == n_held
    assert body.count("data-report=") == len(reports)
    assert f'data-own="{own.pk}"' in body
    emp.refresh_from_db()
    assert emp.status == "active" and head.is_active  # nothing happened yet
    assert held.count() == n_held
    r = _leave(hr, emp, left_on="2026-10-30", confirm="1")
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.state == Appraisal.State.WITHDRAWN
    assert not own.steps.filter(state__in=["open", "pending"]).exists()
    assert not Employee.objects.filter(supervisor=emp).exists()
    assert not AppraisalStep.objects.filter(assignee=head, state__in=["open", "pending"]).exists()
    assert AuditEvent.objects.filter(action="withdraw", object_id=str(own.pk)).exists()
    number = workshop.u["staff02"].employee.number
    people = client_for(hr).get(f"/hr/people/?company=litong&q={number}").content.decode()
    assert workshop.u["staff02"].employee.name in people and emp.name not in people


def test_with_a_successor_the_reports_and_steps_go_to_them(workshop, set_clock):
    """With a successor named, the plan names them; once confirmed the leaver's steps
    and reports (their supervisor) go to the successor."""
    set_clock(at(2026, 11, 1))
    submit(workshop.a["staff02"], "self", workshop.u["staff02"])
    head = workshop.u["workshop_head"]
    successor = workshop.u["cs_head"].employee
    r = _leave(workshop.u["hr"], head.employee, successor=successor.pk)
    assert r.status_code == 200 and successor.name in r.content.decode()
    r = _leave(workshop.u["hr"], head.employee, successor=successor.pk, confirm="1")
    assert r.status_code == 302
    assert step(workshop.a["staff02"], "supervisor").assignee_id == successor.user_id
    staff02 = workshop.u["staff02"].employee
    staff02.refresh_from_db()
    assert staff02.supervisor_id == successor.pk


def test_a_leaver_who_worked_the_whole_period_keeps_their_appraisal(workshop, set_clock):
    """staff02 leaves on 1 November, after October ended, without handing in their
    self-review (due 2 Nov, now overdue): the plan says October goes on and the
    self-review closes as not handed in; once confirmed the appraisal is still in
    progress, the self-review is closed for the leaver with no late penalty, and the
    supervisor's step is open."""
    set_clock(at(2026, 11, 3, 10))
    a = workshop.a["staff02"]
    emp = workshop.u["staff02"].employee
    hr = workshop.u["hr"]
    r = _leave(hr, emp)
    body = r.content.decode()
    assert r.status_code == 200 and f'data-kept="{a.pk}"' in body
    assert f'data-own="{a.pk}"' not in body and "因离职按未提交关闭" in body
    r = _leave(hr, emp, confirm="1")
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == Appraisal.State.IN_PROGRESS and a.current_step == "supervisor"
    own = step(a, "self")
    assert own.state == "skipped" and not own.late
    assert not LatePenalty.objects.filter(source_step=own).exists()
    assert own.submissions.get().kind == StepSubmission.Kind.LEFT
    assert step(a, "supervisor").state == "open"
    closed = AuditEvent.objects.get(action="close:self", object_id=str(a.pk))
    assert closed.reason == "2026-11-01 · 辞职"  # no English words in a Chinese trail
    # The steps table says why nobody handed it in, and names nobody as having done it.
    c = Client()
    c.force_login(hr)
    row = c.get(f"/appraisals/{a.pk}/").content.decode().split('id="steps"')[1]
    row = row.split("</tr>")[1]
    assert "未提交：员工已离职" in row and "人事" not in row and "逾期后跳过" not in row


def test_a_kept_appraisal_is_not_returned_to_the_leaver(workshop, set_clock):
    """Kept after staff02 left (above), the supervisor's review cannot send the form back
    to a closed account: refused in words, nothing changed."""
    set_clock(at(2026, 11, 3, 10))
    a = workshop.a["staff02"]
    hr = workshop.u["hr"]
    assert _leave(hr, workshop.u["staff02"].employee, confirm="1").status_code == 302
    sup = step(a, "supervisor")
    c = Client()
    c.force_login(sup.assignee)
    r = c.post(
        f"/appraisals/{a.pk}/steps/{sup.pk}/return/",
        {"comment": "please add your summary", "confirmed": "1"},
    )
    assert r.status_code == 409, r.status_code
    assert "员工已离职" in r.content.decode()
    assert step(a, "supervisor").state == "open" and step(a, "self").state == "skipped"


def test_a_leaver_on_the_periods_last_day_keeps_it_and_a_day_before_withdraws_it(
    workshop, set_clock
):
    """The period ends 31 October: a last day of 31 October keeps the appraisal, 30
    October withdraws it (the plan, before anything happens)."""
    set_clock(at(2026, 11, 1, 10))
    a = workshop.a["staff03"]
    emp = workshop.u["staff03"].employee
    kept = _leave(workshop.u["hr"], emp, left_on="2026-10-31").content.decode()
    assert f'data-kept="{a.pk}"' in kept and f'data-own="{a.pk}"' not in kept
    gone = _leave(workshop.u["hr"], emp, left_on="2026-10-30").content.decode()
    assert f'data-own="{a.pk}"' in gone and f'data-kept="{a.pk}"' not in gone


def test_a_last_day_after_today_is_refused_at_the_field(workshop, set_clock):
    """The departure is recorded on or after the last day: a last day after today is
    refused at its field, in the reader's language, and nothing happens (the service
    refuses it too)."""
    set_clock(at(2026, 11, 3, 10))
    emp = workshop.u["staff02"].employee
    hr = workshop.u["hr"]
    for confirm in ({}, {"confirm": "1"}):
        r = _leave(hr, emp, left_on="2026-11-04", **confirm)
        body = r.content.decode()
        assert r.status_code == 400 and 'data-field="left_on"' in body
        assert "最后工作日不能晚于今天" in body and 'value="2026-11-04"' in body
    emp.refresh_from_db()
    assert emp.status == "active" and emp.user.is_active
    from engine.appraisals import services

    with pytest.raises(InvalidInput) as err:
        services.employee_depart(actor=hr, employee=emp, left_on=dt.date(2026, 11, 4))
    assert err.value.field == "left_on"
    assert _leave(hr, emp, left_on="2026-11-03").status_code == 200  # today is fine


def test_the_successor_select_names_its_empty_choice(workshop):
    """The successor select's empty choice says what it means, not "---------"."""
    emp = workshop.u["staff02"].employee
    for lang, words in (("zh-hans", "按审批链规则"), ("en", "By the chain&#x27;s rules")):
        body = (
            client_for(workshop.u["hr"], lang)
            .get(f"/hr/people/{emp.pk}/leave/?company=litong")
            .content.decode()
        )
        assert "---------" not in body and f'<option value="" selected>{words}</option>' in body
