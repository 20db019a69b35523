"""What each step may enter, and how entries become the scoring core's input.

Each step enters the values its sources own (docs/rulepacks.md, "The template vocabulary"): the self-review the
`self` items, the supervisor (or department head) the reviewer's items and the
deductions, HR the system metrics, the GM the manager's rating. Entries are kept per
rater, so a multi-rater section is weighted and earlier raters stay on record.

This module is the one writer of an appraisal's entries (`values`, `deductions`,
`events`, `falsified`): every step, HR load, event, bonus, appeal decision and preview
goes through `entries_merge` / `entries_save` / `entries_write` / `entries_save_many`,
each entry checked once by the scoring core's own parsers (`entry_check`) and audited
as what changed per entry (which item, whose, before, after), never as whole dicts.
tests/appraisals/test_one_writer.py fails on a second writer.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from engine import dialect
from engine.audit.services import Entry, record_for, record_many
from engine.errors import InvalidInput
from engine.scoring import RoleTemplate, ScoringInputError
from engine.scoring.annual import audit_summary, parse_annual
from engine.scoring.rules import parse_deductions, parse_event_count, parse_value

from .models import Appraisal

ENTRY_FIELDS = ("values", "deductions", "events", "falsified")
_SQL_TYPE = {"falsified": "boolean"}  # the others are JSON (`dialect.update_rows`)
# Under `values`, beside the raters: an annual appraisal's computed inputs (the rule and
# the year's periodic results, engine/scoring/annual.py), by `entries_write_annual` only.
ANNUAL = "annual"


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
    return InvalidInput(exc.text, field=exc.field, rule=exc.rule, params=exc.params)


def _clean_values(t: RoleTemplate, step: str, mine: set[str], values: Any, skip=()) -> dict:
    """rater → indicator → value: each value the step's raters enter, checked; none of
    `skip` (an annual composite's items: computed from the year, never entered)."""
    clean: dict[str, dict] = {}
    if not isinstance(values, dict):
        raise InvalidInput("must be an object", field="values", rule="type")
    for code, raw in values.items():
        where = f"values.{code}"
        ind = t.indicator(code)
        if ind is None or ind.rule == "deduction":
            raise InvalidInput(
                "%(role)s has no indicator %(code)s to enter",
                field=where,
                rule="unknown",
                params={"role": t.role, "code": code},
            )
        if code in skip:
            text = "computed from the year's periodic results, not entered"
            raise InvalidInput(text, field=where, rule="composed")
        rater = next((r for r in ind.sources if r in mine), None)
        if rater is None:
            raise InvalidInput(
                "the %(step)s step does not enter %(code)s (entered by %(sources)s)",
                field=where,
                rule="source",
                params={"step": step, "code": code, "sources": ", ".join(ind.sources)},
            )
        entry_check(t, where, raw, where)
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
            raise InvalidInput(
                "%(code)s is not a deduction item",
                field=where,
                rule="unknown",
                params={"code": code},
            )
        if not set(ind.sources) & mine:
            raise InvalidInput(
                "the %(step)s step does not record deductions",
                field=where,
                rule="source",
                params={"step": step},
            )
        entry_check(t, where, raw, where)
        clean[code] = raw
    return clean


def validate_entry(t: RoleTemplate, step: str, data: Any, skip=()) -> dict[str, Any]:
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
    clean["values"] = _clean_values(t, step, mine, data.get("values") or {}, skip)
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
        entry_check(t, f"events.{code}", n, f"events.{code}")
        clean["events"][code] = n
    if "falsified" in data:
        if step == "self":
            raise InvalidInput(
                "falsification is recorded by reviewers", field="falsified", rule="source"
            )
        entry_check(t, "falsified", data["falsified"], "falsified")
        clean["falsified"] = data["falsified"]
    return clean


def entry_check(t: RoleTemplate, item: str, value: Any, where: str) -> None:
    """Check one entry (`values.<code>`, `deductions.<code>`, `events.<code>`,
    `falsified`) with the parser the scoring core scores it with, units and all: what
    is stored is what the core will read. The one check of an entry, at every edge."""
    kind, _dot, code = item.partition(".")
    try:
        if kind == "values":
            parse_value(t.indicator(code), value, where)
        elif kind == "deductions":
            parse_deductions(t.indicator(code), value, where)
        elif kind == "events":
            parse_event_count(value, where)
        elif item == "falsified" and not isinstance(value, bool):
            raise ScoringInputError(where, "type", "must be true or false")
    except ScoringInputError as exc:
        raise _fail(exc) from exc


def entry_of(appraisal: Appraisal, *, item: str, rater: str = "") -> Any:
    """The stored value of one entry (None when never entered); `rater` for a value."""
    kind, _dot, code = item.partition(".")
    if kind == "values":
        return appraisal.values.get(rater, {}).get(code)
    if kind == "events":
        return appraisal.events.get(code)
    if kind == "deductions":
        return appraisal.deductions.get(code)
    return appraisal.falsified if item == "falsified" else None


def _change(item: str, rater: str, before: Any, after: Any) -> dict[str, Any]:
    return {"field": item, "rater": rater, "before": before, "after": after}


def entries_merge(*, appraisal: Appraisal, clean: dict[str, Any], by: str) -> list[dict]:
    """Apply a checked entry (`validate_entry`'s shape: rater → values, deductions,
    events, falsified; any part may be missing) to the appraisal in memory, and return
    what changed per entry: {field, rater, before, after}. A value is its rater's; a
    deduction, an event or falsification is `by`'s (the step or role writing it). New
    dicts are assigned, the stored ones never mutated, so a shallow copy merged into
    (a preview) leaves the original as it was."""
    a, changes = appraisal, []
    for rater, vals in (clean.get("values") or {}).items():
        if not vals:
            continue
        mine = a.values.get(rater, {})
        changes += [
            _change(f"values.{c}", rater, mine.get(c), v)
            for c, v in vals.items()
            if mine.get(c) != v
        ]
        a.values = {**a.values, rater: {**mine, **vals}}
    for kind in ("deductions", "events"):
        part = clean.get(kind) or {}
        if part:
            held = getattr(a, kind)
            changes += [
                _change(f"{kind}.{c}", by, held.get(c), v)
                for c, v in part.items()
                if held.get(c) != v
            ]
            setattr(a, kind, {**held, **part})
    if "falsified" in clean:
        if a.falsified != clean["falsified"]:
            changes.append(_change("falsified", by, a.falsified, clean["falsified"]))
        a.falsified = clean["falsified"]
    return changes


def entries_save(*, appraisal: Appraisal, also: Sequence[str] = ()) -> None:
    """Store the appraisal's entries with `also` (other fields the same write changed)
    in one UPDATE. A preview's copy (`entries_copy`) is never stored."""
    if getattr(appraisal, "_entries_copy", False):
        raise RuntimeError("a preview's copy of an appraisal is never saved")
    appraisal.save(update_fields=[*ENTRY_FIELDS, *also])


def entries_write(
    *,
    actor,
    appraisal: Appraisal,
    clean: dict[str, Any],
    by: str,
    action: str,
    reason: str = "",
    also: Sequence[str] = (),
    before: dict | None = None,
    after: dict | None = None,
) -> list[dict]:
    """Merge, store and audit one write of entries in the caller's transaction: the
    audit event says per entry what changed (`entries`), beside the caller's own
    `before`/`after` fields (the pay context, the bonus). Returns the changes."""
    changes = entries_merge(appraisal=appraisal, clean=clean, by=by)
    entries_save(appraisal=appraisal, also=also)
    record_for(
        appraisal,
        actor=actor,
        role=by,
        action=action,
        reason=reason,
        before=before,
        after={"entries": changes, **(after or {})},
    )
    return changes


def entries_count_up(
    *, actor, appraisal: Appraisal, event: str, by: str, action: str, reason: str, n: int = 1, **kw
) -> list[dict]:
    """One more occurrence of an event (`n` more: a bonus's points), written and audited
    as `entries_write` does."""
    count = (entry_of(appraisal, item=f"events.{event}") or 0) + n
    return entries_write(
        actor=actor,
        appraisal=appraisal,
        clean={"events": {event: count}},
        by=by,
        action=action,
        reason=reason,
        **kw,
    )


def _write_many(*, actor, company: int, role: str, action: str, merged) -> int:
    """(appraisal, changes) pairs stored in one set-based UPDATE … FROM of the fields
    changed (rows may be loaded with .only()), audited in one append; no change: left."""
    changed, audit, fields = [], [], set()
    for a, changes in merged:
        if changes:
            changed.append(a)
            audit.append(Entry(a._meta.label_lower, a.pk, action, after={"entries": changes}))
            fields |= {c["field"].partition(".")[0] for c in changes}
    cols = [("id", "bigint"), *((f, _SQL_TYPE.get(f, "json")) for f in sorted(fields))]
    rows = [[a.pk, *(getattr(a, c) for c, _ in cols[1:])] for a in changed]
    if changed:
        dialect.update_rows(Appraisal._meta.db_table, cols, rows)
    record_many(company=company, actor=actor, role=role, entries=audit)
    return len(changed)


def entries_save_many(
    *, actor, company: int, by: str, action: str, writes: Iterable[tuple[Appraisal, dict]]
) -> int:
    """Many appraisals' checked entries at once (a cycle's import): merged, stored with
    one UPDATE and audited with one append, each appraisal's event saying what changed
    per entry. Returns how many changed."""
    merged = ((a, entries_merge(appraisal=a, clean=clean, by=by)) for a, clean in writes)
    return _write_many(actor=actor, company=company, role=by, action=action, merged=merged)


def entries_copy(appraisal: Appraisal) -> Appraisal:
    """A copy to compute on (a preview): its entries are its own, nothing is saved."""
    a = copy.copy(appraisal)
    for f in ENTRY_FIELDS[:3]:
        setattr(a, f, copy.deepcopy(getattr(appraisal, f)))
    a._entries_copy = True  # entries_save refuses it
    return a


def entries_forget(*, appraisal: Appraisal, raters: Iterable[str], codes: Iterable[str]) -> None:
    """On a preview's copy (`entries_copy`): drop what `raters` stored for `codes` and
    their deductions, so a refused or emptied field is never scored with its old value."""
    if not getattr(appraisal, "_entries_copy", False):
        raise RuntimeError("entries are forgotten on a preview's copy only")
    raters, codes = set(raters), set(codes)
    a = appraisal
    a.values = {
        r: {c: v for c, v in vals.items() if r not in raters or c not in codes}
        for r, vals in a.values.items()
    }
    a.deductions = {c: v for c, v in a.deductions.items() if c not in codes}


def scoring_values(t: RoleTemplate, stored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per indicator: one value, or rater → value where several raters may score."""
    out: dict[str, Any] = {}
    for ind in t.indicators:
        entries = {r: stored[r][ind.code] for r in ind.sources if ind.code in stored.get(r, {})}
        if not entries:
            continue
        out[ind.code] = entries if len(ind.sources) > 1 else entries[ind.sources[0]]
    return out


def entries_annual_merge(*, t: RoleTemplate, appraisal: Appraisal, annual: dict) -> dict | None:
    """Check a year's computed inputs with the scoring core's parser and put them on the
    appraisal in memory; return the audit's change ({before, after}), None when the
    same inputs are there already."""
    try:
        parse_annual(annual, t.role, {s.code for s in t.sections})
    except ScoringInputError as exc:
        raise _fail(exc) from exc
    before = appraisal.values.get(ANNUAL)
    if before == annual:
        return None
    appraisal.values = {**appraisal.values, ANNUAL: annual}
    return {
        "field": f"values.{ANNUAL}",
        "rater": ANNUAL,
        "before": audit_summary(before),
        "after": audit_summary(annual),
    }


def entries_write_annual(
    *, actor, t: RoleTemplate, appraisal: Appraisal, annual: dict, action: str, reason: str = ""
) -> bool:
    """Store and audit an annual appraisal's computed inputs (the caller holds the row's
    lock, in its transaction). False when nothing changed: nothing is written."""
    change = entries_annual_merge(t=t, appraisal=appraisal, annual=annual)
    if change is None:
        return False
    entries_save(appraisal=appraisal)
    record_for(
        appraisal, actor=actor, role="hr", action=action, reason=reason, after={"entries": [change]}
    )
    return True


def entries_write_annual_many(
    *, actor, company: int, action: str, writes: Iterable[tuple[RoleTemplate, Appraisal, dict]]
) -> int:
    """Many annual appraisals' computed inputs at once (a year's cycle opening): one
    UPDATE, one audit append. Returns how many changed."""
    merged = (
        (a, [c] if (c := entries_annual_merge(t=t, appraisal=a, annual=annual)) else [])
        for t, a, annual in writes
    )
    return _write_many(actor=actor, company=company, role="hr", action=action, merged=merged)
