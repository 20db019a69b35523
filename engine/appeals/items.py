"""What an appeal may contest: exactly what the published result shows — the grade, the
total, each indicator line, each reward or punishment counted, and the late penalty if
one applied. The filing service refuses anything else and the appeal form offers just
these, so the two can never disagree. An upheld appeal corrects only what was
contested (`correctable`), so the decision can never reach past the appeal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from engine.scoring.template import RoleTemplate

GRADE, TOTAL, LATE = "grade", "total", "late_penalty"
# the items that are no indicator or event of the pack, in words
SPECIAL = {GRADE: _("The grade"), TOTAL: _("The total"), LATE: _("Late penalty")}


def contestable_items(t: RoleTemplate, result: dict | None) -> list[str]:
    """Codes in the order the result shows them (grade and total first)."""
    items = [GRADE, TOTAL]
    for line in (result or {}).get("indicators", []):
        ind = t.indicator(line.get("code", ""))
        if ind is not None and ind.code not in items:
            items.append(ind.code)
    for adj in (result or {}).get("adjustments", []):
        code = adj.get("code", "")
        if code == "late" or code.startswith("late:"):
            code = LATE
        elif t.event(code) is None:
            continue  # falsification, the allowed range: not an item one contests
        if code not in items:
            items.append(code)
    return items


def _field_of(t: RoleTemplate, code: str) -> str | None:
    ind = t.indicator(code)
    if ind is not None:
        return f"deductions.{code}" if ind.rule == "deduction" else f"values.{code}"
    return f"events.{code}" if t.event(code) is not None else None


def correctable(t: RoleTemplate, contested: list[str], result: dict | None) -> list[str]:
    """The corrections an upheld appeal may make, in the result's order: the grade
    itself when the grade was contested; each contested line's value; and, when the
    total was contested, every line it is the sum of. A late penalty has no value to
    correct (it follows from when the step was handed in)."""
    lines = [c for c in contestable_items(t, result) if c not in (GRADE, TOTAL, LATE)]
    wanted = set(contested)
    out = [GRADE] if GRADE in wanted else []
    for code in lines if TOTAL in wanted else [c for c in lines if c in wanted]:
        field = _field_of(t, code)
        if field is not None and field not in out:
            out.append(field)
    return out
