"""The one deadline sweep over the committee's tasks: each member is reminded the
working day before and on the due day, the chair the working day before the closing
day; at the due moment an open task is marked overdue once, its holder and HR told;
a second sweep changes nothing."""

import datetime as dt

from engine.committee import services
from engine.committee.models import CommitteeTask
from engine.deadlines.sweep import sweep
from engine.notifications.models import Notification
from tests.committee.conftest import CHAIR, MEMBERS

HOUR = dt.timedelta(hours=1)


def test_sweep_reminds_once_and_marks_overdue_once(half, set_clock):
    """Formed Mon Dec 28, 2026: members due in 5 working days, the chair one after."""
    h = half
    committee = services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    tasks = list(CommitteeTask.objects.filter(committee=committee).order_by("seq"))
    member, close = tasks[0], tasks[-1]
    assert close.kind == CommitteeTask.Kind.CLOSE and close.due_date > member.due_date
    set_clock(member.remind_before_at + HOUR)
    first = sweep()
    assert first.committee_reminders == 3  # each member: "due tomorrow"
    assert sweep().committee_reminders == 0  # once
    set_clock(member.remind_due_at + HOUR)
    second = sweep()
    assert second.committee_reminders == 4  # members "due today", the chair "due tomorrow"
    assert sweep().committee_reminders == 0
    set_clock(member.due_at + HOUR)
    overdue = sweep()
    assert overdue.committee_overdue == 3
    assert sweep().committee_overdue == 0
    member.refresh_from_db()
    assert member.overdue_at is not None and member.state == CommitteeTask.State.OPEN
    told = Notification.objects.filter(kind="committee_overdue", appraisal_id=h.a.pk)
    assert {n.user_id for n in told} == {h.u[m].pk for m in MEMBERS} | {h.u["hr"].pk}
    reminded = Notification.objects.filter(kind="committee_remind_before", appraisal_id=h.a.pk)
    assert sorted(n.user_id for n in reminded) == sorted(
        [h.u[m].pk for m in MEMBERS] + [h.u[CHAIR].pk]
    )
