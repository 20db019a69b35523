"""What a step page shows around its form: every indicator the person is measured on
(their own inputs and, read-only, the others with who supplies them, weight, target and
unit), and whether the step is overdue with the late penalty that handing it in would
cost — said before anyone submits, not discovered on the result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from engine import clock
from engine.appraisals.completeness import composed
from engine.appraisals.entries import step_rater
from engine.appraisals.four_eyes import acting_for
from engine.appraisals.models import Appraisal, AppraisalStep, LatePenalty, StepSubmission
from engine.appraisals.selectors import penalties_of, steps_of, submissions_of
from engine.lists import joined, labelled, separator
from engine.org.display import person_name
from engine.scoring import RoleTemplate, units
from workflows.common import numbers
from workflows.common.labels import level_with_points, name, step_label

from .explain import described, rater_step, rater_weights, repeated_texts, shown, who
from .late_acts import PUSH, RETURN, late_act

# Who supplies an indicator, as the person filling the step reads it.
SUPPLIERS = {
    "system": gettext_lazy("system metric, imported by HR"),
    "self": gettext_lazy("the employee (self-review)"),
    "supervisor": gettext_lazy("the supervisor"),
    "manager": gettext_lazy("the manager"),
    "dept_head": gettext_lazy("the department head"),
    "hr": gettext_lazy("HR"),
    "gm": gettext_lazy("the general manager"),
    "board": gettext_lazy("the board"),
    "committee": gettext_lazy("the appraisal leadership group (committee review)"),
}
# Unit words: the pack's unit vocabulary, and "%" for a rate shown as a percentage.
UNITS = {
    "%": pgettext_lazy("indicator unit", "percent"),
    "rate": pgettext_lazy("indicator unit", "percent"),
    "money": pgettext_lazy("indicator unit", "yuan"),
    "count": pgettext_lazy("indicator unit", "count"),
    "seconds": pgettext_lazy("indicator unit", "seconds"),
    "days": pgettext_lazy("indicator unit", "days"),
    "score": pgettext_lazy("indicator unit", "score"),
    "points": pgettext_lazy("indicator unit", "points"),
    "level": pgettext_lazy("indicator unit", "level"),
}


def supplier(t: RoleTemplate, rater: str) -> str:
    """Who supplies a rater's values on this appraisal: the holder of the chain step that
    enters them (an accountant's "supervisor" items are the department head's)."""
    if rater == "system":
        return str(SUPPLIERS["system"])
    step = rater_step(t, rater) or rater
    return str(SUPPLIERS.get(step, SUPPLIERS.get(rater, rater)))


# The name of a sheet of optional sections, by the sheet's code (else its sections).
SHEET_NAMES = {"behaviour": gettext_lazy("Behaviour sheet")}
# What a sheet does to the outcomes when it counts, by the sheet's code: the sales
# pack's behaviour sheet sets the month's grade for the commission coefficient
# (docs/policies.md, sales; rulepacks/sales/outcomes.py).
SHEET_EFFECTS = {
    "behaviour": gettext_lazy(
        "When it counts, its score sets the month's grade for the commission coefficient; "
        "left out, the coefficient follows the grade of the total."
    ),
}


def sheet_title(t: RoleTemplate, sheet: str) -> str:
    """`Behaviour sheet (optional)`: the heading over an optional sheet's items."""
    words = SHEET_NAMES.get(sheet) or joined(name(x) for x in t.sections if x.sheet == sheet)
    return _("%(sheet)s (optional)") % {"sheet": words}


