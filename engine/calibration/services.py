"""Calibration writes: HR overrides a grade (who, why, before, after — never the
total), applies the engine's proposals, and confirms a department."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from engine import clock
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import (
    lock_appraisal,
    lock_appraisals,
    lock_cycle,
    ready_final_steps,
    step_messages,
)
from engine.audit.services import record_for
from engine.errors import Conflict, InvalidInput
from engine.notifications.services import notify_many
from engine.org.models import Company, Department
from engine.org.selectors import require_hr

from .distribution import cap_for
from .models import Calibration
from .overview import needs_calibration
from .selectors import department_plans, override_breaks_cap, tie_places


def company_calibration_pooling_set(*, actor, company: Company, enabled) -> Company:
    """HR switches the pooling of small departments (policies.md §4.1) on or off for
    the company. Confirmed calibrations stay as they were; cards not yet confirmed
    follow the new setting."""
    require_hr(actor, company.pk)
    if not isinstance(enabled, bool):
        raise InvalidInput("must be true or false", field="calibration_pooling", rule="type")
    with transaction.atomic():
        c = Company.objects.select_for_update().get(pk=company.pk)
        if c.calibration_pooling == enabled:
            return c
        before = c.calibration_pooling
        c.calibration_pooling = enabled
        c.save(update_fields=["calibration_pooling"])
        record_for(
            c,
            actor=actor,
            role="hr",
            action="calibration_pooling",
            before={"calibration_pooling": before},
            after={"calibration_pooling": enabled},
        )
    return c


def calibration_override(
    *, actor, appraisal: Appraisal, grade: str, reason: str, over_cap: bool = False
) -> Appraisal:
    """HR sets a grade (never the total), with a reason. A grade that would go above
    its cap is refused (rule over_cap) unless HR confirms it with `over_cap`: the card
    then shows the grade over its cap and the confirmation waits until it holds."""
    require_hr(actor, appraisal.company_id)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a calibration needs a reason", field="reason", rule="required")
    with transaction.atomic():
        a = lock_appraisal(appraisal.pk)
        if a.state != Appraisal.State.IN_PROGRESS or a.total is None:
            raise Conflict(
                "only a scored appraisal awaiting final approval can be calibrated",
                field="appraisal",
                rule="provisional",
            )
        if Calibration.objects.filter(cycle_id=a.cycle_id, department_id=a.department_id).exists():
            raise Conflict(
                "this department's calibration is confirmed", field="department", rule="confirmed"
            )
        codes = [g.code for g in template_for(a).grades]
        if grade not in codes:
            raise InvalidInput(f"grades are {codes}", field="grade", rule="choices")
        if not over_cap and override_breaks_cap(a, grade):
            n, cap = override_breaks_cap(a, grade)
            raise Conflict(
                f"{n} would hold {grade}, above its cap of {cap}",
                field="grade",
                rule="over_cap",
            )
        before = a.calibrated_grade or a.grade
        a.calibrated_grade = "" if grade == a.grade else grade
        a.save(update_fields=["calibrated_grade"])
        record_for(
            a,
            actor=actor,
            role="hr",
            action="calibration",
            reason=reason.strip(),
            before={"grade": before, "total": a.total},
            after={"grade": grade, "total": a.total},
        )
    return a


def calibration_drop_ties(
    *, actor, cycle: Cycle, department: Department, grade: str, reason: str, keep=()
) -> int:
    """HR decides a tie at a cap's boundary: the tied people in `keep` (at most the
    places the cap leaves free) keep the grade, the others drop one grade. With no one
    kept, everyone tied drops (the cautious choice). Returns how many dropped."""
    require_hr(actor, cycle.company_id)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a calibration needs a reason", field="reason", rule="required")
    try:
        kept = {int(k) for k in keep}
    except (TypeError, ValueError):
        raise InvalidInput("keep lists tied appraisals", field="keep", rule="choices") from None
    n = 0
    for p in department_plans(cycle, department_id=department.pk):
        tied = p.plan.ties.get(grade, [])
        if not tied:
            continue
        if not kept <= set(tied):
            raise InvalidInput("keep lists tied appraisals", field="keep", rule="choices")
        places = tie_places(p, grade)
        if len(kept) > places:
            raise InvalidInput(
                f"at most {places} of the tied can keep {grade}", field="keep", rule="tie_places"
            )
        lower = p.grades[p.grades.index(grade) + 1]
        for appraisal_id in tied:
            if appraisal_id in kept:
                continue
            calibration_override(
                actor=actor,
                appraisal=Appraisal.objects.get(pk=appraisal_id),
                grade=lower,
                reason=reason,
                over_cap=True,  # the engine's cascade calibrates a lower grade next
            )
            n += 1
    return n


def calibration_apply_proposals(*, actor, cycle: Cycle, department: Department, reason: str) -> int:
    """Apply the engine's drops for one department (ties stay with HR)."""
    n = 0
    for p in department_plans(cycle, department_id=department.pk):
        for appraisal_id, (_, to) in p.plan.drops.items():
            calibration_override(
                actor=actor,
                appraisal=Appraisal.objects.get(pk=appraisal_id),
                grade=to,
                reason=reason,
                over_cap=True,  # the engine's own proposal
            )
            n += 1
    return n


