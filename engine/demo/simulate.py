"""A reproducible month (`manage.py simulate`): a demo organisation over every role
family, a monthly cycle driven through every chain by the clock, with a seeded mix of
on-time and late steps, one return, daily deadline sweeps, then a summary.

Everything random comes from one `random.Random(seed)`, and actions run in time order
from a priority queue, so the same seed on a fresh database gives the same summary.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import zoneinfo
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from engine import clock
from engine.appeals.models import Appeal
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle, LatePenalty, StepSubmission
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from engine.audit.verify import verify
from engine.calibration.selectors import department_plans
from engine.deadlines.sweep import sweep
from engine.org.models import Company, CompanyRole

from .appealing import walk_appeal
from .calibrating import calibrate_all
from .packs import company_on_builtin_packs
from .runs import population_summary, run_population_cycles
from .simulated_company import (
    SELF_SUMMARY,
    acting_moment,
    build_company,
    company_code,
    cycle_targets,
    form,
    step_actor,
    system_values,
)

PERIOD = "2026-10"
OPEN_AT = dt.datetime(2026, 10, 28, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
LATE_SHARE = 0.15


def run(*, employees: int = 40, seed: int = 1, progress=None) -> dict[str, Any]:
    code = company_code(employees, seed)
    company = Company.objects.filter(code=code).first()
    if company is None or not Cycle.objects.filter(company=company, period=PERIOD).exists():
        _drive(employees, seed, progress)
        company = Company.objects.get(code=code)
    return summary(Cycle.objects.get(company=company, period=PERIOD))


def _drive(employees: int, seed: int, progress) -> None:
    rng = random.Random(seed)
    previous = clock._global["fixed"]
    clock.set_now(OPEN_AT)
    try:
        with transaction.atomic():
            company = build_company(employees, seed)
            hr = get_user_model().objects.get(username=f"{company.code}_hr")
            company_on_builtin_packs(actor=hr, company=company)
            cycle = services.cycle_open(
                targets_later=True,
                actor=hr,
                company=company,
                kind=Cycle.Kind.MONTH,
                period=PERIOD,
                targets=cycle_targets(rng),
                calibration_required=True,
            )
        role_users: dict[str, list] = {}
        for cr in (
            CompanyRole.objects.filter(company=company)
            .select_related("user")
            .order_by("user__username")
        ):
            role_users.setdefault(cr.role, []).append(cr.user)
        appraisals = list(
            Appraisal.objects.filter(cycle=cycle).select_related("employee").order_by("pk")
        )
        with transaction.atomic():
            for a in appraisals:
                system = system_values(a, rng)
                services.appraisal_set_inputs(
                    actor=hr,
                    appraisal=a,
                    system_values=system,
                    context={"base_performance_pay": "3000.00"},
                )
        returner = appraisals[rng.randrange(len(appraisals))].pk
        returned: set[int] = set()
        queue: list[tuple[dt.datetime, int]] = []
        now = OPEN_AT
        for i, a in enumerate(appraisals):
            first = a.steps.get(seq=0)
            late = i == 0 or rng.random() < LATE_SHARE  # at least one late self-review
            heapq.heappush(queue, (acting_moment(first, late, now, rng), a.pk))
        state = {"day": now.date(), "now": now}
        deferred: list[tuple[dt.datetime, int]] = []

        def tick(when: dt.datetime) -> None:
            while state["day"] < when.date():  # the sweep runs every day before work
                state["day"] += dt.timedelta(days=1)
                clock.set_now(dt.datetime.combine(state["day"], dt.time(7), tzinfo=when.tzinfo))
                sweep()
            clock.set_now(when)
            state["now"] = when

        def run_queue(defer_last: bool) -> None:
            while queue:
                when, pk = heapq.heappop(queue)
                step = (
                    AppraisalStep.objects.filter(appraisal_id=pk, state=AppraisalStep.State.OPEN)
                    .order_by("seq")
                    .first()
                )
                if step is None:
                    continue
                last = not AppraisalStep.objects.filter(appraisal_id=pk, seq=step.seq + 1).exists()
                if defer_last and last:  # the GM waits for HR's calibration
                    deferred.append((when, pk))
                    continue
                tick(max(when, state["now"]))
                a = Appraisal.objects.select_related("employee").get(pk=pk)
                actor = step_actor(step, a.employee.user_id, role_users)
                if pk == returner and step.seq > 0 and pk not in returned:
                    services.step_return(
                        actor=actor,
                        appraisal_id=pk,
                        step_id=step.pk,
                        comment="请补充说明 Please explain the figures",
                    )
                    returned.add(pk)
                else:
                    services.step_submit(
                        actor=actor,
                        appraisal_id=pk,
                        step_id=step.pk,
                        data=form(a, step, rng),
                        comment=SELF_SUMMARY if step.code == "self" else "",
                    )
                nxt = (
                    AppraisalStep.objects.filter(appraisal_id=pk, state=AppraisalStep.State.OPEN)
                    .order_by("seq")
                    .first()
                )
                if nxt is not None:
                    moment = acting_moment(nxt, rng.random() < LATE_SHARE, state["now"], rng)
                    if nxt.rounds:  # returned: fixed at once, not left to its new deadline
                        moment = state["now"] + dt.timedelta(minutes=1)
                    heapq.heappush(queue, (moment, pk))
                if progress:
                    progress(pk)

        run_queue(defer_last=True)
        tick(state["now"] + dt.timedelta(hours=1))
        calibrate_all(cycle, hr)
        for item in deferred:
            heapq.heappush(queue, (max(item[0], state["now"]), item[1]))
        run_queue(defer_last=False)
        _appeals(cycle, rng, role_users, tick, state)
        tick(state["now"] + dt.timedelta(days=10))
        sweep()  # every window has closed: the rest become final
        run_population_cycles(company, hr)
    finally:
        clock.set_now(previous)


def _appeals(cycle: Cycle, rng: random.Random, role_users: dict[str, list], tick, state) -> None:
    """Two employees appeal the day after publication: one is upheld (an item
    corrected), one rejected."""

    published = list(
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.PUBLISHED)
        .select_related("employee__user")
        .order_by("pk")
    )
    manual = [a for a in published if a.pack == "general"]
    if not manual or len(published) < 2:
        return
    upheld = manual[rng.randrange(len(manual))]
    rejected = next(
        a for a in published[rng.randrange(len(published)) :] + published if a.pk != upheld.pk
    )
    tick(state["now"] + dt.timedelta(days=1))
    for a, uphold in ((upheld, True), (rejected, False)):
        item = next(i for i in template_for(a).indicators)
        walk_appeal(
            a,
            item,
            role_users,
            uphold=uphold,
            advance=lambda: tick(state["now"] + dt.timedelta(minutes=30)),
        )


def summary(cycle: Cycle) -> dict[str, Any]:
    apps = Appraisal.objects.filter(cycle=cycle)
    returns = StepSubmission.objects.filter(
        step__appraisal__cycle=cycle, kind=StepSubmission.Kind.RETURN
    ).count()
    return {
        "cycle": cycle.period,
        "company": cycle.company.code,
        "appraisals": apps.count(),
        "by_state": dict(sorted(Counter(apps.values_list("state", flat=True)).items())),
        "by_grade": dict(
            sorted(Counter(g for g in apps.values_list("grade", flat=True) if g).items())
        ),
        "late_penalties": LatePenalty.objects.filter(cycle=cycle).count(),
        "returns": returns,
        "appeals": _appeal_summary(cycle),
        "calibration": _calibration_summary(cycle),
        "population_outcomes": population_summary(cycle.company),
        "audit": verify(),
    }


def _appeal_summary(cycle: Cycle) -> dict[str, int]:

    outcomes = Counter(
        Appeal.objects.filter(appraisal__cycle=cycle).values_list("outcome", flat=True)
    )
    return {
        "filed": sum(outcomes.values()),
        "upheld": outcomes.get("upheld", 0),
        "rejected": outcomes.get("rejected", 0),
        "not_accepted": outcomes.get("not_accepted", 0),
    }


def _calibration_summary(cycle: Cycle) -> dict[str, Any]:

    plans = department_plans(cycle)
    ids = [str(pk) for pk in Appraisal.objects.filter(cycle=cycle).values_list("pk", flat=True)]
    return {
        "overrides": AuditEvent.objects.filter(
            action="calibration", object_type="appraisals.appraisal", object_id__in=ids
        ).count(),
        "within_caps": all(p.plan.within_caps and not p.plan.drops for p in plans),
    }
