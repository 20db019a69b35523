"""Numbers with their meaning: a published result line by line in words (measured
value, target, the rule, points, deductions with their reasons, late penalties and
calibration), what earlier steps entered, and the live preview in the reader's words."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from engine.appraisals.entries import raters_of, step_rater
from engine.appraisals.models import Appraisal, AppraisalStep, LatePenalty, StepSubmission
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import line_factors
from engine.appraisals.selectors import submissions_of
from engine.scoring import RoleTemplate
from engine.scoring.catalogue import describe, unit_of
from engine.scoring.numbers import ShownSum, q2, shown_sum
from workflows.common import numbers
from workflows.common.labels import (
    OUTCOMES,
    OUTCOMES_FALLBACK,
    ROLES,
    RULES,
    joined,
    level_label,
    name,
    outcome_value,
    step_label,
)

from .annual_lines import period_rows
from .late_acts import PUSH, RETURN, late_act


def _describe(ind) -> str:
    zh, en = describe(ind)
    return en if (get_language() or "").startswith("en") else zh


def _shown(ind, value: Any) -> str:
    """A stored value as a person reads it: a level's label, a rate as a percentage."""
    if value is None:
        return "—"
    if ind.rule == "rating":
        level = next((lv for lv in ind.levels() if value in (lv.code, lv.label_zh)), None)
        return level_label(level) if level else str(value)
    if isinstance(value, dict):
        # a custom rule's inputs (团队管理: violations) by the names the pack gives them
        names = ind.params.get("input_names") or {}
        en = (get_language() or "").startswith("en")

        def word(k: str) -> str:
            pair = names.get(k)
            return str(pair[1] if en else pair[0]) if pair else k.replace("_", " ")

        return joined(f"{word(k)} {numbers.show_count(v)}" for k, v in value.items())
    shown_value = numbers.for_indicator(ind, value)
    word = "" if unit_of(ind) else numbers.unit_label(ind)
    return f"{shown_value} {word}" if word and shown_value != "—" else shown_value


def _factor(value: Any) -> str:
    """A late or falsification factor (× 0.9) as a coefficient: two decimals."""
    return numbers.by_unit(value, "coefficient")


def _outcome(code: str, value: Any, ind=None) -> str:
    """An outcome by its unit (money in yuan, a coefficient, a share as a percentage);
    an outcome that repeats an indicator (the sales net revenue) by the indicator's
    unit; a code or a yes/no in words."""
    unit = numbers.OUTCOME_UNITS.get(code)
    if unit is None and ind is not None and numbers.as_number(value) is not None:
        return _shown(ind, value) if unit_of(ind) != "money" else numbers.with_unit(value, "money")
    if unit is None or isinstance(value, bool) or numbers.as_number(value) is None:
        return outcome_value(value)
    return numbers.with_unit(value, unit)


def outcome_note(t: RoleTemplate, code: str, outcomes: dict) -> str:
    """How an outcome was worked out, every factor of the policy's formula with its
    value (policies.md §4.4: net revenue × rate × monthly coefficient), or what a total
    over the year is; empty for an outcome that is a figure in its own right."""

    def shown(k: str) -> str:
        return _outcome(k, outcomes[k], t.indicator(k))

    if code == "commission" and {"net_revenue", "commission_rate", "monthly_coefficient"} <= set(
        outcomes
    ):
        parts = {
            "revenue": shown("net_revenue"),
            "rate": shown("commission_rate"),
            "coefficient": shown("monthly_coefficient"),
            "amount": shown("commission"),
        }
        if (numbers.as_number(outcomes["net_revenue"]) or 0) < 0:
            return (
                _(
                    "Net revenue %(revenue)s is a loss: no commission (a loss is not multiplied "
                    "by the rate %(rate)s and the month's coefficient %(coefficient)s)."
                )
                % parts
            )
        return (
            _(
                "Net revenue %(revenue)s × commission rate %(rate)s × month's coefficient "
                "%(coefficient)s = %(amount)s"
            )
            % parts
        )
    if code in ("commission_paid", "risk_reserve") and "commission" in outcomes:
        share = "70%" if code == "commission_paid" else "30%"
        return f"{shown('commission')} × {share} = {shown(code)}"
    if code == "annual_total":
        weights = joined(
            f"{name(sec)} {numbers.show_rate(sec.weight)}" for sec in t.sections if sec.counts
        )
        return _(
            "The year's appraisals up to this one: each section's score averaged over them, "
            "then weighted %(weights)s; with no earlier appraisal this year it is this "
            "total. The salary grade change follows from it."
        ) % {"weights": weights}
    return ""


