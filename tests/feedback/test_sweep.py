"""The raters' tasks in the one deadline sweep: reminded the working day before and
on the due day, marked overdue once with word to the rater; at the due moment the
round closes with the answers it has, and writes its aggregate only when a group met
its fewest answers."""

from decimal import Decimal as D

from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.deadlines.sweep import sweep
from engine.feedback.models import FeedbackRound, RaterTask
from engine.feedback.services import feedback_rate
from engine.notifications.models import Notification
from tests.feedback.conftest import nominate_peers
from tests.month import at


def test_sweep_reminds_and_marks_overdue_once_then_closes_with_the_answers_it_has(cs, set_clock):
    """Due Fri 6 Nov: "due tomorrow" on Thu 5 and "due today" on Fri 6 to the two
    raters who have not answered; on Sat 7 both marked overdue, told once, and the round
    closes with three peer answers (4, 4, 5: three are not trimmed, mean 13 / 3 = 4.333
    → 4.33, share 1 → 4.33) written through entries.py; a second sweep changes nothing."""
    r = nominate_peers(cs)
    for name, score in (("support07", "4"), ("support08", "5"), ("support09", "4")):
        t = RaterTask.objects.get(round=r, assignee=cs.u[name])
        feedback_rate(actor=cs.u[name], task_id=t.pk, score=score)
    set_clock(at(2026, 11, 5, 9))
    assert sweep().feedback_reminders == 2
    set_clock(at(2026, 11, 6, 9))
    assert sweep().feedback_reminders == 2
    set_clock(at(2026, 11, 7, 9))
    first = sweep()
    assert (first.feedback_overdue, first.feedback_rounds_closed) == (2, 1)
    again = sweep()
    assert (again.feedback_overdue, again.feedback_reminders, again.feedback_rounds_closed) == (
        0,
        0,
        0,
    )
    told = Notification.objects.filter(kind="feedback_overdue")
    assert sorted(n.user.username for n in told) == ["ecom02", "ecom03"]
    late = RaterTask.objects.filter(round=r, overdue_at__isnull=False)
    assert {t.state for t in late} == {RaterTask.State.CLOSED}
    r.refresh_from_db()
    assert (r.state, r.value, r.written) == (FeedbackRound.State.DONE, D("4.33"), True)
    a = Appraisal.objects.get(pk=r.appraisal_id)
    assert a.values["system"]["collaboration"] == "4.33"
    kinds = AuditEvent.objects.filter(
        object_id=str(a.pk), action__startswith="feedback_"
    ).values_list("action", flat=True)
    assert sorted(set(kinds)) == [
        "feedback_aggregate",
        "feedback_answer",
        "feedback_nominate",
        "feedback_open",
        "feedback_overdue",
        "feedback_remind_before",
        "feedback_remind_due",
    ]


def test_a_round_below_every_minimum_closes_without_a_value(cs, set_clock):
    """Two of five peers answered by the due moment: the peer group needs three, so the
    round closes with no value and the appraisal's entry stays empty; the close is
    audited with its reason."""
    r = nominate_peers(cs)
    for name in ("support07", "support08"):
        t = RaterTask.objects.get(round=r, assignee=cs.u[name])
        feedback_rate(actor=cs.u[name], task_id=t.pk, score="5")
    set_clock(at(2026, 11, 7, 9))
    assert sweep().feedback_rounds_closed == 1
    r.refresh_from_db()
    assert (r.state, r.value, r.written) == (FeedbackRound.State.DONE, None, False)
    a = Appraisal.objects.get(pk=r.appraisal_id)
    assert "collaboration" not in a.values.get("system", {})
    close = AuditEvent.objects.get(object_id=str(a.pk), action="feedback_close")
    assert close.reason == "too few answers in every group"
