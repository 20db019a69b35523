"""The appeal decision on the appraisal page: one row per contested item, each with its
published value and the range a corrected value may take; the whole decision read at
once, every problem put at its field; and the summary asked before the decision, which
is final, is written."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from engine.appeals import services as appeals
from engine.appeals.items import GRADE, correctable
from engine.appeals.models import Appeal
from engine.appraisals.pinned_templates import template_for
from engine.scoring import units
from engine.scoring.numbers import DecimalComma, to_decimal, typed_number
from engine.scoring.rules import MAX_DEDUCTION
from workflows.common import numbers
from workflows.common.confirm import ask
from workflows.common.labels import error_text, joined, level_label, name

from .explain import shown
from .form_errors import page_field

UPHOLD, REJECT = "uphold", "reject"
MAX_EVENTS = 99  # as the step form allows


def _words(unit: str) -> str:
    """The unit after a range ("分", "元"); a rate's numbers carry their own "%"."""
    if unit == "points":
        return pgettext("indicator unit", "points")
    return "" if unit == "rate" else str(numbers.UNIT_LABELS.get(unit, ""))


def _span(low, high, unit: str) -> str:
    low_s, high_s = units.shown(unit, to_decimal(low)), units.shown(unit, to_decimal(high))
    return f"{low_s}–{high_s} {_words(unit)}".strip()


def _value_row(ind, stored, line: dict | None) -> dict:
    """An indicator's row: a choice of its levels or steps, or a number in its range."""
    row = {"current": shown(ind, stored)}
    row["unit"] = _words(units.unit_of(ind)) if ind.rule not in ("rating", "scale") else ""
    if row["unit"] and stored is not None:
        row["current"] += " " + row["unit"]
    if line and ind.rule != "manual":
        row["current"] += " · " + _("%(score)s of %(max)s points") % {
            "score": numbers.show_score(line.get("score")),
            "max": numbers.show_score(line.get("max")),
        }
    if ind.rule == "rating":
        row["choices"] = [(lv.code, level_label(lv)) for lv in ind.levels()]
        row["range"] = joined(label for _c, label in row["choices"])
    elif ind.rule == "scale":
        n = int(ind.params.get("n", 5))
        row["choices"] = [(str(i), str(i)) for i in range(1, n + 1)]
        row["range"] = f"1–{n}"
    else:
        unit = units.unit_of(ind)
        low, high = units._limits(ind, unit, False)
        if high is None:
            low_s = units.shown(unit, low if low is not None else to_decimal(0))
            row["range"] = (_("%(low)s or more") % {"low": low_s} + " " + _words(unit)).strip()
        else:
            row["range"] = _span(low if low is not None else 0, high, unit)
    return row


def decision_rows(appeal: Appeal) -> list[dict]:
    """What the decision may correct — only what the employee contested — each with its
    published value and what a corrected value may be."""
    a = appeal.appraisal
    t = template_for(a)
    lines = {ln.get("code"): ln for ln in (a.result or {}).get("indicators", [])}
    rows: list[dict] = []
    for field in correctable(t, appeal.items, a.result):
        kind, _dot, code = field.partition(".")
        if field == GRADE:
            grade = next((g for g in t.grades if g.code == a.grade), None)
            rows.append(
                {
                    "field": GRADE,
                    "label": _("The grade"),
                    "current": name(grade) if grade else a.grade,
                    "choices": [(g.code, name(g)) for g in t.grades if g.code != a.grade],
                    "range": "",
                }
            )
        elif kind == "values":
            ind = t.indicator(code)
            if ind.rule == "custom":
                continue  # several inputs of the pack's own: corrected through the API
            rater = next(
                (r for r in reversed(ind.sources) if code in a.values.get(r, {}) and r != "self"),
                None,
            )
            stored = a.values.get(rater, {}).get(code) if rater else None
            rows.append(
                {"field": field, "label": name(ind), **_value_row(ind, stored, lines.get(code))}
            )
        elif kind == "events":
            ev = t.event(code)
            rows.append(
                {
                    "field": field,
                    "label": name(ev),
                    "current": numbers.show_count(a.events.get(code, 0)),
                    "range": _("0–%(max)s times") % {"max": MAX_EVENTS},
                }
            )
        else:
            ind = t.indicator(code)
            most = to_decimal(ind.params.get("max_points", MAX_DEDUCTION))
            for n, d in enumerate(a.deductions.get(code) or []):
                if not isinstance(d, dict):
                    continue
                rows.append(
                    {
                        "field": f"{field}.{n}",
                        "label": _("%(item)s: deduction (%(reason)s)")
                        % {"item": name(ind), "reason": d.get("reason", "")},
                        "current": numbers.show_points(d.get("points"))
                        + " "
                        + pgettext("indicator unit", "points"),
                        "most": most,
                        "range": _("%(range)s (0 withdraws it)")
                        % {"range": _span(0, most, "points")},
                    }
                )
    for i, row in enumerate(rows):
        row["i"] = i
    return rows