def _if_left_empty(t: RoleTemplate, sheet: str, weights, step, stored) -> str:
    """What happens to the sheet if it is left empty, as the holder of `step` reads it
    (policies: a sheet the employee skipped is left out of the result even when the
    reviewers rate it — the raters' weights need every rater; never a silent zero)."""
    if not weights or "self" not in weights:
        return _("Left empty, it is left out of the result, never scored as zero.")
    if step in (None, "self"):
        return _(
            "Left empty, it does not count: it is left out of this cycle's result (not "
            "scored as zero), even if your reviewers rate it later, because it counts only "
            "with the scores of all %(n)s raters."
        ) % {"n": len(weights)}
    own = (stored or {}).get("self") or {}
    if not any(i.code in own for i in t.indicators if _sheet_of(t, i) == sheet):
        return _(
            "The employee left it empty in the self-review, so it does not count this "
            "cycle: it is left out of the result whatever you enter here."
        )
    return _("The employee filled it in, so it counts: every item needs your rating too.")


def _sheet_of(t: RoleTemplate, ind) -> str | None:
    sec = t.section(ind.section)
    return sec.sheet if sec is not None else None


def sheet_notes(
    t: RoleTemplate, step: str | None = None, stored: dict | None = None
) -> dict[str, str]:
    """indicator code → the note shown before the first item of an optional multi-rater
    sheet (the sales behaviour sheet), as one text (see `sheet_note_parts`)."""
    return {code: " ".join(parts) for code, parts in sheet_note_parts(t, step, stored).items()}


def sheet_note_parts(
    t: RoleTemplate, step: str | None = None, stored: dict | None = None
) -> dict[str, list[str]]:
    """indicator code → the sentences of the note shown before the first item of an
    optional multi-rater sheet: optional, all or nothing; what happens if it is left
    empty (said for the holder of `step`, from the values `stored` per rater); the
    raters' weights; that it is reported beside the total; and what it sets."""
    notes: dict[str, list[str]] = {}
    seen: set[str] = set()
    for ind in t.indicators:
        sec = t.section(ind.section)
        if sec is None or not sec.sheet or sec.sheet in seen:
            continue
        seen.add(sec.sheet)
        sections = [x for x in t.sections if x.sheet == sec.sheet]
        n = sum(1 for i in t.indicators if t.section(i.section) in sections)
        parts = [
            _("This sheet (%(sections)s, %(n)s items) is optional: fill in all of it or none.")
            % {"sections": joined(name(x) for x in sections), "n": n},
            _if_left_empty(t, sec.sheet, sec.rater_weights, step, stored),
        ]
        if sec.rater_weights:
            parts.append(
                _("Each item's score is weighted by rater: %(weights)s.")
                % {"weights": rater_weights(t, ind)}
            )
        if not sec.counts:
            parts.append(_("It is reported beside the total and does not change it."))
        if sec.sheet in SHEET_EFFECTS:
            parts.append(str(SHEET_EFFECTS[sec.sheet]))
        notes[ind.code] = parts
    return notes


def _unit(ind) -> str:
    if ind.rule in ("manual", "deduction"):
        return str(UNITS["points"])
    if ind.rule in ("rating", "scale"):
        return str(UNITS["level"])
    unit = units.unit_of(ind)
    return str(UNITS.get(unit, "")) or "—"


def _target(a: Appraisal, ind) -> str:
    target = a.targets.get(ind.code, ind.params.get("target"))
    if target is not None:
        return shown(ind, target)
    if ind.rule == "manual":
        return _("0 to %(max)s points") % {"max": numbers.show_points(ind.weight)}
    if ind.rule == "deduction":
        return _("no deductions")
    return "—"


def section_heads(t: RoleTemplate) -> dict[str, dict[str, str]]:
    """indicator code → the heading of the section it opens: the section's share of the
    total as a percentage, and what its items' points add up to. An item's weight is
    the most points it gives within its section; the section weighs those points into
    the total (engine/scoring/scorer.py): 工作业绩 is 70% of the total, its items worth
    100 points between them. Without sections (or from a base score) there is none."""
    if t.base is not None or not t.sections:
        return {}
    ceiling = t.ceiling if t.ceiling is not None else Decimal(100)
    heads: dict[str, dict[str, str]] = {}
    for sec in t.sections:
        items = [i for i in t.indicators if i.section == sec.code]
        if not items:
            continue
        raw = sum((i.weight for i in items), Decimal(0))
        words = {
            "points": numbers.show_points(raw),
            "scaled": numbers.show_points(sec.normalise_to or raw),
        }
        if sec.normalise_to is not None and sec.normalise_to != raw:
            items_words = _("its items are worth %(points)s points, scaled to %(scaled)s") % words
        else:
            items_words = _("its items are worth %(points)s points in all") % words
        if not sec.counts:
            share = _("reported beside the total, not counted in it")
        else:
            pct = (sec.normalise_to or raw) * sec.weight / ceiling
            share = _("%(pct)s of the total") % {"pct": numbers.show_rate(pct)}
        heads[items[0].code] = {"label": name(sec), "share": share, "items": items_words}
    return heads


