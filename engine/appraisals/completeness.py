"""What a step still owes before it may hand on: the required inputs left empty.

A step is approved with one click; nothing may be approved or published with the
indicators a result depends on left empty (docs/policies.md, "Safe actions"). Pure
over the template and the stored per-rater values, so the step page (the approve
button disabled with the reason), the service (the refusal) and the GM's overview
(what is ready) ask the same question.

The rules:
- an indicator is required unless the pack marks it (or its section) optional; an
  optional sheet (sales behaviour) becomes required as a whole once the employee
  entered any of it (otherwise the reviewers' scores of it would silently count as
  nothing — the scorer leaves out a sheet the employee skipped);
- in a multi-rater section every weighted rater owes their own score, at their step;
- a single-score indicator is owed by the last step of the chain that may enter it
  (an earlier rater may leave it to a later one: a self score never counts alone);
- the last step owes everything: the result is published from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.errors import InvalidInput
from engine.lists import joined
from engine.scoring import RoleTemplate, ScoringInputError
from engine.scoring.annual import covered, parse_annual
from engine.scoring.needs import is_required
from engine.scoring.template import Indicator

from .entries import ANNUAL, raters_of


@dataclass(frozen=True)
class Missing:
    indicator: Indicator
    rater: str  # who owes it: a rater code (self, supervisor, manager, system, …)
    own: bool  # the step asked about enters it itself (its form has the field)


def _sheets_in_play(t: RoleTemplate, stored: dict[str, dict[str, Any]]) -> set[str]:
    out = set()
    for sec in t.sections:
        if not sec.sheet:
            continue
        items = [i.code for i in t.indicators if i.section == sec.code]
        by = {r for r, vals in stored.items() if any(c in vals for c in items)}
        weights = sec.rater_weights or {}
        # The employee skipped the sheet: it is left out, whatever reviewers entered.
        if by and ("self" not in weights or "self" in by):
            out.add(sec.sheet)
    # A sheet is in play as a whole when any of its sections is.
    return out


def composed(t: RoleTemplate, stored: dict[str, Any]) -> set[str]:
    """The indicators an annual appraisal's composite stands for (computed from the
    year's results, never entered); none on any other appraisal."""
    raw = stored.get(ANNUAL)
    if raw is None:
        return set()
    try:
        return covered(parse_annual(raw, t.role, {s.code for s in t.sections}), t.indicators)
    except ScoringInputError:
        return set()


def _in_play(t: RoleTemplate, ind: Indicator, sheets: set[str], skip=frozenset()) -> bool:
    if ind.code in skip:
        return False
    if ind.rule == "deduction":
        return False  # no deduction is a valid entry: the full weight stands
    if is_required(t, ind):
        return True
    sec = t.section(ind.section)
    return sec is not None and sec.sheet is not None and sec.sheet in sheets


def missing_inputs(t: RoleTemplate, stored: dict[str, dict[str, Any]], step: str) -> list[Missing]:
    """The required inputs still empty that must be there when `step` hands on, with
    who owes each. `stored` is the appraisal's values per rater, with the step's own
    entry merged in when asked before a hand-in."""
    chain = [s.code for s in t.chain]
    if step not in chain:
        return []
    final = step == chain[-1]
    mine = raters_of(step, chain)
    later: set[str] = set()
    for code in chain[chain.index(step) + 1 :]:
        later |= raters_of(code, chain)
    sheets = _sheets_in_play(t, stored)
    skip = composed(t, stored)
    out: list[Missing] = []
    for ind in t.indicators:
        if not _in_play(t, ind, sheets, skip):
            continue
        entered = {r for r, vals in stored.items() if ind.code in vals}
        sec = t.section(ind.section)
        weights = sec.rater_weights if sec is not None and sec.rater_weights else None
        if weights:
            for r in weights:
                if r not in entered and (final or r in mine):
                    out.append(Missing(ind, r, r in mine))
            continue
        counted = [
            r for r in ind.sources if r in entered and (r != "self" or len(ind.sources) == 1)
        ]
        if counted:
            continue
        owners = set(ind.sources) & mine
        if final or (owners and not set(ind.sources) & later):
            rater = next((r for r in ind.sources if r in mine), ind.sources[-1])
            out.append(Missing(ind, rater, bool(owners)))
    return out