def _range_error(row: dict) -> str:
    if row.get("choices"):
        return _("Choose one of: %(range)s.") % {
            "range": row["range"] or joined(c[1] for c in row["choices"])
        }
    return _("Enter a value within %(range)s.") % {"range": row["range"]}


def _value(a, t, row: dict, raw: str):
    """The typed value as the decision service takes it; ValueError when unreadable."""
    kind, _dot, rest = row["field"].partition(".")
    if row.get("choices"):
        if raw not in {c for c, _l in row["choices"]}:
            raise ValueError(raw)
        return int(raw) if kind == "values" and t.indicator(rest).rule == "scale" else raw
    if kind == "events":
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_EVENTS:
            raise ValueError(raw)
        return int(raw)
    if kind == "deductions":
        points = typed_number(raw)
        if not to_decimal(0) <= to_decimal(points) <= row["most"]:
            raise ValueError(raw)
        return points
    ind = t.indicator(rest)
    return units.typed_text(ind, raw)


_REFUSED = object()  # a corrected value the page refuses (errors say why)


def _typed_row(a, t, row: dict, raw: str, why: str, errors: dict[str, str]):
    """A correction row's typed value; _REFUSED when it has none or it is out of range.
    A missing reason is said too, but the value still counts."""
    i = row["i"]
    if not why:
        errors[f"c{i}_reason"] = _("Every change needs its reason.")
    if not raw:
        errors[f"c{i}_value"] = _("Enter the corrected value.") + " " + _range_error(row)
        return _REFUSED
    try:
        return _value(a, t, row, raw)
    except DecimalComma as exc:
        errors[f"c{i}_value"] = numbers.comma_text(raw[:40], exc.hint)
    except (ValueError, units.UnitError):
        errors[f"c{i}_value"] = _range_error(row)
    return _REFUSED


def read_decision(request, appeal: Appeal, rows: list[dict]) -> dict:
    """The decision as posted: {upheld, reason, corrections, used (the row of each
    correction), errors ({page field: text}, every problem at once)}."""
    p = request.POST
    a = appeal.appraisal
    t = template_for(a)
    errors: dict[str, str] = {}
    choice = p.get("decision", "")
    if choice not in (UPHOLD, REJECT):
        errors["decision"] = _("Choose whether the appeal is upheld or the result stands.")
    upheld = choice == UPHOLD
    corrections: list[dict] = []
    used: list[int] = []
    dropped: dict[str, dict] = {}  # deductions.<code> → its correction (rows merged)
    for row in rows:
        i = row["i"]
        raw = p.get(f"c{i}_value", "").strip()
        why = p.get(f"c{i}_reason", "").strip()
        if not raw and not why:
            continue
        value = _typed_row(a, t, row, raw, why, errors)
        if value is _REFUSED:
            continue
        field = row["field"]
        if not field.startswith("deductions."):
            corrections.append({"field": field, "value": value, "reason": why})
            used.append(i)
            continue
        # one correction per deduction item: its rows as they were, the typed ones changed
        code, n = field.split(".")[1], int(field.split(".")[2])
        c = dropped.get(code)
        if c is None:
            kept = [dict(d) for d in (a.deductions.get(code) or []) if isinstance(d, dict)]
            c = dropped[code] = {"field": f"deductions.{code}", "value": kept, "reason": why}
            corrections.append(c)
            used.append(i)
        elif why:
            c["reason"] = joined([c["reason"], why]) if c["reason"] else why
        c["value"][n]["points"] = value
    for c in dropped.values():
        c["value"] = [d for d in c["value"] if to_decimal(d["points"]) > 0]
    reason = p.get("reason", "")
    if choice in (UPHOLD, REJECT) or reason:
        problems = appeals.appeal_decision_problems(
            appeal=appeal, upheld=upheld, reason=reason, corrections=corrections
        )
        for exc in problems:
            if exc.rule == "required" and exc.field == "corrections" and errors:
                continue  # a typed row was refused already: it is said there
            where = page_field("appeal_step", exc.field, used)
            errors.setdefault(where, _problem_text(exc, where, rows))
    elif not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    return {
        "upheld": upheld,
        "choice": choice,
        "reason": reason,
        "corrections": corrections,
        "used": used,
        "errors": errors,
    }


