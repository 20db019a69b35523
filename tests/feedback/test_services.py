"""360° feedback through its services: nominations open the raters' tasks on the
working-day calendar, each rater answers once within the indicator's range, the
aggregate lands on the appraisal through entries.py, audited."""

import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.feedback.models import FeedbackRound, RaterTask
from engine.feedback.selectors import rater_inbox, round_view
from engine.feedback.services import feedback_nominate, feedback_rate
from tests.feedback.conftest import PEERS, nominate_peers


def _task(cs, username, r):
    return RaterTask.objects.get(round=r, assignee=cs.u[username])


def test_hr_nominates_five_peers_each_gets_a_task_due_on_the_calendar(cs):
    """Nominated on Sat 31 Oct: five working days later is Fri 6 Nov (Mon 2 … Fri 6);
    each peer finds the task in their inbox, the appraised employee is not asked."""
    r = nominate_peers(cs)
    assert r.state == FeedbackRound.State.OPEN
    tasks = RaterTask.objects.filter(round=r)
    assert tasks.count() == 5
    assert {t.due_date.isoformat() for t in tasks} == {"2026-11-06"}
    assert [t.appraisal.employee.user.username for t in rater_inbox(cs.u["support07"])] == [
        "support06"
    ]
    assert not rater_inbox(cs.u["support06"]).exists()


def test_only_hr_or_the_supervisor_nominates_and_never_the_employee_themselves(cs):
    """A peer may not nominate; the appraised employee is refused as a rater, naming
    the field; a second nomination of the same indicator is a conflict."""
    with pytest.raises(Forbidden):
        nominate_peers(cs, actor="support07")
    with pytest.raises(InvalidInput) as exc:
        nominate_peers(cs, peers=("support06", "support07"))
    assert exc.value.field == "nominees" and exc.value.rule == "self"
    nominate_peers(cs, actor="cs_head")  # the direct supervisor
    with pytest.raises(Conflict):
        nominate_peers(cs)


def test_a_bad_rating_is_refused_naming_the_field_and_the_range(cs):
    """The indicator scores 1–5: 6 is refused with "at most 5" on `score`; a word is
    refused on `score`; nothing is stored."""
    r = nominate_peers(cs)
    t = _task(cs, "support07", r)
    with pytest.raises(InvalidInput) as exc:
        feedback_rate(actor=cs.u["support07"], task_id=t.pk, score="6")
    assert exc.value.field == "score" and exc.value.rule == "range"
    assert "5" in str(exc.value.message % exc.value.params)
    with pytest.raises(InvalidInput) as exc:
        feedback_rate(actor=cs.u["support07"], task_id=t.pk, score="good")
    assert exc.value.field == "score"
    t.refresh_from_db()
    assert t.state == RaterTask.State.OPEN and t.score is None


def test_a_second_answer_is_refused_and_someone_elses_task_is_not_found(cs):
    """Once answered, answering again is a conflict; another person's task is not theirs."""
    from engine.errors import NotFound

    r = nominate_peers(cs)
    t = _task(cs, "support07", r)
    feedback_rate(actor=cs.u["support07"], task_id=t.pk, score="4")
    with pytest.raises(Conflict):
        feedback_rate(actor=cs.u["support07"], task_id=t.pk, score="5")
    with pytest.raises(NotFound):
        feedback_rate(actor=cs.u["support08"], task_id=t.pk, score="5")


def test_the_employee_sees_a_group_only_from_three_answers(cs):
    """Two peers answered: the employee's view shows "not enough answers" and no
    aggregate, nor does the supervisor's (who knows whom they nominated); the third
    answer shows the group's mean to both, never one rater's score."""
    r = nominate_peers(cs)
    for name, score in (("support07", "4"), ("support08", "5")):
        feedback_rate(actor=cs.u[name], task_id=_task(cs, name, r).pk, score=score)
    mine = round_view(r, employee=True)
    peer = next(g for g in mine.groups if g.group == "peer")
    assert (peer.answered, peer.shown, peer.value, mine.shown, mine.value) == (
        2,
        False,
        None,
        False,
        None,
    )
    theirs = round_view(r, employee=False)  # the supervisor who nominated them neither
    assert next(g for g in theirs.groups if g.group == "peer").value is None
    feedback_rate(actor=cs.u["support09"], task_id=_task(cs, "support09", r).pk, score="3")
    mine = round_view(r, employee=True)
    peer = next(g for g in mine.groups if g.group == "peer")
    # 3, 4, 5: three answers are not trimmed (the middle one alone would be one
    # rater's score), mean 12 / 3 → 4.00; the overall value waits for the close
    assert (peer.shown, peer.value, mine.shown, mine.value) == (True, D("4.00"), False, None)
    assert round_view(r, employee=False).value == D("4.00")


