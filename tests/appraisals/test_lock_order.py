"""One lock order for every writer (docs/architecture.md, "Lock order"): a leaver
recorded while their steps are handed in, a cycle cancelled during a burst of
submissions, a bulk hand-over during submissions, and a calibration confirmed twice
while the department appeals, each end exactly as if they had queued — no deadlock reaches anyone, and
the trail still verifies. Real threads on PostgreSQL, outside the test transaction."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.db import OperationalError, connection

from engine import busy
from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.audit.verify import verify
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.errors import DomainError
from engine.org.models import Department, Employee
from tests.month import at, demo_litong, open_department, open_departments, run_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TRIALS = int(os.environ.get("JX_LOCK_TRIALS", "3"))  # the issue measured 20 of each


def _run(jobs):
    """Start every job at once (a barrier), each on its own connection; return what
    each ended with: "ok", the domain error's code, or the database error's text."""
    barrier, outcomes = threading.Barrier(len(jobs)), [None] * len(jobs)
    retried = busy.RETRIED["count"]

    def go(i, job):
        try:
            barrier.wait()
            job()
            outcomes[i] = "ok"
        except DomainError as exc:
            outcomes[i] = exc.code
        except OperationalError as exc:  # a deadlock: what must never happen
            outcomes[i] = f"db: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    # The lock order, not the retry, is what holds: not one deadlock was even met.
    assert busy.RETRIED["count"] == retried, "a deadlock was met (and retried)"
    return outcomes


def _open(litong, *codes):
    return open_departments(litong, *codes).cycle


def _submit_self(a: Appraisal, user):
    s = AppraisalStep.objects.get(appraisal=a, code="self")
    return lambda: services.step_submit(
        actor=user, appraisal_id=a.pk, step_id=s.pk, comment="done as planned"
    )


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_leaver_recorded_while_their_steps_are_handed_in(set_clock, trial):
    """The customer-service head leaves while their 12 reports hand in their
    self-reviews (each opening a step the head holds): every hand-in and the departure
    succeed, no step is left with the leaver, and the trail verifies."""
    set_clock(at(2026, 10, 31, 9))
    litong = demo_litong()
    cycle = _open(litong, "cs")
    head = Employee.objects.get(company=litong.company, user__username="cs_head")
    reports = list(
        Appraisal.objects.filter(cycle=cycle, employee__supervisor=head).select_related(
            "employee__user"
        )
    )
    assert len(reports) >= 10
    jobs = [_submit_self(a, a.employee.user) for a in reports]
    jobs.append(
        lambda: services.employee_depart(
            actor=litong.u["hr"], employee=head, left_on=dt.date(2026, 10, 31), reason="left"
        )
    )
    outcomes = _run(jobs)
    assert outcomes == ["ok"] * len(jobs)
    left = AppraisalStep.objects.filter(
        appraisal__cycle=cycle, assignee=head.user, state__in=["open", "pending"]
    )
    assert not left.exists()
    assert all(AppraisalStep.objects.get(appraisal=a, code="self").state == "done" for a in reports)
    assert verify()["ok"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_cycle_cancelled_during_fourteen_submissions(set_clock, trial):
    """HR cancels a cycle while 14 people hand in their self-reviews: the cancel
    succeeds, every hand-in either landed before it or is refused in words (the
    appraisal is withdrawn), every appraisal ends withdrawn, and the trail verifies."""
    set_clock(at(2026, 10, 31, 9))
    litong = demo_litong()
    cycle = _open(litong, "cs", "finance")
    apps = list(
        Appraisal.objects.filter(cycle=cycle).select_related("employee__user").order_by("pk")
    )[:14]
    assert len(apps) == 14
    jobs = [_submit_self(a, a.employee.user) for a in apps]
    jobs.append(lambda: services.cycle_cancel(actor=litong.u["hr"], cycle=cycle, reason="wrong"))
    outcomes = _run(jobs)
    assert outcomes[-1] == "ok"
    assert set(outcomes[:-1]) <= {"ok", "conflict"}, outcomes
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CANCELLED
    assert set(Appraisal.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        "withdrawn"
    }
    for a, outcome in zip(apps, outcomes, strict=False):
        done = AppraisalStep.objects.get(appraisal=a, code="self").submissions.exists()
        assert done == (outcome == "ok")
    assert verify()["ok"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_bulk_hand_over_during_submissions(set_clock, trial):
    """HR hands every open review of customer service to another person while the 12
    reports hand in their self-reviews: all succeed, exactly the steps open under the
    hand-over's locks move (never one handed in meanwhile), and the trail verifies."""
    set_clock(at(2026, 10, 31, 9))
    litong = demo_litong()
    cycle = _open(litong, "cs")
    apps = list(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(employee__user__username="cs_head")
        .select_related("employee__user")
        .order_by("pk")
    )
    assert len(apps) >= 10
    # half already handed in: their supervisor's review is open to hand over
    for a in apps[::2]:
        _submit_self(a, a.employee.user)()
    to = litong.u["hr02"]  # not HR's own reviewer: one person never holds two reviews
    moved = []
    jobs = [_submit_self(a, a.employee.user) for a in apps[1::2]]
    jobs.append(
        lambda: moved.append(
            services.steps_hand_to(
                actor=litong.u["hr"], cycle=cycle, appraisal_ids=[a.pk for a in apps], user=to
            )
        )
    )
    assert _run(jobs) == ["ok"] * len(jobs)
    handed = AppraisalStep.objects.filter(appraisal__in=apps, assignee=to).exclude(code="hr")
    assert handed.count() == len(moved[0].moving) >= len(apps[::2])
    assert set(handed.values_list("state", flat=True)) == {"open"}
    assert verify()["ok"]


@pytest.mark.parametrize("trial", range(TRIALS))
def test_calibration_confirmed_twice_while_the_department_appeals(set_clock, trial):
    """HR confirms the workshop's calibration from two tabs at once while all three of
    its people appeal their published results: one confirmation wins and the other is
    refused in words (never the database's unique-constraint error), every appeal is
    filed, and the trail verifies."""
    set_clock(at(2026, 10, 31, 9))
    litong = demo_litong()
    w = open_department(litong, "workshop")
    # 18 + 18 + 17 + 17 = 70 → grade c, which has no cap: the distribution may be confirmed
    values = {"efficiency": 18, "operation": 18, "attitude": 17, "knowledge": 17}
    apps = [
        run_chain(
            w,
            name,
            set_clock,
            self_at=at(2026, 11, 1),
            sup_at=at(2026, 11, 4),
            gm_at=at(2026, 11, 10),
            values=values,
        )
        for name in ("staff02", "staff03", "workshop_head")
    ]
    assert {a.state for a in apps} == {"published"}
    set_clock(at(2026, 11, 11))
    dept = Department.objects.get(company=litong.company, code="workshop")
    confirm = lambda: calibration.calibration_confirm(  # noqa: E731
        actor=litong.u["hr"], cycle=w.cycle, department=dept
    )
    jobs = [confirm, confirm] + [
        (
            lambda a=a: appeals.appeal_file(
                actor=a.employee.user, appraisal_id=a.pk, items=["total"], reason="recount"
            )
        )
        for a in apps
    ]
    outcomes = _run(jobs)
    assert sorted(outcomes[:2]) == ["conflict", "ok"], outcomes
    assert outcomes[2:] == ["ok"] * 3
    assert Calibration.objects.filter(cycle=w.cycle, department=dept).count() == 1
    assert Appeal.objects.filter(appraisal__in=apps).count() == 3
    assert verify()["ok"]