def _outcome_label(t: RoleTemplate, code: str) -> str:
    """An outcome's name: the words for it, else the pack's indicator of that code (the
    month's net revenue), never the code itself."""
    if code in OUTCOMES:
        return str(OUTCOMES[code])
    ind = t.indicator(code)
    return name(ind) if ind else str(OUTCOMES_FALLBACK.get(code, code.replace("_", " ")))


def rater_step(t: RoleTemplate, rater: str) -> str | None:
    """The chain step whose holder enters the rater's values: "supervisor" is entered at
    the department head's review where the chain has no supervisor step (accountants),
    at the GM's approval where it has neither (a department head's own appraisal)."""
    order = [c.code for c in t.chain]
    return next((c for c in order if rater in raters_of(c, order)), None)


def who(t: RoleTemplate, rater: str) -> str:
    """Who enters a rater's values, by the step of this appraisal's chain that enters
    them (the role it is named after otherwise): never a rater the chain does not have."""
    if rater == "system":
        return str(ROLES["system"])
    step = rater_step(t, rater)
    return str(ROLES.get(step or rater, ROLES.get(rater, rater)))


def _grade(t: RoleTemplate, code: str) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    return name(g) if g else code


def _listed(items) -> str:
    return joined(items)


def entered_elsewhere(a: Appraisal, t: RoleTemplate, mine: set[str]) -> list[dict]:
    """Per indicator: what the other raters entered, and who supplies the ones this step
    does not (shown read-only beside the form)."""
    rows = []
    for ind in t.indicators:
        if ind.rule == "deduction":
            continue
        others = [
            {"who": who(t, r), "value": _shown(ind, a.values.get(r, {}).get(ind.code))}
            for r in ind.sources
            if r not in mine and ind.code in a.values.get(r, {})
        ]
        owned = step_rater(ind, mine) is not None
        rows.append(
            {
                "code": ind.code,
                "label": name(ind),
                "owned": owned,
                "others": others,
                "supplied_by": _listed(dict.fromkeys(who(t, r) for r in ind.sources)),
            }
        )
    return rows


def returned_submission(step: AppraisalStep) -> StepSubmission | None:
    """The return that reopened this step, if it was returned."""
    if step.rounds == 0:
        return None
    return (
        StepSubmission.objects.filter(
            step__appraisal_id=step.appraisal_id,
            step__seq=step.seq + 1,
            kind=StepSubmission.Kind.RETURN,
        )
        .order_by("-at")
        .first()
    )


def _late_text(a: Appraisal, step: str, factor: Any, penalties: dict) -> str:
    """Which step was late, whose, when it was due and handed in (or returned, or
    pushed on by whom: then nobody handed it in), and by how long."""
    p = penalties.get(step)
    src = p.source_step if p else None
    # The moment missed and the act that missed it are the penalty's own: a return
    # afterwards gives the step a new due moment that the late hand-in never had.
    if p is not None and p.due_at is not None:
        due, done = p.due_at, p.at
    elif src is not None and src.first_acted_at is not None and not src.rounds:
        due, done = src.due_at, src.first_acted_at
    else:
        words = {"step": step_label(step), "factor": factor}
        if p is not None and late_act(p).kind == PUSH:
            return _("%(step)s not handed in, pushed on after the deadline: × %(factor)s") % words
        return _("%(step)s handed in late: × %(factor)s") % words
    act = late_act(p)
    parts = {
        "step": step_label(step),
        "due": localtime(due).strftime("%Y-%m-%d %H:%M"),
        "done": localtime(done).strftime("%Y-%m-%d %H:%M"),
        "late": timesince(due, now=done),
        "factor": factor,
        "who": act.by,
    }
    if src.appraisal_id != a.pk:
        parts["name"] = src.appraisal.employee.name
        return _late_words(act.kind, mine=True) % parts
    return _late_words(act.kind, mine=False) % parts


