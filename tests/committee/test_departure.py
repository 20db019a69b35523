"""A member or the chair who leaves: the member's open scoring goes to the successor HR
names (cancelled when there is none, or the successor sits on the committee already),
the chair's closing to the successor (or HR); each audited."""

import datetime as dt

from engine.appraisals.services import employee_depart
from engine.audit.models import AuditEvent
from engine.committee import services
from engine.committee.models import CommitteeTask
from engine.org.models import Employee
from tests.committee.conftest import CHAIR, MEMBERS
from tests.month import at


def test_a_leaving_member_and_chair(half, set_clock):
    """Two members score; the third leaves and the successor scores instead; that
    successor leaves too with a member as successor: the scoring is cancelled. The chair
    leaves with the GM as successor, who now holds the closing. All on the trail."""
    h = half
    committee = services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="述职", submit=True)
    set_clock(at(2026, 12, 29, 10))
    for name in MEMBERS[:2]:
        t = CommitteeTask.objects.get(committee=committee, assignee=h.u[name], kind="score")
        services.committee_score(actor=h.u[name], task_id=t.pk, score="80")
    leaver = Employee.objects.get(user=h.u[MEMBERS[2]])
    employee_depart(
        actor=h.u["hr"], employee=leaver, left_on=dt.date(2026, 12, 29), successor=h.u["cs_head"]
    )
    moved = CommitteeTask.objects.get(committee=committee, kind="score", seq=3)
    assert moved.assignee == h.u["cs_head"] and moved.state == CommitteeTask.State.OPEN
    # a second leaver whose successor sits on the committee already: cancelled
    second = Employee.objects.get(user=h.u["cs_head"])
    employee_depart(
        actor=h.u["hr"], employee=second, left_on=dt.date(2026, 12, 29), successor=h.u[MEMBERS[0]]
    )
    moved.refresh_from_db()
    assert moved.state == CommitteeTask.State.CANCELLED
    chair = Employee.objects.get(user=h.u[CHAIR])
    employee_depart(
        actor=h.u["hr"], employee=chair, left_on=dt.date(2026, 12, 29), successor=h.u["gm"]
    )
    close = CommitteeTask.objects.get(committee=committee, kind="close")
    assert close.assignee == h.u["gm"] and close.state == CommitteeTask.State.OPEN
    actions = set(AuditEvent.objects.filter(object_id=str(h.a.pk)).values_list("action", flat=True))
    assert {"committee_member_moved", "committee_member_left", "committee_chair_moved"} <= actions