def own_inputs(t: RoleTemplate, stored: dict[str, dict[str, Any]], step: str) -> list[Indicator]:
    """The indicators the holder of `step` scores or judges themselves, and that count in
    the result: the GM's deductions for the head of finance (seed 000 篇五: the GM is the
    head's evaluator), the GM's rating of a call-centre supervisor, the manager's column
    of a sales behaviour sheet the employee filled in. A deduction item is among them
    although leaving it empty is valid (the full weight stands): whether to deduct is
    the holder's own judgement. Not among them: what another step scores too (the
    holder may only override it), a sheet the employee skipped (left out whatever is
    entered), the system metrics HR loads. A step with any cannot be approved in bulk:
    its holder opens it and approves it on its own page."""
    chain = [s.code for s in t.chain]
    if step not in chain:
        return []
    mine = raters_of(step, chain) - {"system"}
    others: set[str] = set()
    for code in chain:
        if code != step:
            others |= raters_of(code, chain)
    sheets = _sheets_in_play(t, stored)
    skip = composed(t, stored)
    out: list[Indicator] = []
    for ind in t.indicators:
        if ind.code in skip:
            continue
        sec = t.section(ind.section)
        if sec is not None and sec.sheet is not None and sec.sheet not in sheets:
            continue
        weights = sec.rater_weights if sec is not None and sec.rater_weights else None
        if weights:
            if set(weights) & mine:
                out.append(ind)
            continue
        if not set(ind.sources) & mine:
            continue
        # a self score never counts alone: the reviewer's is the one that stands
        shared = set(ind.sources) & (others - ({"self"} if len(ind.sources) > 1 else set()))
        if not shared:
            out.append(ind)
    return out


def merged(stored: dict[str, dict[str, Any]], clean: dict[str, Any]) -> dict[str, dict]:
    """The stored values with a step's validated entry laid over them."""
    out = {r: dict(v) for r, v in stored.items()}
    for rater, vals in clean.get("values", {}).items():
        out.setdefault(rater, {}).update(vals)
    return out


SHOWN = 8  # indicators named in a refusal before "and N more"


def names_text(missing: list[Missing] | list[Indicator]) -> str:
    """The empty (or own) indicators by name, in the reader's language, each once."""
    zh = (get_language() or "").startswith("zh")
    names: list[str] = []
    for m in missing:
        ind = m.indicator if isinstance(m, Missing) else m
        n = ind.name_zh if zh else ind.name_en
        if n not in names:
            names.append(n)
    text = joined(names[:SHOWN])
    if len(names) > SHOWN:
        text += " " + _("and %(n)s more") % {"n": len(names) - SHOWN}
    return text


def refuse_missing(t: RoleTemplate, stored: dict[str, dict[str, Any]], step: str) -> None:
    """Raise, naming the empty indicators, when `step` may not hand on yet."""
    missing = missing_inputs(t, stored, step)
    if not missing:
        return
    raise InvalidInput(
        _("Required inputs are empty (%(n)s): %(names)s. Enter them before approving.")
        % {"n": len({m.indicator.code for m in missing}), "names": names_text(missing)},
        field="values",
        rule="inputs_missing",
    )


def refuse_own_inputs(t: RoleTemplate, stored: dict[str, dict[str, Any]], step: str) -> None:
    """Raise, naming them, when `step` has inputs of its own (`own_inputs`): a bulk
    approval would hand it on without its holder ever scoring or judging them."""
    own = own_inputs(t, stored, step)
    if not own:
        return
    raise InvalidInput(
        _("Needs your own scores (%(names)s): open it and approve it on its own page.")
        % {"names": names_text(own)},
        field="step",
        rule="own_inputs",
    )


def sheet_items(t: RoleTemplate, sheet: str) -> list[Indicator]:
    """The items of a sheet (all its sections), in the template's order."""
    codes = {s.code for s in t.sections if s.sheet == sheet}
    return [i for i in t.indicators if i.section in codes and i.rule != "deduction"]


def sheet_gaps(t: RoleTemplate, entered: dict[str, Any]) -> dict[str, list[Indicator]]:
    """sheet → its items one rater left empty while scoring others of it (`entered`: that
    rater's values). A sheet is all or none per rater (docs/policies.md, sales: the
    behaviour sheet): a half-scored sheet would count its empty items as silent zeros."""
    out: dict[str, list[Indicator]] = {}
    for sheet in dict.fromkeys(s.sheet for s in t.sections if s.sheet):
        items = sheet_items(t, sheet)
        empty = [i for i in items if entered.get(i.code) in (None, "")]
        if empty and len(empty) < len(items):
            out[sheet] = empty
    return out


def sheet_names(t: RoleTemplate, sheet: str) -> str:
    """The sections of a sheet by name, in the reader's language (品德、工作能力…)."""
    zh = (get_language() or "").startswith("zh")
    return joined(s.name_zh if zh else s.name_en for s in t.sections if s.sheet == sheet)


def refuse_partial_sheets(t: RoleTemplate, stored: dict[str, dict[str, Any]], step: str) -> None:
    """Raise, naming the empty items, when a rater of `step` scored part of a sheet
    (`stored`: the values per rater with the step's entry laid over)."""
    chain = [s.code for s in t.chain]
    mine = raters_of(step, chain) if step in chain else {step}
    for rater in sorted(mine):
        for sheet, empty in sheet_gaps(t, stored.get(rater, {})).items():
            raise InvalidInput(
                _(
                    "The sheet (%(sheet)s) is scored all or none: %(n)s of its %(total)s "
                    "items are empty (%(names)s). Score every item, or clear them all."
                )
                % {
                    "sheet": sheet_names(t, sheet),
                    "n": len(empty),
                    "total": len(sheet_items(t, sheet)),
                    "names": names_text(empty),
                },
                field=f"values.{empty[0].code}",
                rule="incomplete",
            )