def _counted_rater(ind, values: dict) -> str | None:
    """Whose value counts where several raters may enter one and the section does not
    weigh them: the last in the chain that entered one, never a self score (the scoring
    core's rule)."""
    entered = [r for r in ind.sources if r != "self" and ind.code in values.get(r, {})]
    return entered[-1] if entered else None


def _who_counts(t: RoleTemplate, ind) -> str:
    """Which value counts when several raters supply one (none to say for one rater or
    a section that weighs its raters, said in the sheet's note)."""
    sec = t.section(ind.section)
    raters = [r for r in ind.sources if r != "self"]
    if len(raters) < 2 or (sec is not None and sec.rater_weights):
        return ""
    last = raters[-1]
    if raters[0] == "system":
        return _("The system value counts unless %(who)s overrides it.") % {"who": who(t, last)}
    return _("The last value entered counts: %(who)s's, once given.") % {"who": who(t, last)}


def _entered_values(a: Appraisal, t: RoleTemplate, ind, mine: set[str]) -> tuple[list, str]:
    """What the other raters entered, each with whether it counts, and the override
    flag when a reviewer's value replaced the system's (`已覆盖系统值 75.2%`)."""
    sources = [r for r in ind.sources if r not in mine and ind.code in a.values.get(r, {})]
    sec = t.section(ind.section)
    several = len([r for r in ind.sources if r != "self"]) > 1
    counted = None if (sec is not None and sec.rater_weights) else _counted_rater(ind, a.values)
    entered = []
    for r in sources:
        text = labelled(who(t, r), shown(ind, a.values[r][ind.code]))
        if several and counted is not None and r == counted:
            text += _(" (counts)")
        entered.append(text)
    override = ""
    system = a.values.get("system", {})
    if counted not in (None, "system") and ind.code in system:
        override = _("Overrides the system value %(value)s") % {
            "value": shown(ind, system[ind.code])
        }
    return entered, override


def measured_on(a: Appraisal, t: RoleTemplate, mine: set[str]) -> list[dict[str, Any]]:
    """Every indicator of the appraisal in the template's order: label, how it scores,
    its points (within its section, whose share of the total heads it), target, unit,
    who supplies it and whose value counts, what has been entered so far, and whether
    this step enters it (`owned`) or corrects an imported value (`imported`)."""
    rows = []
    sep = separator()
    heads = section_heads(t)
    if t.base is not None:  # call agents: the system's base, read-only
        base = numbers.show_score(t.base)
        rows.append(
            {
                "code": "base",
                "label": _("Base score"),
                "rule": _(
                    "Everyone in this role starts from %(base)s points; rewards and "
                    "penalties add or subtract them."
                )
                % {"base": numbers.show_points(t.base)},
                "weight": numbers.show_points(t.base),
                "target": "—",
                "unit": str(UNITS["points"]),
                "owned": False,
                "supplied_by": who(t, "system"),
                "entered": [labelled(who(t, "system"), base)],
            }
        )
    done = None
    skip = composed(t, a.values)  # an annual composite's items: computed, not entered
    for ind in t.indicators:
        if ind.code in skip:
            continue
        override = ""
        if ind.rule == "deduction":
            n = len(a.deductions.get(ind.code) or [])
            entered = [ngettext("%(n)s deduction", "%(n)s deductions", n) % {"n": n}] if n else []
            if not n:  # a done step that entered none deducted nothing: not "not yet"
                if done is None:
                    done = set(
                        a.steps.filter(state=AppraisalStep.State.DONE).values_list(
                            "code", flat=True
                        )
                    )
                entered = [
                    labelled(who(t, r), _("no deductions"))
                    for r in ind.sources
                    if rater_step(t, r) in done and r not in mine
                ]
        else:
            entered, override = _entered_values(a, t, ind, mine)
        rater = step_rater(ind, mine)
        # HR's step holds the system's values to correct: imported, not typed by them
        imported = rater == "system" and ind.code in a.values.get("system", {})
        rows.append(
            {
                "code": ind.code,
                "label": name(ind),
                "rule": described(ind),
                "section": heads.get(ind.code),
                "weight": numbers.show_points(ind.weight),
                "target": _target(a, ind),
                "unit": _unit(ind),
                "owned": rater is not None and not imported,
                "imported": (
                    _("Imported: %(value)s — correct it below if it is wrong")
                    % {"value": shown(ind, a.values["system"][ind.code])}
                    if imported
                    else ""
                ),
                "supplied_by": sep.join(dict.fromkeys(supplier(t, r) for r in ind.sources)),
                "counts": _who_counts(t, ind),
                "override": override,
                "entered": entered,
            }
        )
    return rows


