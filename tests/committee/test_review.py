"""The committee review of a department manager's 2026-H2 appraisal (seed 004 篇6):
HR forms the group, the manager submits the self-report, three members score, the chair
closes; the combined score lands through the one writer, audited line by line."""

from decimal import Decimal

import pytest

from engine.appraisals.models import AppraisalStep
from engine.audit.models import AuditEvent
from engine.committee import services
from engine.committee.models import Committee, CommitteeTask, SelfReport
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.notifications.models import Notification
from engine.scoring.committee import combine
from tests.committee.conftest import CHAIR, MEMBERS
from tests.month import at, submit


def form(h, members=MEMBERS, chair=CHAIR):
    return services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in members],
        chair=h.u[chair].pk,
    )


def task_of(committee, username, h, kind=CommitteeTask.Kind.SCORE):
    return CommitteeTask.objects.get(committee=committee, assignee=h.u[username], kind=kind)


def submitted(h):
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="半年度述职：……")
    return services.report_save(
        actor=h.u["mgr01"], appraisal_id=h.a.pk, text="半年度述职：完成车间改造。", submit=True
    )


def actions(a, prefix):
    return [
        e.action
        for e in AuditEvent.objects.filter(object_id=str(a.pk), action__startswith=prefix).order_by(
            "seq"
        )
        if e.object_type == "appraisals.appraisal"
    ]


def test_half_year_period_is_january_to_june_or_july_to_december(half):
    """2026-H2 is a half-year cycle from Jul 1 to Dec 31, 2026."""
    from engine.deadlines.due import period_bounds

    assert (half.cycle.kind, half.cycle.start.isoformat(), half.cycle.end.isoformat()) == (
        "half",
        "2026-07-01",
        "2026-12-31",
    )
    assert [d.isoformat() for d in period_bounds("half", "2027-H1")] == ["2027-01-01", "2027-06-30"]
    with pytest.raises(ValueError):
        period_bounds("half", "2026-H3")
    with pytest.raises(ValueError):
        period_bounds("quarter", "2026-H1")


def test_half_year_steps_are_due_on_working_days_after_the_half(half):
    """The manager's self-review of 2026-H2 is due the 2nd of the next month, moved to
    the next working day: Sat Jan 2, 2027 → Mon Jan 4."""
    self_step = AppraisalStep.objects.get(appraisal=half.a, code="self")
    assert self_step.due_date.isoformat() == "2027-01-04"


def test_three_members_score_and_the_chair_closes(half, set_clock):
    """Golden: members score 78, 92.5 and 85; the trimmed mean drops the highest (92.5)
    and the lowest (78) and keeps 85 → 85.00 (85 ÷ 1). The value lands in
    values.committee.report_review through the one writer; with the superior's 80 the
    total is 85.00 × 0.50 + 80 × 0.50 = 42.50 + 40.00 = 82.50, grade b."""
    h = half
    committee = form(h)
    submitted(h)
    set_clock(at(2026, 12, 29, 10))
    for name, score in zip(MEMBERS, ("78", "92.5", "85"), strict=True):
        services.committee_score(
            actor=h.u[name], task_id=task_of(committee, name, h).pk, score=score, comment="ok"
        )
    ready = Notification.objects.filter(kind="committee_ready", appraisal_id=h.a.pk)
    assert [n.user_id for n in ready] == [h.u[CHAIR].pk]  # told once, at the quorum
    closed = services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    assert closed.combined == Decimal("85.00") and closed.state == Committee.State.CLOSED
    h.a.refresh_from_db()
    assert h.a.values["committee"] == {"report_review": "85.00"}
    lines = closed.explanation["lines"]
    assert lines[0] == {"line": "dropped", "values": ["92.50", "78.00"]}
    assert lines[-1] == {"line": "mean", "sum": "85.00", "n": 1, "score": "85.00"}
    assert [m["score"] for m in closed.explanation["members"]] == ["78.00", "92.50", "85.00"]
    event = AuditEvent.objects.get(object_id=str(h.a.pk), action="committee_close")
    assert event.after["entries"] == [
        {"field": "values.report_review", "rater": "committee", "before": None, "after": "85.00"}
    ]
    scores = AuditEvent.objects.filter(object_id=str(h.a.pk), action="committee_score")
    assert sorted(e.actor_id for e in scores) == sorted(h.u[m].pk for m in MEMBERS)
    # the rest of the chain: self, the superior's 80, HR, GM
    set_clock(at(2027, 1, 4, 9))
    submit(h.a, "self", h.u["mgr01"])
    submit(h.a, "supervisor", h.u["gm"], {"values": {"superior_assessment": 80}})
    submit(h.a, "hr", h.u["hr"])
    submit(h.a, "gm", h.u["gm"])
    h.a.refresh_from_db()
    assert (h.a.total, h.a.grade) == (Decimal("82.50"), "b")


