"""What a role needs from outside the chain before it can be scored: targets for the
indicators that measure against one, and the system metrics HR loads. Pure: the
completeness checks, the targets grid and the imports all ask here."""

from __future__ import annotations

from .rules import NUMERIC_RULES
from .template import Indicator, RoleTemplate


def is_required(t: RoleTemplate, ind: Indicator) -> bool:
    sec = t.section(ind.section)
    return not (ind.optional or (sec is not None and sec.optional))


def takes_target(ind: Indicator) -> bool:
    """Scored against a target (a rate, a count's allowance)."""
    return ind.rule in NUMERIC_RULES


def needs_cycle_target(t: RoleTemplate, ind: Indicator) -> bool:
    """Takes a target and the pack gives none: the cycle (or a KPI contract) must."""
    return takes_target(ind) and ind.params.get("target") is None and is_required(t, ind)


def target_indicators(t: RoleTemplate) -> list[Indicator]:
    return [i for i in t.indicators if takes_target(i)]


def system_metrics(t: RoleTemplate) -> list[Indicator]:
    """Indicators whose value HR loads from other systems (sales, call counts, …)."""
    return [i for i in t.indicators if i.sources and i.sources[0] == "system"]


def required_metrics(t: RoleTemplate) -> list[Indicator]:
    return [i for i in system_metrics(t) if is_required(t, i)]


def needs_team(t: RoleTemplate) -> bool:
    """A lead's result waits for the direct reports' final results (team management)."""
    return any(i.params.get("needs_team") for i in t.indicators)


def input_parts(ind: Indicator, loaded: object = None) -> tuple[str, ...]:
    """The sub-fields of a structured (custom) value, one form field or spreadsheet row
    each: those the pack declares (`inputs`), else the keys of the value loaded."""
    if ind.rule != "custom":
        return ()
    declared = tuple(ind.params.get("inputs", ()))
    if declared:
        return declared
    return tuple(sorted(loaded)) if isinstance(loaded, dict) else ()


def input_words(ind: Indicator, part: str, english: bool = False) -> str:
    """A sub-field in words, as the pack names it (`input_names`: key → [zh, en])."""
    names = ind.params.get("input_names", {}).get(part)
    return names[1 if english else 0] if names else part