def lateness(a: Appraisal, step: AppraisalStep, t: RoleTemplate, reader) -> dict[str, Any]:
    """Whether the open step is overdue, and what handing it in late costs whom."""
    now = clock.now()
    due = localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
    overdue = now > step.due_at
    out: dict[str, Any] = {"overdue": overdue, "due": due, "penalty": ""}
    if overdue:
        # The due moment stays on one line on a phone (it would break after a hyphen).
        out["headline"] = _("This step was due %(due)s, %(late)s ago.") % {
            "due": format_html('<span class="whole">{}</span>', due),
            "late": escape(timesince(step.due_at, now=now)),
        }
        out["headline"] = mark_safe(out["headline"])  # noqa: S308 — the parts are escaped
    pen = t.late_penalty(step.code)
    if pen is None:
        return out
    pct = numbers.show_rate(pen.rate)
    if step.rounds:  # a returned step is never late again: only the first hand-in counts
        paid = LatePenalty.objects.filter(source_step=step).first()
        out["penalty"] = (
            _(
                "This step was returned to you: the late penalty of its first hand-in "
                "(%(pct)s) stands; handing it in again adds none."
            )
            % {"pct": numbers.show_rate(paid.rate)}
            if paid is not None
            else _("This step was returned to you: handing it in now costs nothing.")
        )
        return out
    if pen.hits == "employee":
        own = a.employee.user_id == getattr(reader, "pk", None)
        if overdue:
            text = (
                _("Handed in now, your total loses %(pct)s (the late self-review penalty).")
                if own
                else _("Handed in now, the employee's total loses %(pct)s.")
            )
        else:
            text = (
                _("Handed in after %(due)s, your total loses %(pct)s.")
                if own
                else _("Handed in after %(due)s, the employee's total loses %(pct)s.")
            )
        out["penalty"] = text % {"pct": pct, "due": due}
        return out
    # The penalty falls on the reviewer whose step it is: a deputy reads whose.
    holder = acting_for(reader, step)
    mine = (
        Appraisal.objects.filter(
            cycle_id=a.cycle_id, employee__user_id=holder or getattr(reader, "pk", 0)
        )
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .select_related("employee")
        .first()
    )
    if mine is None:
        return out
    charged = LatePenalty.objects.filter(
        cycle_id=a.cycle_id, step_code=step.code, target=mine
    ).exists()
    if holder:
        out["penalty"] = _deputy_penalty(a, step, mine.employee.name, charged, overdue, due, pct)
    elif charged:
        out["penalty"] = _(
            "You were already charged once this cycle for a late %(step)s; "
            "a further late one costs nothing more."
        ) % {"step": step_label(step)}
    elif overdue:
        out["penalty"] = _(
            "Handed in now, this review is late: your own appraisal of %(period)s loses %(pct)s."
        ) % {"period": a.cycle.period, "pct": pct}
    else:
        out["penalty"] = _(
            "Handed in after %(due)s, this review is late: your own appraisal of %(period)s "
            "loses %(pct)s."
        ) % {"due": due, "period": a.cycle.period, "pct": pct}
    return out