def test_closing_before_quorum_is_refused_with_the_count(half, set_clock):
    """Two of the three needed have scored: the chair's close is refused (409, field
    quorum) and nothing is written."""
    h = half
    committee = form(h)
    submitted(h)
    for name in MEMBERS[:2]:
        services.committee_score(actor=h.u[name], task_id=task_of(committee, name, h).pk, score=80)
    with pytest.raises(Conflict) as exc:
        services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    assert exc.value.field == "quorum" and exc.value.status == 409
    assert "2 of 3" in exc.value.message
    h.a.refresh_from_db()
    assert "committee" not in h.a.values


def test_a_second_close_is_refused(half):
    """Closed once, a second close answers 409 and the value stays as written once."""
    h = half
    committee = form(h)
    submitted(h)
    for name in MEMBERS:
        services.committee_score(actor=h.u[name], task_id=task_of(committee, name, h).pk, score=90)
    services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    with pytest.raises(Conflict) as exc:
        services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    assert exc.value.rule == "closed"
    assert actions(h.a, "committee_close") == ["committee_close"]


def test_who_may_do_what(half):
    """Only HR forms; only a member scores their own task, once, after the report is
    submitted; only the chair closes; the manager sits on no committee of their own."""
    h = half
    with pytest.raises(Forbidden):
        services.committee_form(
            actor=h.u["gm"],
            appraisal_id=h.a.pk,
            members=[h.u[m].pk for m in MEMBERS],
            chair=h.u[CHAIR].pk,
        )
    with pytest.raises(InvalidInput) as exc:
        form(h, members=("finance_head", "mgr01", "rnd_head"))
    assert (exc.value.field, exc.value.rule) == ("members", "not_self")
    with pytest.raises(InvalidInput) as exc:
        form(h, members=MEMBERS[:2])
    assert (exc.value.field, exc.value.rule) == ("members", "quorum")
    with pytest.raises(InvalidInput) as exc:
        form(h, chair="gm")
    assert exc.value.field == "chair"
    committee = form(h)
    with pytest.raises(Conflict):
        form(h)
    mine = task_of(committee, "sales_head", h)
    with pytest.raises(Conflict) as exc:
        services.committee_score(actor=h.u["sales_head"], task_id=mine.pk, score=80)
    assert exc.value.field == "report"
    submitted(h)
    with pytest.raises(Forbidden):
        services.committee_score(actor=h.u["rnd_head"], task_id=mine.pk, score=80)
    for bad in ("101", "-1", "abc", "", "80.123"):
        with pytest.raises(InvalidInput) as exc:
            services.committee_score(actor=h.u["sales_head"], task_id=mine.pk, score=bad)
        assert exc.value.field == "score"
    services.committee_score(actor=h.u["sales_head"], task_id=mine.pk, score="80")
    with pytest.raises(Conflict):
        services.committee_score(actor=h.u["sales_head"], task_id=mine.pk, score="81")
    with pytest.raises(Forbidden):
        services.committee_close(actor=h.u["sales_head"], committee_id=committee.pk)


def test_the_report_is_the_employees_draft_then_submitted_once(half):
    """A draft is saved and changed; an empty submission is refused naming `text`; once
    submitted the report is final; nobody else writes it."""
    h = half
    form(h)
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="草稿")
    with pytest.raises(InvalidInput) as exc:
        services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="  ", submit=True)
    assert exc.value.field == "text"
    with pytest.raises(Forbidden):
        services.report_save(actor=h.u["gm"], appraisal_id=h.a.pk, text="代写")
    report = submitted(h)
    assert report.state == SelfReport.State.SUBMITTED and "车间改造" in report.text
    with pytest.raises(Conflict):
        services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="改")
    assert actions(h.a, "report_") == ["report_draft", "report_draft", "report_submit"]


def test_combination_rules():
    """mean: (70 + 80 + 95) ÷ 3 = 245 ÷ 3 = 81.666… → 81.67; trimmed mean of 60, 70,
    80, 100: drop 100 and 60, (70 + 80) ÷ 2 = 75.00."""
    D = Decimal
    assert combine([D(70), D(80), D(95)], "mean").score == D("81.67")
    trimmed = combine([D(60), D(100), D(70), D(80)], "trimmed_mean")
    assert (trimmed.score, trimmed.dropped, trimmed.used) == (
        D("75.00"),
        (D(100), D(60)),
        (D(70), D(80)),
    )
    with pytest.raises(ValueError):
        combine([D(1), D(2)], "trimmed_mean")