def _covered(cycle: Cycle, department: Department):
    """The departments one confirmation covers and the cards they are on: a pooled
    card is confirmed as a whole (policies.md §4.1), and a department on a pooled card
    of one grade scheme takes the other cards it is on along."""
    plans = department_plans(cycle)
    covered, grew = {department.pk}, True
    while grew:
        grew = False
        for p in plans:
            if covered & set(p.departments) and not set(p.departments) <= covered:
                covered |= set(p.departments)
                grew = True
    return covered, [p for p in plans if covered & set(p.departments)]


def confirm_check(cycle: Cycle, department: Department):
    """What confirming `department` covers, refused while someone is unscored or a cap
    is still exceeded: (covered departments, their cards). The confirmation page asks
    it before summarising, the confirmation itself again under its locks."""
    covered, plans = _covered(cycle, department)
    done = set(
        Calibration.objects.filter(cycle=cycle, department_id__in=covered).values_list(
            "department_id", flat=True
        )
    )
    if done >= covered:
        raise Conflict("already confirmed", field="department", rule="once")
    unscored = sum(p.unscored for p in plans)
    if unscored:
        raise Conflict(
            f"{unscored} appraisals of the department are not scored yet",
            field="department",
            rule="unscored",
        )
    # Nothing left to drop and no tie undecided means the current grades keep the caps.
    over = [
        f"{p.pack}: {len(p.plan.drops)} above a cap, ties {p.plan.ties}"
        for p in plans
        if p.plan.drops or p.plan.ties
    ]
    if over:
        raise Conflict(
            f"caps still exceeded ({'; '.join(over)})", field="distribution", rule="caps"
        )
    return covered, plans, done


def calibration_confirm(*, actor, cycle: Cycle, department: Department) -> Calibration:
    """Confirm a card: every department calibrated with `department` is confirmed at
    once (the whole pool), only when everyone is scored and the caps hold."""
    require_hr(actor, cycle.company_id)
    with transaction.atomic():
        # The lock order (docs/architecture.md): the cycle, then the covered departments'
        # appraisals, so a second confirmation, an override or an appeal filed meanwhile
        # waits and then sees this one, instead of reading the grades before it.
        lock_cycle(cycle.pk)
        covered, _plans = _covered(cycle, department)
        lock_appraisals(
            Appraisal.objects.filter(cycle=cycle, department_id__in=covered).values_list(
                "pk", flat=True
            )
        )
        covered, plans, done = confirm_check(cycle, department)
        now = clock.now()
        made = {
            d.pk: Calibration.objects.create(
                cycle=cycle, department=d, confirmed_by=actor, confirmed_at=now
            )
            for d in Department.objects.filter(pk__in=covered - done).order_by("pk")
        }
        codes = dict(Department.objects.filter(pk__in=covered).values_list("pk", "code"))
        record_for(
            cycle,
            actor=actor,
            role="hr",
            action="calibration_confirm",
            after={
                "department": department.code,
                "departments": sorted(codes[d] for d in made),
                "distribution": [
                    {
                        "pack": p.pack,
                        "departments": [codes.get(d, d) for d in p.departments],
                        "lines": [(ln.code, ln.count, ln.cap) for ln in p.plan.lines],
                    }
                    for p in plans
                ],
            },
        )
        # The final approvals that waited for this confirmation can be approved now:
        # their holders (the GM, the board) are told, once.
        final_open = (
            AppraisalStep.objects.filter(
                appraisal__cycle=cycle,
                appraisal__department_id__in=covered,
                appraisal__state=Appraisal.State.IN_PROGRESS,
                state=AppraisalStep.State.OPEN,
            )
            .exclude(appraisal__steps__seq__gt=F("seq"))
            .select_related("appraisal__cycle")
        )
        ready = ready_final_steps(final_open)
        notify_many(step_messages(ready, "approval_ready", "可以审批/Ready", cycle.company_id))
    return made.get(department.pk) or next(iter(made.values()))


