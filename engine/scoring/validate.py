"""Template validation at discovery: every problem is listed, so a pack author fixes
them all at once, and an invalid pack can never be used."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from .numbers import ONE, ZERO, to_decimal
from .rules import DIVIDING_RULES, resolve
from .template import APPEAL_STEPS, PERIODS, RULES, STEPS, RoleTemplate
from .units import unit_problems

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
GRADE_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _dupes(codes: list[str]) -> set[str]:
    return {c for c in codes if codes.count(c) > 1}


def _num(params: dict, key: str, where: str, problems: list[str], positive: bool = True):
    if key not in params:
        return None
    try:
        v = to_decimal(params[key])
    except ValueError:
        problems.append(f"{where}: parameter {key} must be a number")
        return None
    if positive and v <= 0:
        problems.append(f"{where}: parameter {key} must be more than 0")
    return v


def _target_problems(ind, where: str, problems: list[str]) -> None:
    """A rule measured against a target: the target, the cap, the direction (step and
    threshold) and the step rule's own step and points."""
    p = ind.params
    target = _num(p, "target", where, problems, positive=ind.rule in DIVIDING_RULES)
    if target is not None and target < 0:
        problems.append(f"{where}: parameter target must not be negative")
    _num(p, "cap", where, problems)
    if ind.rule in {"step", "threshold"} and p.get("direction", "min") not in {"min", "max"}:
        problems.append(f"{where}: direction must be min or max")
    if ind.rule == "step":
        for key in ("step", "points"):
            if key not in p:
                problems.append(f"{where}: step rule needs parameter {key}")
        _num(p, "step", where, problems)
        _num(p, "points", where, problems)


def _rating_problems(ind, where: str, problems: list[str]) -> None:
    levels = ind.levels()
    if not levels:
        problems.append(f"{where}: a rating needs levels")
    out_of = _num(ind.params, "out_of", where, problems) or ind.weight
    if _dupes([lv.code for lv in levels]) or _dupes([lv.label_zh for lv in levels]):
        problems.append(f"{where}: duplicate rating levels")
    for lv in levels:
        if not ZERO <= lv.points <= out_of:
            problems.append(f"{where}: level {lv.code} points {lv.points} outside [0, {out_of}]")


def _scale_problems(ind, where: str, problems: list[str]) -> None:
    n = ind.params.get("n", 5)
    if not isinstance(n, int) or n < 2:
        problems.append(f"{where}: scale needs n ≥ 2")


def _custom_problems(ind, where: str, problems: list[str]) -> None:
    fn = ind.params.get("function")
    if not fn:
        problems.append(f"{where}: custom rule needs parameter function")
        return
    try:
        resolve(fn)
    except (ImportError, AttributeError) as exc:
        problems.append(f"{where}: custom function {fn!r} cannot be found ({exc})")


# rule → the checks of its parameters
RULE_PROBLEMS = {
    "ratio": _target_problems,
    "inverse_ratio": _target_problems,
    "reverse_ratio": _target_problems,
    "step": _target_problems,
    "threshold": _target_problems,
    "rating": _rating_problems,
    "scale": _scale_problems,
    "custom": _custom_problems,
}


def _rule_problems(t: RoleTemplate, problems: list[str]) -> None:
    for ind in t.indicators:
        where = f"{t.role}.{ind.code}"
        if ind.rule not in RULES:
            problems.append(f"{where}: unknown rule {ind.rule!r}")
            continue
        if ind.weight <= 0:
            problems.append(f"{where}: weight must be more than 0")
        problems.extend(unit_problems(ind, where))
        if ind.rule in RULE_PROBLEMS:
            RULE_PROBLEMS[ind.rule](ind, where, problems)


def _weight_problems(t: RoleTemplate, problems: list[str]) -> None:
    if t.base is not None:
        if t.indicators:
            problems.append(f"{t.role}: a role scored from a base has no indicators")
        return
    if not t.indicators:
        problems.append(f"{t.role}: no indicators")
        return
    expected = t.ceiling if t.ceiling is not None else Decimal(100)
    if not t.sections:
        total = sum((i.weight for i in t.indicators), ZERO)
        if total != expected:
            problems.append(f"{t.role}: indicator weights add up to {total}, not {expected}")
        return
    codes = {s.code for s in t.sections}
    for ind in t.indicators:
        if ind.section not in codes:
            problems.append(f"{t.role}.{ind.code}: unknown section {ind.section!r}")
    total = ZERO
    for sec in t.sections:
        raw = sum((i.weight for i in t.indicators if i.section == sec.code), ZERO)
        if raw == 0:
            problems.append(f"{t.role}: section {sec.code} has no indicators")
            continue
        if sec.rater_weights is not None and sum(sec.rater_weights.values(), ZERO) != ONE:
            problems.append(f"{t.role}: rater weights of section {sec.code} do not add up to 1")
        if sec.counts:
            total += (sec.normalise_to or raw) * sec.weight
    if total != expected:
        problems.append(f"{t.role}: weighted sections add up to {total}, not {expected}")