def _late_words(kind: str, *, mine: bool) -> str:
    """The late line for the act that missed the moment; `mine`: a review of someone
    else's appraisal, late on the reader's own. A step pushed on was never handed in."""
    if kind == PUSH and mine:
        return _(
            "Your %(step)s of %(name)s was due %(due)s and not handed in: %(who)s pushed "
            "it on at %(done)s, %(late)s late: × %(factor)s"
        )
    if kind == PUSH:
        return _(
            "%(step)s was due %(due)s and not handed in: %(who)s pushed it on at %(done)s, "
            "%(late)s late: × %(factor)s"
        )
    if kind == RETURN and mine:
        return _(
            "Your %(step)s of %(name)s was due %(due)s and returned %(done)s, "
            "%(late)s late: × %(factor)s"
        )
    if kind == RETURN:
        return _("%(step)s was due %(due)s and returned %(done)s, %(late)s late: × %(factor)s")
    if mine:
        return _(
            "Your %(step)s of %(name)s was due %(due)s and handed in %(done)s, "
            "%(late)s late: × %(factor)s"
        )
    return _("%(step)s was due %(due)s and handed in %(done)s, %(late)s late: × %(factor)s")


def corrected_values(a: Appraisal) -> dict[str, Any]:
    """Indicator code → the latest correction an upheld appeal made to its value."""
    from engine.appeals.models import AppealCorrection

    out: dict[str, Any] = {}
    for c in AppealCorrection.objects.filter(
        appeal__appraisal=a, appeal__outcome="upheld", field__startswith="values."
    ).order_by("pk"):
        out[c.field.split(".", 1)[1]] = c
    return out


def explain_result(a: Appraisal) -> dict[str, Any]:
    t = template_for(a)
    result = a.result or {}
    penalties = {
        p.step_code: p
        for p in LatePenalty.objects.filter(target=a).select_related(
            "source_step__appraisal__employee"
        )
    }
    corrected = corrected_values(a)
    lines = []
    for line in result.get("indicators", []):
        ind = t.indicator(line["code"])
        if ind is None:
            continue
        measured = {}
        for r in ind.sources:
            if ind.code not in a.values.get(r, {}):
                continue
            value = a.values[r][ind.code]
            fix = corrected.get(ind.code)
            if fix is not None and str(fix.after) == str(value):
                # the rater's value was replaced on appeal: the value it had, under the
                # rater, and the corrected one, under the appeal — never the new one
                # under the rater who did not enter it
                measured[who(t, r)] = _shown(ind, fix.before)
                measured[str(_("Corrected on appeal"))] = _shown(ind, value)
            else:
                measured[who(t, r)] = _shown(ind, value)
        if ind.rule == "deduction":
            n = len(a.deductions.get(ind.code) or [])
            measured = {
                who(t, r): ngettext("%(n)s deduction", "%(n)s deductions", n) % {"n": n}
                if n
                else _("No deductions")
                for r in ind.sources
            }
        detail = line.get("detail") or {}
        sec = t.section(ind.section) if len(t.sections) > 1 else None
        lines.append(
            {
                "label": name(ind),
                "section": name(sec) if sec and name(sec) != name(ind) else "",
                "rule": _describe(ind),
                "measured": measured,
                "target": _shown(ind, a.targets.get(ind.code, ind.params.get("target"))),
                "score": numbers.show_score(line["score"]),
                "max": numbers.show_score(line["max"]),
                "deductions": detail.get("deductions", []),
            }
        )
    adjustments = adjustment_words(a, t, result.get("adjustments", []), penalties)
    shown, section_scores = shown_subtotal(t, result)
    if shown.rounding:
        adjustments.insert(0, rounding_words(shown.rounding))
    calibrated = ""
    if a.calibrated_grade and result.get("calibrated_from"):
        calibrated = _(
            "The grade was calibrated from %(before)s to %(after)s to keep the department "
            "within its grade distribution; calibration changes the grade, not the total."
        ) % {"before": _grade(t, result["calibrated_from"]), "after": _grade(t, a.grade)}
    given = result.get("outcomes") or {}
    outcomes = [
        {
            "label": _outcome_label(t, k),
            "value": _outcome(k, v, t.indicator(k)),
            "note": outcome_note(t, k, given),
        }
        for k, v in given.items()
    ]
    if t.base is not None:
        lines.insert(0, base_line(t))
    return {
        "grade": _grade(t, a.grade),
        "lines": lines,
        "sections": section_rows(
            t, result.get("sections", []), result.get("indicators", []), section_scores
        ),
        "subtotal": numbers.show_score(shown.subtotal),
        "adjustments": adjustments,
        "calibrated": calibrated,
        "outcomes": outcomes,
        "periods": period_rows(t, result),
    }