def fit_confirmed_caps(a: Appraisal, natural_grade: str) -> str | None:
    """A result published after its department's calibration (a supervisor whose
    team finished later, an upheld appeal) joins a confirmed distribution: if its
    grade has no room under the cap, it takes the highest lower grade that has room.
    Returns the grade to calibrate to, or None when it fits (or nothing applies)."""
    if a.calibrated_grade:
        return None  # HR already decided this one
    cycle = a.cycle  # read after the appraisal's lock (the gate or the scoring loaded it)
    if not cycle.calibration_required:
        return None
    if not Calibration.objects.filter(cycle_id=a.cycle_id, department_id=a.department_id).exists():
        return None
    t = template_for(a)
    scheme = tuple(g.code for g in t.grades)
    # the pool the department was calibrated in (policies.md §4.1), whose caps it joins
    pool = next(
        (
            p.departments
            for p in department_plans(cycle, department_id=a.department_id)
            if p.grades == scheme
        ),
        (a.department_id,),
    )
    others = [
        o
        for o in Appraisal.objects.filter(cycle_id=a.cycle_id, department_id__in=pool)
        .exclude(pk=a.pk)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        if tuple(g.code for g in template_for(o).grades) == scheme
    ]
    headcount = len(others) + 1
    counts: dict[str, int] = {}
    for o in others:
        g = o.calibrated_grade or o.grade
        if g:
            counts[g] = counts.get(g, 0) + 1
    ordered = sorted(t.grades, key=lambda g: g.lower, reverse=True)
    start = next(i for i, g in enumerate(ordered) if g.code == natural_grade)
    for g in ordered[start:]:
        if g.max_share is None or counts.get(g.code, 0) + 1 <= cap_for(headcount, g.max_share):
            return None if g.code == natural_grade else g.code
    return ordered[-1].code


def final_approval_gate(a: Appraisal) -> None:
    """With calibration required, the final approval waits for HR's confirmation of
    the department (only for packs whose grades have caps; the GM's overview asks the
    same `needs_calibration`). A pooled card's confirmation writes one row per
    department of the pool, so a department is never approved on a pool's behalf
    before the whole pool is confirmed."""
    cycle = a.cycle  # the scoring that follows reads it too: loaded once
    t = template_for(a)
    if not cycle.calibration_required or not any(g.max_share is not None for g in t.grades):
        return
    confirmed = Calibration.objects.filter(cycle_id=a.cycle_id)
    mine = set(
        confirmed.filter(department_id=a.department_id).values_list("department_id", flat=True)
    )
    if needs_calibration(cycle, t, a.department_id, mine):
        raise Conflict(
            "HR has not confirmed this department's calibration yet",
            field="calibration",
            rule="confirmed",
        )
    if a.company.calibration_pooling:
        # Confirmed alone before pooling was switched on: the pool's cards still wait.
        pool = {
            d for p in department_plans(cycle, department_id=a.department_id) for d in p.departments
        }
        if pool - set(
            confirmed.filter(department_id__in=pool).values_list("department_id", flat=True)
        ):
            raise Conflict(
                "HR has not confirmed the calibration of the departments pooled with this one",
                field="calibration",
                rule="confirmed",
            )
