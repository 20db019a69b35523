"""Who entered an indicator's value on the 考核表, and the changes an upheld appeal
made to it: the form credits each value to whoever set it."""

from __future__ import annotations

from engine.appraisals.entries import raters_of
from engine.appraisals.models import Appraisal
from engine.lists import EN, ZH
from engine.scoring import RoleTemplate

from . import words
from .shown import DASH, by_unit, english


def with_corrections(ind, actual: str, who: str, changes: list[tuple]) -> tuple[str, str]:
    """An indicator an upheld appeal changed: each change under the value, and the
    appeal's decision among those who set it (the rater entered only the first)."""
    if not changes:
        return actual, who
    notes = [
        str(words.CORRECTED % {"before": by_unit(ind, b) or DASH, "after": by_unit(ind, a)})
        for b, a in changes
    ]
    sep = EN if english() else ZH
    return "\n".join([actual, *notes]), sep.join([who, str(words.APPEAL_DECISION)])


def entered_by(t: RoleTemplate, ind, a: Appraisal, names: dict[str, str]) -> tuple[str, str]:
    """(actual, rated by) of one indicator: each rater's value with who entered it."""
    order = [c.code for c in t.chain]
    sep = EN if english() else ZH
    values, who = [], []
    for r in ind.sources:
        step = next((c for c in order if r in raters_of(c, order)), None)
        # named after the step that enters the value (the GM enters a department
        # head's "supervisor" items), as the result page names them
        role = str(words.STEP_ROLES.get(step or "", words.RATERS.get(r, r)))
        if r == "system":
            role = str(words.SYSTEM)
        person = str(words.SYSTEM) if r == "system" else names.get(step or "", "")
        who.append(f"{role} {person}".strip() if person and person != role else role)
        if ind.rule == "deduction":
            n = len(a.deductions.get(ind.code) or [])
            values.append(str(words.DEDUCTIONS % {"n": n}) if n else str(words.NO_DEDUCTIONS))
        elif ind.code in a.values.get(r, {}):
            shown = by_unit(ind, a.values[r][ind.code])
            values.append(f"{role} {shown}" if len(ind.sources) > 1 else shown)
    # several raters' values one under the other (系统 14.565 / 直属上级 14.625)
    return ("\n".join(dict.fromkeys(values)) or DASH), sep.join(dict.fromkeys(who))