def shown_subtotal(t: RoleTemplate, result: dict) -> tuple[ShownSum, dict[str, Any]]:
    """The subtotal as the page shows it: the sum of the item scores shown (or, where
    the template has sections, of each section's points shown, a section's score being
    the sum of its items shown), with the rounding between that and the subtotal the
    total was computed from. Without it 23.57 + 47.12 = 70.69 would sit above a
    subtotal of 70.68, the exact scores' sum. Section code → its shown score."""
    exact = numbers.as_number(result.get("subtotal"))
    lines = result.get("indicators") or []
    if t.base is not None or exact is None:
        return shown_sum([exact or 0], exact or 0), {}
    annual = result.get("annual")
    if annual and not annual.get("sections"):
        # the year's periods make the subtotal; their table says its own rounding
        return shown_sum([exact], exact), {}
    score = {x["code"]: numbers.as_number(x.get("score")) or 0 for x in lines}
    if len(t.sections) < 2:
        return shown_sum(score.values(), exact), {}
    terms, scores = [], {}
    for row in result.get("sections") or []:
        sec = t.section(row.get("code"))
        weight = numbers.as_number(row.get("weight"))
        if sec is None or weight is None:
            continue
        mine = [score[x["code"]] for x in lines if x.get("section") == sec.code]
        value = sum(mine, 0) if mine else numbers.as_number(row.get("score")) or 0
        if sec.normalise_to is not None and mine:
            most = sum((i.weight for i in t.indicators if i.section == sec.code), 0)
            value = q2(value * sec.normalise_to / most) if most else value
        scores[sec.code] = value
        if sec.counts:
            terms.append(value * weight)
    return shown_sum(terms, exact), scores


def rounding_words(rounding: Any) -> str:
    """The rounding between the shown subtotal and the exact one, as a signed number."""
    sign = "+" if rounding > 0 else "−"
    return _(
        "Rounding: %(value)s — each score is shown rounded to two places; the total is "
        "computed from the exact scores"
    ) % {"value": f"{sign}{numbers.show_score(abs(rounding))}"}


def adjustment_words(
    a: Appraisal | None,
    t: RoleTemplate | None,
    adjustments: list[dict],
    penalties: dict | None = None,
) -> list[str]:
    """Each line between the subtotal and the total in words: `逾期自评 −10%（× 0.90）`,
    an event with its count and points, falsification, the allowed range. Used wherever
    a total is shown or previewed, so 100 → 90 never goes unexplained."""
    out = []
    for adj in adjustments:
        code, kind = adj["code"], adj.get("kind")
        value = numbers.as_number(adj["value"])
        if value is None:
            continue
        if code.startswith("late:"):
            step = code.split(":", 1)[1]
            words = _("Late %(step)s −%(pct)s%% (× %(factor)s)") % {
                "step": step_label(step),
                "pct": f"{(1 - value) * 100:.0f}",
                "factor": _factor(value),
            }
            if a is not None and penalties and step in penalties:
                words = f"{words} — {_late_text(a, step, _factor(value), penalties)}"
            out.append(words)
        elif code == "late":
            out.append(_("Late penalties together: × %(factor)s") % {"factor": _factor(value)})
        elif code == "falsified":
            out.append(_("Falsification found: × %(factor)s") % {"factor": _factor(value)})
        elif code == "clamp" or kind == "clamp":
            out.append(
                _("Kept within the allowed range: %(value)s") % {"value": numbers.show_score(value)}
            )
        elif kind == "points" and value == 0:
            continue
        else:
            # An event line's points are its points per occurrence × the count: the
            # count follows from the points (a previewed entry may hold a count the
            # appraisal does not have yet), else from the appraisal. Without either
            # no count is made up: "× 0" beside nonzero points says it never happened.
            ev = t.event(code) if t is not None else None
            count = (abs(value / ev.points) if ev is not None and ev.points else 0) or (
                a.events.get(code, 0) if a is not None else 0
            )
            parts = {
                "event": name(ev) if ev else _("an event"),
                "count": numbers.show_count(count),
                "value": numbers.show_points(value),
            }
            if count:
                out.append(_("%(event)s × %(count)s: %(value)s points") % parts)
            else:
                out.append(_("%(event)s: %(value)s points") % parts)
    return out


