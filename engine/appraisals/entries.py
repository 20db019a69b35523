"""What each step may enter, and how entries become the scoring core's input.

Each step enters the values its sources own (docs/rulepacks.md, "The template vocabulary"): the self-review the
`self` items, the supervisor (or department head) the reviewer's items and the
deductions, HR the system metrics, the GM the manager's rating. Entries are kept per
rater, so a multi-rater section is weighted and earlier raters stay on record.
"""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidInput
from engine.scoring import RoleTemplate, ScoringInputError
from engine.scoring.rules import parse_deductions, parse_value

from .models import Appraisal


def raters_of(step: str, chain: list[str]) -> set[str]:
    if step == "self":
        return {"self"}
    if step == "supervisor":
        return {"supervisor"}
    if step == "dept_head":
        return {"dept_head", "manager"} | ({"supervisor"} if "supervisor" not in chain else set())
    if step == "hr":
        return {"hr", "system"}
    if step == "gm":
        extra = set()
        if "dept_head" not in chain:
            extra.add("manager")
        if "supervisor" not in chain and "dept_head" not in chain:
            extra.add("supervisor")
        if "hr" not in chain:
            extra.add("system")
        return {"gm"} | extra
    return {step}


def step_rater(ind, mine: set[str]) -> str | None:
    """The rater whose value a step holding `mine` types for `ind` in its form, or None.
    A system metric is loaded by HR's import: a person's step shows it read-only with
    its value and source and never asks its holder to retype it, even where the pack
    lets a reviewer's value stand beside the system's (R&D performance)."""
    if "system" in ind.sources and "system" not in mine:
        return None
    return next((r for r in ind.sources if r in mine), None)


def _fail(exc: ScoringInputError) -> InvalidInput:
    return InvalidInput(exc.message, field=exc.field, rule=exc.rule)


def _clean_values(t: RoleTemplate, step: str, mine: set[str], values: Any) -> dict:
    """rater → indicator → value: each value the step's raters enter, checked."""
    clean: dict[str, dict] = {}
    if not isinstance(values, dict):
        raise InvalidInput("must be an object", field="values", rule="type")
    for code, raw in values.items():
        where = f"values.{code}"
        ind = t.indicator(code)
        if ind is None or ind.rule == "deduction":
            raise InvalidInput(
                f"{t.role} has no indicator {code!r} to enter", field=where, rule="unknown"
            )
        rater = next((r for r in ind.sources if r in mine), None)
        if rater is None:
            raise InvalidInput(
                f"the {step} step does not enter {code} (entered by {', '.join(ind.sources)})",
                field=where,
                rule="source",
            )
        try:
            parse_value(ind, raw, where)
        except ScoringInputError as exc:
            raise _fail(exc) from exc
        clean.setdefault(rater, {})[code] = raw
    return clean


def _clean_deductions(t: RoleTemplate, step: str, mine: set[str], deductions: Any) -> dict:
    """indicator → deductions: those the step's raters record, checked."""
    clean: dict[str, Any] = {}
    if not isinstance(deductions, dict):
        raise InvalidInput("must be an object", field="deductions", rule="type")
    for code, raw in deductions.items():
        where = f"deductions.{code}"
        ind = t.indicator(code)
        if ind is None or ind.rule != "deduction":
            raise InvalidInput(f"{code!r} is not a deduction item", field=where, rule="unknown")
        if not set(ind.sources) & mine:
            raise InvalidInput(
                f"the {step} step does not record deductions", field=where, rule="source"
            )
        try:
            parse_deductions(ind, raw, where)
        except ScoringInputError as exc:
            raise _fail(exc) from exc
        clean[code] = raw
    return clean


def validate_entry(t: RoleTemplate, step: str, data: Any) -> dict[str, Any]:
    """Check a step's form against the template; return the clean entry to store."""
    if not isinstance(data, dict):
        raise InvalidInput("the form must be an object", field="data", rule="type")
    unknown = set(data) - {"values", "deductions", "events", "falsified"}
    if unknown:
        raise InvalidInput(
            f"unknown keys {sorted(unknown)}", field=sorted(unknown)[0], rule="unknown"
        )
    chain = [s.code for s in t.chain]
    mine = raters_of(step, chain)
    clean: dict[str, Any] = {"values": {}, "deductions": {}, "events": {}}
    clean["values"] = _clean_values(t, step, mine, data.get("values") or {})
    clean["deductions"] = _clean_deductions(t, step, mine, data.get("deductions") or {})
    events = data.get("events") or {}
    if events and step == "self":
        raise InvalidInput("events are recorded by reviewers and HR", field="events", rule="source")
    if not isinstance(events, dict):
        raise InvalidInput("must be an object", field="events", rule="type")
    for code, n in events.items():
        if t.event(code) is None:
            raise InvalidInput(
                f"{t.pack} has no event {code!r}", field=f"events.{code}", rule="unknown"
            )
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInput(
                "must be a whole number, not negative", field=f"events.{code}", rule="min"
            )
        clean["events"][code] = n
    if "falsified" in data:
        if step == "self":
            raise InvalidInput(
                "falsification is recorded by reviewers", field="falsified", rule="source"
            )
        if not isinstance(data["falsified"], bool):
            raise InvalidInput("must be true or false", field="falsified", rule="type")
        clean["falsified"] = data["falsified"]
    return clean


def merge_entry(appraisal: Appraisal, clean: dict[str, Any]) -> None:
    for rater, vals in clean["values"].items():
        appraisal.values = {**appraisal.values, rater: {**appraisal.values.get(rater, {}), **vals}}
    if clean["deductions"]:
        appraisal.deductions = {**appraisal.deductions, **clean["deductions"]}
    if clean["events"]:
        appraisal.events = {**appraisal.events, **clean["events"]}
    if "falsified" in clean:
        appraisal.falsified = clean["falsified"]


def scoring_values(t: RoleTemplate, stored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per indicator: one value, or rater → value where several raters may score."""
    out: dict[str, Any] = {}
    for ind in t.indicators:
        entries = {r: stored[r][ind.code] for r in ind.sources if ind.code in stored.get(r, {})}
        if not entries:
            continue
        out[ind.code] = entries if len(ind.sources) > 1 else entries[ind.sources[0]]
    return out
