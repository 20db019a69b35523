"""An annual appraisal's computed inputs on the trail, in words: the periods taken
with their totals and grades, and which of them changed (a month published late or
corrected). Never the stored keys."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from engine.appraisals.entries import ANNUAL
from engine.lists import joined
from workflows.common import numbers

FIELD = f"values.{ANNUAL}"


def _periods(data) -> dict:
    return (data or {}).get("periods") or {} if isinstance(data, dict) else {}


def label() -> str:
    return _("The year's periodic results (annual composite)")


def periods_text(data, grade: Callable[[str], str]) -> str:
    """The periods of one taking, each with its total and grade ("—" for none)."""
    periods = _periods(data)
    if not periods:
        return "—"
    return joined(
        f"{period} {numbers.show_score(p.get('total'))} {grade(p.get('grade') or '')}".strip()
        for period, p in sorted(periods.items())
    )


def annual_change(c: dict, grade: Callable[[str], str]) -> str:
    """One taking of the year's results: every period with its total and grade; the
    periods whose result changed since the last taking, before → after."""
    before, after = _periods(c.get("before")), _periods(c.get("after"))

    def one(p: dict) -> str:
        return f"{numbers.show_score(p.get('total'))} {grade(p.get('grade') or '')}".strip()

    taken = joined(f"{period} {one(p)}" for period, p in sorted(after.items()))
    words = _("The year's results taken (%(n)s periods): %(periods)s") % {
        "n": len(after),
        "periods": taken or "—",
    }
    changed = [
        _("%(period)s: %(before)s → %(after)s")
        % {
            "period": period,
            "before": one(before[period]) if period in before else "—",
            "after": one(p),
        }
        for period, p in sorted(after.items())
        if before and before.get(period, {}).get("total") != p.get("total")
    ]
    if changed:
        words += _("; changed: %(changes)s") % {"changes": joined(changed)}
    return words