def base_line(t: RoleTemplate) -> dict[str, Any]:
    """The line of a template scored from a base (call agents): the system's starting
    points, read-only, so the result and the review page never show an empty table."""
    base = numbers.show_score(t.base)
    return {
        "label": _("Base score"),
        "section": "",
        "rule": _(
            "Everyone in this role starts from %(base)s points; rewards and penalties "
            "add or subtract them."
        )
        % {"base": numbers.show_points(t.base)},
        "measured": {str(ROLES["system"]): numbers.show_points(t.base)},
        "target": "—",
        "score": base,
        "max": base,
        "deductions": [],
    }


def section_rows(
    t: RoleTemplate,
    sections: list[dict],
    lines: list[dict] | None = None,
    shown_scores: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """How the subtotal is made where a template has sections: each section's score,
    its weight and what it adds (subtotal = Σ section score × weight); a section reported
    beside the total (the sales behaviour sheet) says it adds nothing. `shown_scores`:
    a section's score as the sum of its items shown (see shown_subtotal)."""
    if len(t.sections) < 2:
        return []
    rows = []
    for row in sections:
        sec = t.section(row.get("code"))
        if sec is None:
            continue
        score = numbers.as_number((shown_scores or {}).get(sec.code, row.get("score")))
        weight = numbers.as_number(row.get("weight", sec.weight))
        if score is None or weight is None:
            continue
        if sec.counts:
            text = _("%(section)s: %(score)s × weight %(weight)s = %(points)s") % {
                "section": name(sec),
                "score": numbers.show_score(score),
                "weight": numbers.show_rate(weight),
                "points": numbers.show_score(score * weight),
            }
        else:
            text = _("%(section)s: %(score)s — reported beside the total, not counted in it") % {
                "section": name(sec),
                "score": numbers.show_score(score),
            }
        if sec.normalise_to is not None and sec.counts:
            mine = [x for x in lines or [] if x.get("section") == sec.code]
            raw = sum((numbers.as_number(x["score"]) or 0 for x in mine), 0)
            most = sum((i.weight for i in t.indicators if i.section == sec.code), 0)
            text += " " + (
                _("(%(raw)s of %(most)s points, scaled to %(points)s)")
                % {
                    "raw": numbers.show_score(raw),
                    "most": numbers.show_points(most),
                    "points": numbers.show_points(sec.normalise_to),
                }
                if mine
                else _("(scaled to %(points)s points)")
                % {"points": numbers.show_points(sec.normalise_to)}
            )
        rows.append({"code": sec.code, "text": text, "counts": sec.counts})
    return rows


def _others_awaited(t: RoleTemplate, line: dict, mine: set) -> bool:
    """A weighted sheet's line this step has scored that waits for other raters only."""
    waiting = line.get("waiting_for") or []
    return bool(waiting) and bool(mine) and not set(waiting) & mine


def _awaited_words(t: RoleTemplate, line: dict, mine: set) -> str:
    """Whose score the line still needs ("还需总经理评分"); when a rater whose step came
    before this one left the sheet empty, that it will not be reported at all."""
    order = [c.code for c in t.chain]
    here = min((order.index(s) for r in mine if (s := rater_step(t, r)) in order), default=0)
    waiting = line.get("waiting_for") or []
    skipped = [r for r in waiting if (s := rater_step(t, r)) in order and order.index(s) < here]
    if skipped:
        return _("Not reported: %(who)s left this sheet empty.") % {
            "who": joined(who(t, r) for r in skipped)
        }
    return _("Still needs %(who)s's score.") % {"who": joined(who(t, r) for r in waiting)}


def _awaited_sections(t: RoleTemplate, preview: dict, mine: set, rows: list[dict]) -> list[dict]:
    """A section of a weighted sheet this step scored in full says whose scores it
    still needs, not that it is unfinished (the supervisor's sales behaviour sheet,
    waiting for the manager's 30%)."""
    done = {s["code"] for s in preview.get("sections", []) if s.get("complete")}
    for row in rows:
        sec = t.section(row.get("code", ""))
        if sec is None or sec.code in done:
            continue
        open_lines = [
            x for x in preview.get("lines", []) if x["section"] == sec.code and x["score"] is None
        ]
        if open_lines and all(_others_awaited(t, x, mine) for x in open_lines):
            row["text"] = _("%(section)s: scored by you; %(still)s") % {
                "section": name(sec),
                "still": _awaited_words(t, open_lines[0], mine),
            }
    return rows


def _line_note(t: RoleTemplate, ind, x: dict, refused: dict, mine: set) -> str:
    """What a preview line says beside its score: why it is not valid, whose value
    counts, how raters are weighted, or whose score it still needs."""
    if x.get("invalid") or x["code"] in refused:
        return _("Not valid: %(why)s") % {
            "why": refused.get(x["code"]) or _("this value is not allowed here.")
        }
    if x["score"] is not None and x.get("counted_by") not in (None, "weighted"):
        if x["counted_by"] not in mine and step_rater(ind, mine) is not None:
            return _("%(who)s's value counts") % {"who": who(t, x["counted_by"])}
        return ""
    if x["score"] is not None and x.get("counted_by") == "weighted":
        return _("Raters weighted: %(weights)s") % {"weights": rater_weights(t, ind)}
    if _others_awaited(t, x, mine):
        return _awaited_words(t, x, mine)
    return ""


def _so_far(preview: dict, complete: bool, *, refused: bool) -> str:
    """The points scored so far and those still open, or why there is no total."""
    so_far, still_open = preview.get("so_far"), preview.get("still_open")
    if refused or preview.get("error"):
        return _(
            "No total while a value is not valid: correct the items marked above and the "
            "total follows."
        )
    if so_far is None or (numbers.as_number(so_far) == 0 and numbers.as_number(still_open)):
        return _("Nothing is scored yet; %(open)s points still to be scored.") % {
            "open": numbers.show_score(still_open)
        }
    if numbers.as_number(still_open):
        return _("%(points)s points so far; %(open)s still to be scored.") % {
            "points": numbers.show_score(so_far),
            "open": numbers.show_score(still_open),
        }
    if not complete:  # every counted item scored; something else holds the total
        return _("%(points)s points from the counted items, all scored.") % {
            "points": numbers.show_score(so_far)
        }
    return ""


def preview_for_people(
    preview: dict, a: Appraisal, t: RoleTemplate, refused: dict | None = None, mine=()
) -> dict:
    """The preview with labels in the reader's language instead of codes. `refused`:
    indicator → why the form refused what was typed there (said at its line, and no
    total is pretended); `mine`: the raters this step enters (a line scored from another
    rater's value says whose value counts)."""
    refused = refused or {}
    mine = set(mine)
    factors = line_factors(t)
    lines: list[dict[str, Any]] = []
    if t.base is not None:
        base = numbers.show_score(t.base)
        lines.append({"label": str(_("Base score")), "score": base, "max": base, "note": ""})
    for x in preview.get("lines", []):
        ind = t.indicator(x["code"])
        if ind is None:
            continue
        sec = t.section(ind.section) if len(t.sections) > 1 else None
        note = _line_note(t, ind, x, refused, mine)
        lines.append(
            {
                "label": name(ind),
                "section": name(sec) if sec and name(sec) != name(ind) else "",
                # None while unscored: the page's script shows its own dash
                "score": None if x["score"] is None else numbers.show_score(x["score"]),
                "max": numbers.show_score(x["max"]),
                "invalid": bool(x.get("invalid") or x["code"] in refused),
                "note": note,
                "counts": bool(factors.get(x["code"])),
            }
        )
    complete = bool(preview.get("complete", False))
    out: dict[str, Any] = {
        "complete": complete,
        "total": numbers.show_score(preview.get("total"))
        if complete and preview.get("total") is not None
        else None,
        "grade": _grade(t, preview["grade"]) if complete and preview.get("grade") else None,
        "lines": lines,
        "invalid": any(ln.get("invalid") for ln in lines),
    }
    out["so_far"] = _so_far(preview, complete, refused=out["invalid"])
    if preview.get("error"):
        rule = preview["error"].get("rule") or ""
        out["error"] = service_words(rule)
    if complete:
        adjustments = adjustment_words(None, t, preview.get("adjustments", []))
        if adjustments or t.sections:
            out["subtotal"] = _("Subtotal: %(points)s") % {
                "points": numbers.show_score(preview.get("subtotal"))
            }
        out["adjustments"] = adjustments
    out["sections"] = [
        row["text"]
        for row in _awaited_sections(
            t, preview, mine, preview_sections(t, preview.get("sections", []))
        )
    ]
    if preview.get("assumed") and complete:
        out["assumed"] = _(
            "Provisional: where a later reviewer has yet to score an item you scored, "
            "your score stands in for theirs."
        )
    late = preview.get("late")
    if late:
        pct = numbers.show_rate(late["rate"])
        out["late"] = (
            _("Handed in now, this step is late: the total loses %(pct)s.") % {"pct": pct}
            if late["hits"] == "employee"
            else _("Handed in now, this review is late: your own appraisal loses %(pct)s.")
            % {"pct": pct}
        )
    if not complete and not out["invalid"] and not preview.get("error"):
        missing = preview.get("missing") or ""
        code = missing.split(".", 1)[1].split(".")[0] if missing.startswith("values.") else ""
        ind = t.indicator(code) if code else None
        sec = t.section(ind.section) if ind else None
        if sec is not None and sec.sheet:
            out["waiting"] = _(
                "This sheet is filled in all or not at all: enter %(item)s and the rest of "
                "it, or clear it; the total follows."
            ) % {"item": name(ind)}
        else:
            out["waiting"] = (
                _("The total appears when %(item)s is entered.") % {"item": name(ind)}
                if ind
                else _("The total appears when every item is entered.")
            )
    return out


def _person(user) -> str:
    return getattr(getattr(user, "employee", None), "name", "") if user else ""


def acted_by(sub: StepSubmission) -> str:
    """Who handed a step in or returned it: their name, and for whom when a deputy did
    ("陈强 代 唐涛" / "陈强 on behalf of 唐涛")."""
    by = _person(sub.by)
    if sub.on_behalf_of_id and sub.on_behalf_of_id != sub.by_id:
        return _("%(deputy)s on behalf of %(holder)s") % {
            "deputy": by,
            "holder": _person(sub.on_behalf_of),
        }
    return by


def deputy_acts(a: Appraisal) -> dict[int, str]:
    """Step id → who acted on it for its holder, for the steps a deputy handed in or
    returned (the latest such act): the steps table shows it beside the holder."""
    rows = [r for r in submissions_of(a) if r.on_behalf_of_id is not None]
    return {r.step_id: acted_by(r) for r in rows}


def service_words(rule: str) -> str:
    return str(RULES.get(rule, _("This value is not allowed here.")))


def rater_weights(t: RoleTemplate, ind) -> str:
    """`员工本人 20% / 直属上级 50% / 部门负责人 30%`: the shares of a multi-rater sheet."""
    sec = t.section(ind.section)
    weights = (sec.rater_weights if sec else None) or {}
    return " / ".join(f"{who(t, r)} {numbers.show_rate(w)}" for r, w in weights.items())


def preview_sections(t: RoleTemplate, sections: list[dict]) -> list[dict[str, Any]]:
    """The preview's sections in words: a section not fully scored says how far it is."""
    if len(t.sections) < 2:
        return []
    rows = []
    for row in sections:
        sec = t.section(row["code"])
        if sec is None:
            continue
        if row.get("complete") and row.get("raw") is not None:
            raw = numbers.as_number(row["raw"])
            score = raw
            if sec.normalise_to is not None and numbers.as_number(row["max"]):
                score = raw * sec.normalise_to / numbers.as_number(row["max"])
            rows.extend(section_rows(t, [{"code": sec.code, "score": score}]))
        else:
            rows.append(
                {
                    "code": sec.code,
                    "counts": sec.counts,
                    "text": _("%(section)s: not fully scored yet (weight %(weight)s)")
                    % {"section": name(sec), "weight": numbers.show_rate(sec.weight)}
                    if sec.counts
                    else _("%(section)s: not fully scored yet; reported beside the total")
                    % {"section": name(sec)},
                }
            )
    return rows


def repeated_texts(subs: Iterable[StepSubmission]) -> set[int]:
    """The hand-ins (in time order) whose text is the one the same step handed in last
    time: a returned step reopens with its summary filled in, so a resubmission most
    often repeats it word for word — it is shown once, and the repeat says so."""
    last: dict[int, str] = {}
    out: set[int] = set()
    for s in subs:
        if s.kind != StepSubmission.Kind.SUBMIT:
            continue
        if s.comment and last.get(s.step_id) == s.comment:
            out.add(s.pk)
        last[s.step_id] = s.comment
    return out


def earlier_remarks(a: Appraisal, shown: Iterable[int] = ()) -> list[dict]:
    """What each earlier step wrote (the employee's summary, reviewers' remarks), but
    the hand-ins `shown` elsewhere on the page already (the reader's own, under "What
    you submitted"; the return the step card quotes): a long summary is read once, and
    a resubmission that repeats it says so instead of repeating it (`same`)."""
    rows = [r for r in submissions_of(a) if r.comment != ""]
    repeats, shown = repeated_texts(rows), set(shown)
    return [
        {
            "pk": r.pk,
            "step": step_label(r.step),
            "kind": r.get_kind_display(),
            "by": acted_by(r),
            "at": r.at,
            "text": "" if r.pk in repeats else r.comment,
            "same": r.pk in repeats,
        }
        for r in rows
        if r.pk not in shown
    ]


def department_distribution(a: Appraisal) -> list[dict]:
    """The grades of the appraisal's department in this cycle, as the GM sees them before
    approving: provisional where not yet published."""
    t = template_for(a)
    counts: dict[str, int] = {}
    for grade, calibrated in (
        Appraisal.objects.filter(
            cycle_id=a.cycle_id, department_id=a.department_id, activation_id=a.activation_id
        )
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .values_list("grade", "calibrated_grade")
    ):
        code = calibrated or grade
        if code:
            counts[code] = counts.get(code, 0) + 1
    return [{"grade": name(g), "count": counts.get(g.code, 0)} for g in t.grades]


def version_cause(cause: dict, t: RoleTemplate) -> str:
    """Why a published version exists, in the reader's words."""
    kind = (cause or {}).get("kind")
    note = (cause or {}).get("note") or ""
    if kind == "approved":
        return str(_("approved"))
    if kind == "late_penalty":
        text = _("late penalty for %(step)s") % {"step": step_label(cause.get("step", ""))}
    elif kind == "appeal_upheld":
        text = str(_("appeal upheld"))
    elif kind == "obstruction":
        text = str(_("obstruction found in an appeal"))
    elif kind == "event":
        ev = t.event(cause.get("event", ""))
        text = _("%(event)s recorded") % {"event": name(ev) if ev else _("an event")}
    elif kind == "bonus":
        text = _("special bonus of %(points)s points") % {
            "points": numbers.show_points(cause.get("points"))
        }
    else:
        return ""
    note = _unrepeated(str(text), note)
    colon = ": " if (get_language() or "").startswith("en") else "："
    return f"{text}{colon}{note}" if note else str(text)


def _unrepeated(text: str, note: str) -> str:
    """A person's note without the cause's own words at its start: a decision whose
    reason begins "申诉成立：…" reads "appeal upheld: …", not "appeal upheld: 申诉成立：…"."""
    from django.utils.translation import override

    words = {text.lower()}
    for lang in ("zh-hans", "en"):
        with override(lang):
            words.add(str(_("appeal upheld")).lower())
    for w in sorted(words, key=len, reverse=True):
        if note.lower().startswith(w):
            return note[len(w) :].lstrip(" :：,，。.-—")
    return note


def versions_side_by_side(a: Appraisal) -> dict | None:
    """After a correction: each published version in a column, item by item, with the
    cells that changed marked (None while there is one version)."""
    versions = list(a.versions.all())
    if len(versions) < 2:
        return None
    t = template_for(a)
    scores = [
        {line["code"]: line["score"] for line in (v.result or {}).get("indicators", [])}
        for v in versions
    ]
    codes = list(dict.fromkeys(code for s in scores for code in s))
    rows = []
    for code in codes:
        ind = t.indicator(code)
        cells = [numbers.show_score(s[code]) if code in s else "—" for s in scores]
        label = name(ind) if ind else _("an item no longer scored")
        rows.append({"label": label, "cells": cells, "changed": len(set(map(str, cells))) > 1})
    for label, cells in (
        (_("Total"), [numbers.show_score(v.total) for v in versions]),
        (_("Grade"), [_grade(t, v.grade) for v in versions]),
    ):
        rows.append({"label": label, "cells": cells, "changed": len(set(map(str, cells))) > 1})
    outcomes = [(v.result or {}).get("outcomes") or {} for v in versions]
    for code in dict.fromkeys(k for o in outcomes for k in o):
        ind = t.indicator(code)
        cells = [_outcome(code, o[code], ind) if code in o else "—" for o in outcomes]
        if len(set(cells)) > 1:  # an outcome the correction changed (pay, commission)
            rows.append({"label": _outcome_label(t, code), "cells": cells, "changed": True})
    heads = [{"v": v, "cause": version_cause(v.cause, t)} for v in versions]
    return {"versions": heads, "rows": rows}


def shown(ind, value: Any) -> str:
    """A stored value as a person reads it (for the step page's list of indicators)."""
    return _shown(ind, value)


def described(ind) -> str:
    """How an indicator scores, in the reader's language."""
    return _describe(ind)