def _deputy_penalty(
    a: Appraisal, step: AppraisalStep, holder: str, charged: bool, overdue: bool, due, pct
) -> str:
    """The late penalty as a deputy reads it: it costs the holder, never the deputy."""
    words = {"holder": holder, "period": a.cycle.period, "pct": pct, "due": due}
    if charged:
        return _(
            "%(holder)s was already charged once this cycle for a late %(step)s; a further "
            "late one costs nothing more."
        ) % {**words, "step": step_label(step)}
    if overdue:
        return (
            _(
                "Handed in now, this review is late: the step is %(holder)s's, so their own "
                "appraisal of %(period)s loses %(pct)s (yours does not)."
            )
            % words
        )
    return (
        _(
            "Handed in after %(due)s, this review is late: the step is %(holder)s's, so their "
            "own appraisal of %(period)s loses %(pct)s (yours does not)."
        )
        % words
    )


def previous_comment(step: AppraisalStep) -> str:
    """What this step's holder wrote when handing it in before it was returned (the
    employee's summary, the reviewer's remarks): a returned step reopens with it."""
    if not step.rounds:
        return ""
    last = (
        StepSubmission.objects.filter(step=step, kind=StepSubmission.Kind.SUBMIT)
        .order_by("-at", "-pk")
        .values_list("comment", flat=True)
        .first()
    )
    return last or ""


def _as_submitted(ind, value) -> str:
    """A handed-in value as the confirmation showed it: a level with its points."""
    if ind.rule == "rating":
        level = next((lv for lv in ind.levels() if value in (lv.code, lv.label_zh)), None)
        if level is not None:
            return level_with_points(level)
    return shown(ind, value)


def my_submissions(a: Appraisal, t: RoleTemplate, reader) -> list[dict[str, Any]]:
    """What the reader handed in on this appraisal, step by step: the entries as they
    typed them, the summary, when, and the late penalty it cost — kept on the page after
    the form is gone, so nobody has to remember what they submitted. A hand-in a deputy
    made for the reader is theirs too (the step is theirs), and says who made it; the
    deputy reads it as made for whom (`by_line`)."""
    me = getattr(reader, "pk", None)
    subs = [
        s
        for s in submissions_of(a)
        if s.kind == StepSubmission.Kind.SUBMIT
        and me is not None
        and me in (s.by_id, s.on_behalf_of_id)
    ]
    penalties = penalties_of(a)
    repeats = repeated_texts(subs)  # a resubmission's summary as typed before: said once
    out = []
    for s in subs:
        data = s.data or {}
        entries = []
        for code, value in (data.get("values") or {}).items():
            ind = t.indicator(code)
            if ind is not None:
                entries.append((name(ind), _as_submitted(ind, value)))
        for code, rows in (data.get("deductions") or {}).items():
            ind = t.indicator(code)
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict):
                    entries.append(
                        (
                            name(ind) if ind else "—",
                            _("deduction of %(points)s (%(reason)s)")
                            % {"points": row.get("points"), "reason": row.get("reason") or "—"},
                        )
                    )
        for code, n in (data.get("events") or {}).items():
            ev = t.event(code)
            if ev is not None:
                entries.append((name(ev), str(n)))
        pen = penalties.get(s.step_id)
        penalty = ""
        if pen is not None and s.step.late:
            penalty = _("Handed in late: a penalty of %(pct)s applies.") % {
                "pct": f"{float(pen.rate) * 100:g}%"
            }
        out.append(
            {
                "pk": s.pk,
                "step": step_label(s.step),
                "at": s.at,
                "entries": entries,
                "comment": "" if s.pk in repeats else s.comment,
                "same": s.pk in repeats,
                # the employee writes a summary; reviewers write remarks
                "comment_label": _("Summary") if s.step.code == "self" else _("Remarks"),
                "penalty": penalty,
                "by_line": _by_line(s, me),
                "deputy": _person(s.by) if s.by_id != me and s.by_id else "",
            }
        )
    return out


