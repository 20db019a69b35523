"""What moved a total, in a few words for a list of people (HR calibrating sees why
two people sit where they do): the deductions with their reasons, the events, the late
penalties. Read from the stored result only, so a page listing many people makes no
query per person; the result page says each line in full (workflows/people/explain.py)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext as _

from engine.scoring import RoleTemplate
from workflows.common.labels import joined, name, step_label
from workflows.common.numbers import as_number, show_count, show_points, show_rate


def _signed(value: Decimal) -> str:
    return f"+{show_points(value)}" if value > 0 else f"−{show_points(abs(value))}"


def _deductions(result: dict) -> str:
    """All deductions together, their reasons counted: `扣分 −15（迟到 ×3）`."""
    total, reasons = Decimal(0), Counter()
    for line in result.get("indicators", []):
        for d in (line.get("detail") or {}).get("deductions") or []:
            points = as_number(d.get("points"))
            if points is None:
                continue
            total += abs(points)
            reasons[str(d.get("reason") or "").strip()] += 1
    if not total:
        return ""
    said = [r if n == 1 else f"{r} ×{n}" for r, n in reasons.items() if r]
    words = {"points": _signed(-total), "reasons": joined(said)}
    if said:
        return _("Deductions %(points)s (%(reasons)s)") % words
    return _("Deductions %(points)s") % words


def _adjustment(t: RoleTemplate | None, a, adj: dict) -> str:
    code, kind = adj.get("code", ""), adj.get("kind")
    value = as_number(adj.get("value"))
    if value is None:
        return ""
    if code.startswith("late:"):
        return _("Late %(step)s −%(pct)s") % {
            "step": step_label(code.split(":", 1)[1]),
            "pct": show_rate(1 - value),
        }
    if code == "late":
        return _("Late penalties × %(factor)s") % {"factor": show_points(value)}
    if code == "falsified":
        return _("Falsification × %(factor)s") % {"factor": show_points(value)}
    if code == "clamp" or kind == "clamp":
        return _("Kept within the allowed range")
    if value == 0:
        return ""
    ev = t.event(code) if t is not None else None
    count = (abs(value / ev.points) if ev is not None and ev.points else 0) or (
        (a.events or {}).get(code, 0) if a is not None else 0
    )
    words = {
        "event": name(ev) if ev else _("an event"),
        "count": show_count(count),
        "points": _signed(value),
    }
    if count:
        return _("%(event)s ×%(count)s %(points)s") % words
    return _("%(event)s %(points)s") % words


def total_moves(a, t: RoleTemplate | None) -> str:
    """`扣分 −15（未按流程审批付款、报销单据审核不严） · 逾期自评 −10%`; empty when
    nothing moved the total beyond the items' own scores."""
    result = a.result or {}
    parts = [_deductions(result)]
    parts += [_adjustment(t, a, adj) for adj in result.get("adjustments") or []]
    return " · ".join(p for p in parts if p)
