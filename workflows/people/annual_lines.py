"""An annual composite in words: one row per period of the year (its total and grade,
its weight in the year, what it brought), and the rule that made the year of them
(docs/policies.md, "The annual composite"). The rows are the scoring core's own
period lines (`Result.periods`), so the page says what the arithmetic did."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from engine.appraisals.entries import ANNUAL
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import appraisal_score
from engine.errors import DomainError
from engine.scoring import RoleTemplate
from workflows.common import numbers
from workflows.common.labels import joined, name


def _grade(t: RoleTemplate, code: str) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    return name(g) if g else (code or "—")


def _share(value: Any) -> str:
    d = numbers.as_number(value)
    if d is None:
        return "—"
    return f"{(d * 100).quantize(Decimal('0.01'))}%"


def _section_names(t: RoleTemplate, codes: list[str]) -> str:
    return joined([name(s) for s in t.sections if s.code in codes])


def rule_words(t: RoleTemplate, annual: dict) -> str:
    """The rule in one sentence: what the year rests on and what a missing period does."""
    kind = annual.get("kind")
    periods = _("months") if kind == "month" else _("quarters")
    params = {
        "periods": periods,
        "least": annual.get("min_periods"),
        "expected": annual.get("expected"),
        "counted": annual.get("counted"),
    }
    if annual.get("missing") == "value":
        text = _(
            "The year is the weighted mean of its %(periods)s: %(counted)s of %(expected)s "
            "have a final result; a missing one counts as %(value)s."
        ) % {**params, "value": numbers.show_score(annual.get("missing_value"))}
    else:
        text = (
            _(
                "The year is the weighted mean of the %(periods)s with a final result "
                "(%(counted)s of %(expected)s; at least %(least)s needed); a missing one is "
                "left out, never counted as zero."
            )
            % params
        )
    sections = annual.get("sections") or []
    if sections:
        text += " " + _(
            "Only these sections come from the periods: %(sections)s; the others are "
            "scored on this appraisal."
        ) % {"sections": _section_names(t, sections)}
    return text


def period_rows(t: RoleTemplate, result: dict, *, linked: set[int] | None = None) -> dict | None:
    """The period lines of an annual result as the page shows them, or None when the
    result is not an annual composite. `linked`: the appraisals to link (every period's
    when None: the person's own results, which the readers of the year's may open)."""
    annual = result.get("annual")
    if not annual:
        return None
    rows = []
    for p in result.get("periods", []):
        status = p.get("status")
        ref = (p.get("ref") or {}).get("appraisal")
        note = ""
        if status == "missing_not_counted":
            note = _("No final result: left out of the year")
        elif status == "missing_counted_as":
            note = _("No final result: counted as %(value)s") % {
                "value": numbers.show_score(p.get("total"))
            }
        elif (p.get("ref") or {}).get("version", 1) > 1:
            note = _("Corrected result, version %(n)s") % {"n": p["ref"]["version"]}
        sections = p.get("sections") or {}
        rows.append(
            {
                "period": p["period"],
                "total_shown": numbers.show_score(p["total"])
                if p.get("total") is not None
                else "—",
                "grade": _grade(t, p.get("grade", "")) if status == "counted" else "—",
                "weight": p.get("weight"),
                "share": _share(p.get("share")) if status != "missing_not_counted" else "—",
                "contribution": numbers.show_score(p.get("contribution"))
                if status != "missing_not_counted"
                else "—",
                "sections": [
                    _("%(section)s: %(score)s")
                    % {"section": name(s), "score": numbers.show_score(sections[s.code])}
                    for s in t.sections
                    if s.code in sections
                ],
                "counted": status != "missing_not_counted",
                "note": note,
                "link": reverse("people:detail", args=[ref])
                if ref and (linked is None or ref in linked)
                else "",
            }
        )
    shown = [numbers.as_number(p.get("contribution")) for p in result.get("periods", [])]
    shown_sum = sum((c for c in shown if c is not None), Decimal(0))
    exact = numbers.as_number(annual.get("composite"))
    exact = shown_sum if exact is None else exact.quantize(Decimal("0.01"))
    rounding = ""
    if exact != shown_sum:  # 11 contributions shown to two places may miss a cent
        diff = exact - shown_sum
        sign = "+" if diff > 0 else "−"
        rounding = _(
            "Rounding: %(value)s — each score is shown rounded to two places; the total is "
            "computed from the exact scores"
        ) % {"value": f"{sign}{numbers.show_score(abs(diff))}"}
    return {
        "rule": rule_words(t, annual),
        "rows": rows,
        "sum": numbers.show_score(exact),
        "rounding": rounding,
        "sections_from_periods": bool(annual.get("sections")),
    }


def year_so_far(a: Appraisal, reader=None) -> dict | None:
    """An annual appraisal in progress: the year as its inputs stand now (the period
    rows, total and grade), or why it cannot be computed yet (too few months), in the
    reader's language; None for any other appraisal. Nothing is written. The appraised
    person sees the rows (their own published results) but no provisional total, as
    on every appraisal before its publication."""
    if a.state != Appraisal.State.IN_PROGRESS or ANNUAL not in a.values:
        return None
    t = template_for(a)
    try:
        result = appraisal_score(a).explain()
    except DomainError as exc:
        params = dict(getattr(exc, "params", None) or {})
        if "missing" in params:  # the months in the reader's list punctuation
            params["missing"] = joined(params["missing"].split(", "))
        text = getattr(exc, "text", exc.message)
        return {"error": _(text) % params if params else _(text)}
    rows = period_rows(t, result)
    if rows is None:  # the role's pack composes no year: its sheet is scored as any other
        return None
    if reader is not None and a.employee.user_id == getattr(reader, "pk", None):
        return {**rows, "sum": "", "rounding": ""}
    return {
        **rows,
        "total_shown": numbers.show_score(result["total"]),
        "grade": _grade(t, result["grade"]),
    }