def test_the_employee_never_learns_a_hidden_group_from_shares_or_the_total(cs):
    """Three peers answered 3, 4, 5 (mean 4.00) and the supervisor 2 (one answer,
    below three: hidden from the employee). The employee's view shows no group's
    numbers, no effective share (50/(50+20) = 71.43% would say the supervisor
    answered), only the declared weights, and no overall value; the supervisor's view
    shows both groups with their shares."""
    from engine.feedback.services import feedback_nominate

    r = feedback_nominate(
        actor=cs.u["hr"],
        appraisal_id=cs.a["support06"].pk,
        indicator="collaboration",
        nominees=[(cs.u[p].pk, "peer") for p in PEERS] + [(cs.u["cs_head"].pk, "supervisor")],
    )
    for name, score in (("support07", "3"), ("support08", "4"), ("support09", "5")):
        feedback_rate(actor=cs.u[name], task_id=_task(cs, name, r).pk, score=score)
    feedback_rate(actor=cs.u["cs_head"], task_id=_task(cs, "cs_head", r).pk, score="2")
    mine = round_view(r, employee=True)
    assert mine.withheld and not mine.shown and mine.value is None
    assert all(not g.shown and g.value is None and g.share is None for g in mine.groups)
    assert {g.group: g.weight for g in mine.groups} == {
        "peer": D("0.5"),
        "partner": D("0.3"),
        "supervisor": D("0.2"),
    }
    theirs = round_view(r, employee=False)
    shown = {g.group: (g.value, g.shown) for g in theirs.groups if g.answered}
    assert shown == {"peer": (D("4.00"), True), "supervisor": (D("2.00"), True)}


def test_the_last_answer_writes_the_aggregate_through_entries_and_the_trail(cs):
    """Five peers answer 5, 4, 4, 3, 1: trimmed mean drops 1 and 5 → (4 + 4 + 3) / 3 =
    3.666… → 3.67; only the peer group answered, so its share is 1 and the aggregate
    is 3.67. It lands as the system's value of `collaboration`, audited as
    `feedback_aggregate` with the explanation; every answer is on the trail with its
    rater."""
    r = nominate_peers(cs)
    for name, score in zip(PEERS, ("5", "4", "4", "3", "1"), strict=True):
        feedback_rate(actor=cs.u[name], task_id=_task(cs, name, r).pk, score=score)
    r.refresh_from_db()
    assert r.state == FeedbackRound.State.DONE and r.value == D("3.67") and r.written
    a = Appraisal.objects.get(pk=cs.a["support06"].pk)
    assert a.values["system"]["collaboration"] == "3.67"
    events = AuditEvent.objects.filter(object_id=str(a.pk), object_type="appraisals.appraisal")
    answers = events.filter(action="feedback_answer")
    assert sorted(e.actor.username for e in answers) == sorted(PEERS)
    agg = events.get(action="feedback_aggregate")
    assert agg.after["entries"] == [
        {"field": "values.collaboration", "rater": "system", "before": None, "after": "3.67"}
    ]
    peer = agg.after["feedback"]["groups"][0]
    assert (peer["group"], peer["n"], peer["kept"], peer["value"]) == ("peer", 5, 3, "3.67")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_exactly_one_wins(litong, set_clock):
    """The same rater's two answers sent at the same moment: one is kept, the other is
    refused as answered already."""
    from tests.month import at, open_department

    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    r = nominate_peers(cs)
    t = _task(cs, "support07", r)
    outcomes = []

    def answer(score):
        try:
            feedback_rate(actor=cs.u["support07"], task_id=t.pk, score=score)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(s,)) for s in ("4", "5")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert AuditEvent.objects.filter(action="feedback_answer").count() == 1


def test_hr_approval_when_the_pack_asks_for_it(cs, monkeypatch):
    """With `hr_approves`, the supervisor's nomination waits (no task) until HR
    approves it; the supervisor may not approve."""
    import dataclasses

    from engine.feedback import services

    rule = dataclasses.replace(services.rule_for(cs.a["support06"], "collaboration"))
    rule = dataclasses.replace(rule, hr_approves=True)
    monkeypatch.setattr(services, "rule_for", lambda a, code: rule)
    r = feedback_nominate(
        actor=cs.u["cs_head"],
        appraisal_id=cs.a["support06"].pk,
        indicator="collaboration",
        nominees=[(cs.u["support07"].pk, "peer")],
    )
    assert r.state == FeedbackRound.State.PROPOSED and not RaterTask.objects.exists()
    with pytest.raises(Forbidden):
        services.feedback_approve(actor=cs.u["cs_head"], round_id=r.pk)
    services.feedback_approve(actor=cs.u["hr"], round_id=r.pk)
    r.refresh_from_db()
    assert r.state == FeedbackRound.State.OPEN and RaterTask.objects.count() == 1