def _grade_problems(t: RoleTemplate, problems: list[str]) -> None:
    if not t.grades:
        problems.append(f"{t.role}: no grades")
        return
    bands = sorted(t.grades, key=lambda g: g.lower)
    if bands[0].lower != t.floor:
        problems.append(f"{t.role}: grades start at {bands[0].lower}, not at the floor {t.floor}")
    for lo, hi in itertools.pairwise(bands):
        if lo.upper is None or lo.upper < hi.lower:
            problems.append(f"{t.role}: gap between grades {lo.code} and {hi.code}")
        elif lo.upper > hi.lower:
            problems.append(f"{t.role}: grades {lo.code} and {hi.code} overlap")
    if bands[-1].upper != t.ceiling:
        problems.append(
            f"{t.role}: the top grade ends at {bands[-1].upper}, not at the ceiling {t.ceiling}"
        )
    for g in t.grades:
        if g.upper is not None and g.upper <= g.lower:
            problems.append(f"{t.role}: grade {g.code} is empty")
        if g.max_share is not None and not ZERO < g.max_share <= ONE:
            problems.append(f"{t.role}: grade {g.code} max_share must be in (0, 1]")


def _step_problems(t: RoleTemplate, problems: list[str]) -> None:
    steps = [s.code for s in t.chain]
    if not steps:
        problems.append(f"{t.role}: no chain of steps")
    for s in t.chain:
        if s.code not in STEPS:
            problems.append(f"{t.role}: unknown chain step {s.code!r}")
        if not 1 <= s.due.day <= 31 or s.due.months_after < 0:
            problems.append(f"{t.role}: step {s.code} has an impossible deadline")
        if s.due.working_days < 1:
            problems.append(f"{t.role}: step {s.code} needs a window of at least 1 working day")
    if _dupes(steps):
        problems.append(f"{t.role}: duplicate chain steps {sorted(_dupes(steps))}")
    dues = [(s.due.months_after, s.due.day) for s in t.chain]
    if dues != sorted(dues):
        problems.append(f"{t.role}: chain deadlines are not in order")


def _late_penalty_problems(t: RoleTemplate, problems: list[str]) -> None:
    steps = [s.code for s in t.chain]
    for pen in t.late_penalties:
        # A reviewer penalty may name a step of other roles' chains (the finance head
        # reviews staff as dept_head); an employee penalty must be on this chain.
        if pen.step not in STEPS or (pen.hits == "employee" and pen.step not in steps):
            problems.append(f"{t.role}: late penalty for unknown step {pen.step!r}")
        if not ZERO < pen.rate <= ONE:
            problems.append(f"{t.role}: late penalty rate of {pen.step} must be in (0, 1]")
        if pen.hits not in {"employee", "reviewer"}:
            problems.append(f"{t.role}: late penalty of {pen.step} hits employee or reviewer")
        if pen.step == "self" and pen.hits != "employee":
            problems.append(f"{t.role}: a late self-review can only hit the employee")


def _appeal_problems(t: RoleTemplate, problems: list[str]) -> None:
    if t.appeal is None:
        return
    for c in (s.code for s in t.appeal.steps):
        if c not in APPEAL_STEPS:
            problems.append(f"{t.role}: unknown appeal step {c!r}")
    if t.appeal.window_working_days < 1:
        problems.append(f"{t.role}: the appeal window must be at least one working day")
    days = [s.due_working_days for s in t.appeal.steps]
    if days != sorted(days) or any(d < 1 for d in days):
        problems.append(f"{t.role}: appeal step deadlines are not in order")


def _chain_problems(t: RoleTemplate, problems: list[str]) -> None:
    _step_problems(t, problems)
    _late_penalty_problems(t, problems)
    _appeal_problems(t, problems)


def template_problems(t: RoleTemplate) -> list[str]:
    problems: list[str] = []
    if not CODE.match(t.role):
        problems.append(f"role code {t.role!r} is malformed (lower case, digits, _)")
    if t.period not in PERIODS:
        problems.append(f"{t.role}: period must be one of {PERIODS}")
    for kind, codes, pattern in [
        ("indicator", [i.code for i in t.indicators], CODE),
        ("section", [s.code for s in t.sections], CODE),
        ("event", [e.code for e in t.events], CODE),
        ("grade", [g.code for g in t.grades], GRADE_CODE),
    ]:
        for c in codes:
            if not pattern.match(c):
                problems.append(f"{t.role}: {kind} code {c!r} is malformed")
        if _dupes(codes):
            problems.append(f"{t.role}: duplicate {kind} codes {sorted(_dupes(codes))}")
    if t.ceiling is not None and t.ceiling <= t.floor:
        problems.append(f"{t.role}: the ceiling must be above the floor")
    _rule_problems(t, problems)
    _weight_problems(t, problems)
    _grade_problems(t, problems)
    _chain_problems(t, problems)
    if t.outcomes:
        try:
            resolve(t.outcomes)
        except (ImportError, AttributeError) as exc:
            problems.append(f"{t.role}: outcome function {t.outcomes!r} cannot be found ({exc})")
    return problems
