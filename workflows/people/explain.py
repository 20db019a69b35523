"""Numbers with their meaning: a published result line by line in words (measured
value, target, the rule, points, deductions with their reasons, late penalties and
calibration), what earlier steps entered, and the live preview in the reader's words."""

from __future__ import annotations

from typing import Any

from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.appraisals.models import Appraisal, AppraisalStep, LatePenalty, StepSubmission
from engine.appraisals.pinned_templates import template_for
from engine.scoring import RoleTemplate
from engine.scoring.catalogue import describe, unit_of
from workflows.common import numbers
from workflows.common.labels import (
    OUTCOMES,
    OUTCOMES_FALLBACK,
    ROLES,
    joined,
    level_label,
    name,
    outcome_value,
    step_label,
)


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


def _outcome_label(t: RoleTemplate, code: str) -> str:
    """An outcome's name: the words for it, else the pack's indicator of that code (the
    month's net revenue), never the code itself."""
    if code in OUTCOMES:
        return str(OUTCOMES[code])
    ind = t.indicator(code)
    return name(ind) if ind else str(OUTCOMES_FALLBACK.get(code, code.replace("_", " ")))


def _grade(t: RoleTemplate, code: str) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    return name(g) if g else code


def entered_elsewhere(a: Appraisal, t: RoleTemplate, mine: set[str]) -> list[dict]:
    """Per indicator: what the other raters entered, and who supplies the ones this step
    does not (shown read-only beside the form)."""
    rows = []
    for ind in t.indicators:
        if ind.rule == "deduction":
            continue
        others = [
            {"who": str(ROLES.get(r, r)), "value": _shown(ind, a.values.get(r, {}).get(ind.code))}
            for r in ind.sources
            if r not in mine and ind.code in a.values.get(r, {})
        ]
        owned = any(r in mine for r in ind.sources)
        rows.append(
            {
                "code": ind.code,
                "label": name(ind),
                "owned": owned,
                "others": others,
                "supplied_by": ", ".join(str(ROLES.get(r, r)) for r in ind.sources),
            }
        )
    return rows


def returned_comment(step: AppraisalStep) -> str:
    """The comment of the return that reopened this step, if it was returned."""
    if step.rounds == 0:
        return ""
    ret = (
        StepSubmission.objects.filter(
            step__appraisal_id=step.appraisal_id,
            step__seq=step.seq + 1,
            kind=StepSubmission.Kind.RETURN,
        )
        .order_by("-at")
        .first()
    )
    return ret.comment if ret else ""


