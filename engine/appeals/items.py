"""What an appeal may contest: exactly what the published result shows — the grade, the
total, each indicator line, each reward or punishment counted, and the late penalty if
one applied. The filing service refuses anything else and the appeal form offers just
these, so the two can never disagree."""

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