def _by_line(s: StepSubmission, me) -> str:
    """Who handed it in, when it was not the reader alone: a deputy for the reader, or
    the reader for the step's holder."""
    if not s.on_behalf_of_id or s.on_behalf_of_id == s.by_id:
        return ""
    if s.by_id == me:
        return _("You handed this in on behalf of %(holder)s.") % {
            "holder": _person(s.on_behalf_of)
        }
    return _("%(deputy)s handed this in on your behalf.") % {"deputy": _person(s.by)}


def submissions_heading(rows: list[dict[str, Any]]) -> str:
    """ "What you submitted", or "What 陈强 submitted for you" when every hand-in shown was
    a deputy's for the reader (a delegator who did nothing themselves)."""
    deputies = {r["deputy"] for r in rows}
    if len(deputies) == 1 and "" not in deputies:
        return _("What %(deputy)s submitted for you") % {"deputy": deputies.pop()}
    return _("What you submitted")


def step_rows(a: Appraisal) -> list[dict[str, Any]]:
    """The appraisal's steps as the page lists them: who acted (the person, not the
    role they held), when the step was done, and for a step HR pushed on past its
    deadline who pushed it, the reason typed and the late penalty it cost."""
    steps = steps_of(a)
    acts: dict[int, StepSubmission] = {}
    for s in submissions_of(a):
        if s.kind != StepSubmission.Kind.RETURN:
            acts[s.step_id] = s  # the last hand-in or push of each step
    penalties = penalties_of(a)
    rows = []
    for s in steps:
        # A step open again (returned to its holder) was handed in before: it is held,
        # not done, so its row names its holder, never a "done by".
        finished = s.state in (AppraisalStep.State.DONE, AppraisalStep.State.SKIPPED)
        act = acts.get(s.pk) if finished else None
        who = _person(act.by) if act and act.by else ""
        pen = penalties.get(s.pk)
        pushed = None
        if act is not None and act.kind == StepSubmission.Kind.PUSH:
            pushed = {
                "by": who,
                "at": act.at,
                "reason": act.comment,
            }
        # A leaver's self-review closed by the departure: nobody handed it in.
        left = act is not None and act.kind == StepSubmission.Kind.LEFT
        rows.append(
            {
                "step": s,
                "label": step_label(s),
                "state_words": _("Not handed in: the employee left") if left else "",
                "acted_by": "" if pushed or left else who,
                "done_at": act.at if act else None,
                "pushed": pushed,
                "penalty": _penalty_words(pen) if pen is not None else "",
            }
        )
    return rows


def _person(user) -> str:
    return person_name(user)


def _penalty_words(pen: LatePenalty) -> str:
    """What the penalty costs and, when known, the due moment missed and the late act:
    after a return the step's own due moment is a later one the penalty never had."""
    pct = numbers.show_rate(pen.rate)
    if pen.hits == "employee":
        words = _("Late penalty: the total loses %(pct)s") % {"pct": pct}
    else:
        words = _("Late penalty: the reviewer's own appraisal loses %(pct)s") % {"pct": pct}
    if pen.due_at is None:
        return words
    act = late_act(pen)
    parts = {
        "due": localtime(pen.due_at).strftime("%Y-%m-%d %H:%M"),
        "done": localtime(pen.at).strftime("%Y-%m-%d %H:%M"),
        "who": act.by,
    }
    if act.kind == PUSH:  # nobody handed it in
        return words + _(" (due %(due)s, not handed in: pushed on by %(who)s at %(done)s)") % parts
    if act.kind == RETURN:
        return words + _(" (due %(due)s, returned %(done)s)") % parts
    return words + _(" (due %(due)s, handed in %(done)s)") % parts
