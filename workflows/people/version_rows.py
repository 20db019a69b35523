"""The versions side by side, completed: the inputs a correction changed (a value, an
event's count, a deduction) as rows of their own above the scores they feed, and beside
every derived row that changed (an indicator's score, the total, the grade, an
outcome) the rule that makes it follow, in words. A reader who sees 客服等级 go from
"—" to 初级客服 is told why, not left to guess."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.appeals.models import AppealCorrection
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from workflows.common import numbers
from workflows.common.labels import name

from .appeal_panel import corrected_value
from .explain import versions_side_by_side

# Why an outcome follows from the result: its rule in words (docs/policies.md).
OUTCOME_RULES = {
    "agent_level": gettext_lazy(
        "Needs this month and the month before at the level's score: both 90 or more "
        "senior, both 80 or more intermediate, both 70 or more junior; otherwise the lower "
        "of the two decides."
    ),
    "warning": gettext_lazy("Given when the total is under 70."),
    "dismissal": gettext_lazy("Given when the total is under 70 two months in a row."),
    "allowance_cut": gettext_lazy("10% below a total of 85, 5% below 90."),
}
OTHER_OUTCOME = gettext_lazy("Follows from the total and the grade by the month's rules.")


def _item_name(t, field: str) -> str:
    kind, _dot, code = field.partition(".")
    code = code.split(".")[0]
    if kind == "events":
        ev = t.event(code)
        return name(ev) if ev else _("an event")
    ind = t.indicator(code)
    if kind == "deductions":
        return _("%(item)s: deductions") % {"item": name(ind) if ind else code}
    return _("%(item)s: value") % {"item": name(ind) if ind else code}


def _input_rows(a: Appraisal, t, versions: list) -> tuple[list[dict], set[str]]:
    """One row per corrected input (not the grade, which has its own row): its value in
    each version, the correction's reason beside it. The codes of the indicators whose
    own input changed, so their score rows can say so."""
    numbers_at = [v["v"].number for v in versions]
    rows, fed = [], set()
    corrections = AppealCorrection.objects.filter(
        appeal__appraisal=a, appeal__version_after__isnull=False
    ).select_related("appeal")
    for c in corrections.order_by("pk"):
        if not c.field.partition(".")[2]:
            continue  # the grade: its own row says it
        at = c.appeal.version_after
        before, after = corrected_value(t, c.field, c.before), corrected_value(t, c.field, c.after)
        cells = [before if n < at else after for n in numbers_at]
        kind, _dot, code = c.field.partition(".")
        if kind in ("values", "deductions"):
            fed.add(code.split(".")[0])
        rows.append(
            {
                "label": _item_name(t, c.field),
                "cells": cells,
                "changed": len(set(cells)) > 1,
                "input": True,
                "reason": _("Corrected on appeal: %(why)s") % {"why": c.reason},
            }
        )
    return rows, fed


def _grade_rule(t, code: str) -> str:
    grade = next((g for g in t.grades if g.code == code), None)
    if grade is None:
        return ""
    low = numbers.show_score(grade.lower)
    if grade.upper is None:
        return _("The grade follows the total: %(grade)s from %(low)s.") % {
            "grade": name(grade),
            "low": low,
        }
    return _("The grade follows the total: %(grade)s from %(low)s to under %(high)s.") % {
        "grade": name(grade),
        "low": low,
        "high": numbers.show_score(grade.upper),
    }


def versions_compared(a: Appraisal) -> dict | None:
    """`versions_side_by_side` with the changed inputs first and a reason beside each
    derived row that changed."""
    side = versions_side_by_side(a)
    if side is None:
        return None
    t = template_for(a)
    inputs, fed = _input_rows(a, t, side["versions"])
    codes = {str(name(i)): i.code for i in t.indicators}
    total_label, grade_label = str(_("Total")), str(_("Grade"))
    outcome_codes = dict.fromkeys(
        k for v in side["versions"] for k in ((v["v"].result or {}).get("outcomes") or {})
    )
    from .explain import _outcome_label

    outcome_names = {str(_outcome_label(t, k)): k for k in outcome_codes}
    for row in side["rows"]:
        label = str(row["label"])
        row.setdefault("reason", "")
        if not row["changed"]:
            continue
        if label in codes:
            if codes[label] in fed:
                row["reason"] = _("Scored from the corrected value.")
            else:
                row["reason"] = _("Scored again with the corrected inputs.")
        elif label == total_label:
            row["reason"] = _(
                "The sum of the indicator scores and the adjustments, with the corrected inputs."
            )
        elif label == grade_label:
            last = side["versions"][-1]["v"].grade
            row["reason"] = _grade_rule(t, last)
        elif label in outcome_names:
            row["reason"] = str(OUTCOME_RULES.get(outcome_names[label], OTHER_OUTCOME))
    side["rows"] = inputs + side["rows"]
    return side