def _problem_text(exc, where: str, rows: list[dict]) -> str:
    """A refused decision in words, with the allowed range at a value."""
    if where.endswith("_value"):
        i = int(where[1:].split("_")[0])
        row = next((r for r in rows if r["i"] == i), None)
        if row is not None:
            return _range_error(row)
    words = {
        ("reason", "required"): _("Give the reason for the decision."),
        ("corrections", "required"): _(
            "An upheld appeal corrects at least one contested item: enter its corrected "
            "value and why."
        ),
        ("corrections", "empty"): _(
            "The result stands, so nothing is corrected: clear the corrected values, or "
            "uphold the appeal."
        ),
    }
    base = where.split("_")[-1] if where.startswith("c") and "_" in where else where
    if base == "reason" and where != "reason":
        return _("Every change needs its reason.")
    if exc.rule == "contested":
        return _("Only a contested item can be corrected.")
    if exc.rule == "once":
        return _("Each item is corrected once.")
    return str(words.get((base, exc.rule)) or error_text(exc))


def _preview_facts(appeal: Appeal, corrections: list[dict]) -> list[tuple]:
    """The total and grade before → after, as the publication will compute them (nothing
    saved), so HR sees what the corrections do before the decision is final."""
    preview = appeals.appeal_decision_preview(appeal=appeal, corrections=corrections)
    if preview is None:
        return []
    grades = {g.code: name(g) for g in template_for(appeal.appraisal).grades}

    def grade(code):
        return grades.get(code, "—") if code else "—"

    arrow = "%(before)s → %(after)s"
    return [
        (
            _("Total after the correction"),
            arrow
            % {
                "before": numbers.show_score(preview["total_before"]),
                "after": numbers.show_score(preview["total"]),
            },
            "confirm-total",
        ),
        (
            _("Grade after the correction"),
            arrow % {"before": grade(preview["grade_before"]), "after": grade(preview["grade"])}
            if preview["grade"] != preview["grade_before"]
            else _("%(grade)s (unchanged)") % {"grade": grade(preview["grade"])},
            "confirm-grade",
        ),
    ]


def ask_decision(request, appeal: Appeal, rows: list[dict], d: dict):
    """The final decision, summarised before it is written: the outcome, what changes
    (each contested item from its published value to the corrected one), and that the
    result is then final."""
    a = appeal.appraisal
    url = reverse("people:appeal_step", args=[appeal.pk, "decision"])
    if d["upheld"]:
        title = _("Uphold this appeal?")
        summary = [
            _(
                "The corrections below are applied, the result is recomputed with the "
                "month's rules and published to %(employee)s as a new version; the "
                "earlier version stays readable."
            )
            % {"employee": a.employee.name},
        ]
    else:
        title = _("Keep the published result?")
        summary = [
            _("The appeal is rejected: %(employee)s's published result stays as it is.")
            % {"employee": a.employee.name},
        ]
    summary.append(
        _("The decision is final: the appeal closes and the result can no longer be appealed.")
    )
    facts = [
        (_("Employee"), a.employee.name, "confirm-employee"),
        (_("Cycle"), a.cycle.period, "confirm-cycle"),
        (
            _("Decision"),
            _("Uphold the appeal") if d["upheld"] else _("Keep the result"),
            "confirm-decision",
        ),
        (_("Reason"), d["reason"].strip(), "confirm-reason"),
    ]
    for row in rows:
        typed = request.POST.get(f"c{row['i']}_value", "").strip()
        if not typed or not d["upheld"]:
            continue
        after = dict(row.get("choices") or []).get(typed, typed)
        if row.get("unit") and not row.get("choices"):
            after = f"{after} {row['unit']}"
        why = request.POST.get(f"c{row['i']}_reason", "").strip()
        facts.append(
            (
                row["label"],
                _("%(before)s → %(after)s (%(why)s)")
                % {"before": row["current"], "after": after, "why": why},
                f"confirm-c{row['i']}",
            )
        )
    if d["upheld"]:
        facts += _preview_facts(appeal, d["corrections"])
    return ask(
        request,
        title=title,
        summary=summary,
        facts=facts,
        action=url,
        button=_("Uphold the appeal") if d["upheld"] else _("Keep the result"),
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back to the decision"),
        form_id="decision-confirm",
        card_id="decision-summary",
        key="confirmed",
    )