def _late_text(a: Appraisal, step: str, factor: Any, penalties: dict) -> str:
    """Which step was late, whose, when it was due and handed in, and by how long."""
    p = penalties.get(step)
    src = p.source_step if p else None
    if src is None or src.first_acted_at is None:
        return _("%(step)s handed in late: × %(factor)s") % {
            "step": step_label(step),
            "factor": factor,
        }
    parts = {
        "step": step_label(step),
        "due": localtime(src.due_at).strftime("%Y-%m-%d %H:%M"),
        "done": localtime(src.first_acted_at).strftime("%Y-%m-%d %H:%M"),
        "late": timesince(src.due_at, now=src.first_acted_at),
        "factor": factor,
    }
    if src.appraisal_id != a.pk:
        parts["name"] = src.appraisal.employee.name
        return (
            _(
                "Your %(step)s of %(name)s was due %(due)s and handed in %(done)s, "
                "%(late)s late: × %(factor)s"
            )
            % parts
        )
    return _("%(step)s was due %(due)s and handed in %(done)s, %(late)s late: × %(factor)s") % parts


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
                measured[str(ROLES.get(r, r))] = _shown(ind, fix.before)
                measured[str(_("Corrected on appeal"))] = _shown(ind, value)
            else:
                measured[str(ROLES.get(r, r))] = _shown(ind, value)
        if ind.rule == "deduction":
            n = len(a.deductions.get(ind.code) or [])
            measured = {
                str(ROLES.get(r, r)): _("%(n)s deductions") % {"n": n} if n else _("No deductions")
                for r in ind.sources
            }
        detail = line.get("detail") or {}
        lines.append(
            {
                "label": name(ind),
                "rule": _describe(ind),
                "measured": measured,
                "target": _shown(ind, a.targets.get(ind.code, ind.params.get("target"))),
                "score": numbers.show_score(line["score"]),
                "max": numbers.show_score(line["max"]),
                "deductions": detail.get("deductions", []),
            }
        )
    adjustments = []
    for adj in result.get("adjustments", []):
        code = adj["code"]
        if code.startswith("late:"):
            text = _late_text(a, code.split(":", 1)[1], _factor(adj["value"]), penalties)
        elif code == "late":
            text = _("Late penalties together: × %(factor)s") % {"factor": _factor(adj["value"])}
        elif code == "falsified":
            text = _("Falsification found: × %(factor)s") % {"factor": _factor(adj["value"])}
        elif code == "clamp":
            text = _("Kept within the allowed range: %(value)s") % {
                "value": numbers.show_score(adj["value"])
            }
        else:
            ev = t.event(code)
            count = a.events.get(code, 0)
            text = _("%(event)s × %(count)s: %(value)s points") % {
                "event": name(ev) if ev else code,
                "count": count,
                "value": numbers.show_points(adj["value"]),
            }
        adjustments.append(text)
    calibrated = ""
    if a.calibrated_grade and result.get("calibrated_from"):
        calibrated = _(
            "The grade was calibrated from %(before)s to %(after)s to keep the department "
            "within its grade distribution; calibration changes the grade, not the total."
        ) % {"before": _grade(t, result["calibrated_from"]), "after": _grade(t, a.grade)}
    outcomes = [
        {"label": _outcome_label(t, k), "value": _outcome(k, v, t.indicator(k))}
        for k, v in (result.get("outcomes") or {}).items()
    ]
    return {
        "grade": _grade(t, a.grade),
        "lines": lines,
        "subtotal": numbers.show_score(result.get("subtotal")),
        "adjustments": adjustments,
        "calibrated": calibrated,
        "outcomes": outcomes,
    }


def preview_for_people(preview: dict, a: Appraisal, t: RoleTemplate) -> dict:
    """The preview with labels in the reader's language instead of codes."""
    out: dict[str, Any] = {
        "so_far": (
            _("%(points)s points so far; %(open)s still to be scored")
            if preview.get("so_far") is not None
            # nothing scored yet: said in words, never a raw "None"
            else _("Nothing is scored yet; %(open)s points still to be scored")
        )
        % {"points": numbers.show_score(preview.get("so_far")), "open": preview.get("still_open")},
        "complete": preview.get("complete", False),
        "total": numbers.show_score(preview.get("total"))
        if preview.get("total") is not None
        else None,
        "grade": _grade(t, preview["grade"]) if preview.get("grade") else None,
        "lines": [
            {
                "label": name(t.indicator(x["code"])),
                # None while unscored: the page's script shows its own dash
                "score": None if x["score"] is None else numbers.show_score(x["score"]),
                "max": numbers.show_score(x["max"]),
            }
            for x in preview.get("lines", [])
        ],
    }
    if preview.get("assumed") and out["complete"]:
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
    if not out["complete"]:
        missing = preview.get("missing") or ""
        code = missing.split(".", 1)[1] if missing.startswith("values.") else ""
        ind = t.indicator(code) if code else None
        out["waiting"] = (
            _("The total appears when %(item)s is entered.") % {"item": name(ind)}
            if ind
            else _("The total appears when every item is entered.")
        )
    return out


def earlier_remarks(a: Appraisal) -> list[dict]:
    """What each earlier step wrote (the employee's summary, reviewers' remarks)."""
    rows = (
        StepSubmission.objects.filter(step__appraisal=a)
        .exclude(comment="")
        .select_related("step", "by__employee")
        .order_by("at")
    )
    return [
        {
            "step": step_label(r.step.code),
            "kind": r.get_kind_display(),
            "by": getattr(getattr(r.by, "employee", None), "name", "") if r.by else "",
            "at": r.at,
            "text": r.comment,
        }
        for r in rows
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
        .exclude(state__in=["withdrawn", "exempt"])
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
