"""What the form says, put together from the result version, the appraisal's chain and
the trail, in the active language (the caller overrides it): plain strings and rows,
so the layout (layout.py) only draws. Reads only."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from engine.appeals.selectors import value_corrections
from engine.appraisals.models import Appraisal, AppraisalStep, ResultVersion, StepSubmission
from engine.appraisals.pinned_templates import template_for
from engine.followup.models import FollowUp
from engine.followup.selectors import signatures_of
from engine.lists import EN, ZH, colon
from engine.scoring import RoleTemplate

from . import signals, words
from .entered import entered_by, with_corrections
from .selectors import covering_checkpoint, publication_event
from .shown import DASH, by_unit, english, named, number, plain, score


def _person(user) -> str:
    from engine.org.display import person_name

    return person_name(user)


def _local(moment, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else DASH


def _acts(a: Appraisal) -> dict[str, StepSubmission]:
    """Each step's last hand-in (or HR's push): who completed it and when."""
    last: dict[str, StepSubmission] = {}
    subs = (
        StepSubmission.objects.filter(step__appraisal=a)
        .exclude(kind=StepSubmission.Kind.RETURN)
        .select_related("step", "by__employee", "on_behalf_of__employee")
        .order_by("at", "pk")
    )
    for s in subs:
        last[s.step.code] = s
    return last


def confirmations(a: Appraisal, zone) -> list[dict[str, str]]:
    """The chain's completed steps as the reviewers' confirmations: what each stands for,
    who completed it (a deputy for the holder named so), in which role and when."""
    acts = _acts(a)
    rows = []
    steps = AppraisalStep.objects.filter(
        appraisal=a, state__in=[AppraisalStep.State.DONE, AppraisalStep.State.SKIPPED]
    ).order_by("seq")
    for step in steps:
        act = acts.get(step.code)
        who = _person(act.by) if act is not None and act.by_id else DASH
        if act is not None and act.on_behalf_of_id:
            who = _("%(who)s for %(holder)s") % {"who": who, "holder": _person(act.on_behalf_of)}
        if step.state == AppraisalStep.State.SKIPPED or (
            act is not None and act.kind != StepSubmission.Kind.SUBMIT
        ):
            who = words.PUSHED % {"who": who}
        rows.append(
            {
                "code": step.code,
                "what": str(words.CONFIRM.get(step.code, step.code)),
                "who": who,
                "role": str(words.STEP_ROLES.get(step.code, step.code)),
                "when": _local(act.at if act else None, zone),
            }
        )
    return rows


def signature_rows(a: Appraisal, version: ResultVersion, zone) -> list[dict[str, str]]:
    """THE PLACE WHERE SIGNATURES ARE LISTED: the employee's acknowledgement and any
    other signature an app records (engine.archive.signals.signatures). Empty until an
    app answers; the form then keeps lines to sign by hand."""
    rows = [
        {
            "what": _("Employee's acknowledgement")
            if f.decision == FollowUp.Decision.ACKNOWLEDGED
            else _("Employee declined to acknowledge"),
            "who": a.employee.name,
            "role": _("Employee"),
            "when": _local(f.completed_at, zone),
            "note": f"{_('Reason')}{colon()}{f.reason}"
            if f.reason
            else f"sha256 {f.version_hash[:16]}…",
        }
        for f in signatures_of(a.pk, version.number)
    ]
    for _receiver, answer in signals.signatures.send(
        sender=Appraisal, appraisal=a, version=version, english=english()
    ):
        for row in answer or []:
            rows.append(
                {
                    "what": str(row.get("label", "")),
                    "who": str(row.get("who", "")),
                    "role": str(row.get("role", "")),
                    "when": _local(row.get("at"), zone),
                    "note": str(row.get("note", "")),
                }
            )
    return rows


def _target(a: Appraisal, ind) -> str:
    if ind.rule in ("rating", "scale", "manual", "deduction", "custom"):
        target = a.targets.get(ind.code)
    else:
        target = a.targets.get(ind.code, ind.params.get("target"))
    return by_unit(ind, target) if target is not None else DASH


def _periods(t: RoleTemplate, result: dict) -> list[dict]:
    """An annual composite's periods as one section of the form: each period's share of
    the year (weight), its total and grade (actual) and what it brought (score)."""
    if not result.get("periods"):
        return []
    grades = {g.code: g for g in t.grades}
    items = []
    for n, p in enumerate(result["periods"], start=1):
        counted = p.get("status") != "missing_not_counted"
        g = grades.get(p.get("grade") or "")
        got = score(p["total"]) if p.get("total") is not None else DASH
        share = number(p.get("share")) or 0
        items.append(
            {
                "no": str(n),
                "label": p["period"],
                "weight": f"{(share * 100).quantize(Decimal('0.01'))}%" if counted else DASH,
                "target": DASH,
                "actual": f"{got}\n{named(g)}" if g else got,
                "score": score(p.get("contribution")) if counted else DASH,
                "rater": "",
            }
        )
    total = sum((number(p.get("contribution")) or 0 for p in result["periods"]), Decimal(0))
    return [
        {
            "label": str(words.PERIODS),
            "weight": "100%",
            "items": items,
            "subtotal": score(total),
            "note": str(words.PERIODS_SUM),
        }
    ]


def _sections(
    t: RoleTemplate, a: Appraisal, result: dict, names: dict, changes: dict
) -> list[dict]:
    lines = {x["code"]: x for x in result.get("indicators", [])}
    sec_rows = {s.get("code"): s for s in result.get("sections", [])}
    several = len([s for s in result.get("sections", [])]) > 1
    out, n = [], 0
    codes = [s.code for s in t.sections] or [None]
    for code in codes:
        sec = t.section(code)
        items = []
        for ind in t.indicators:
            if ind.section != code or ind.code not in lines:
                continue
            n += 1
            actual, rater = with_corrections(
                ind, *entered_by(t, ind, a, names), changes.get(ind.code)
            )
            line = lines[ind.code]
            items.append(
                {
                    "no": str(n),
                    "label": named(ind),
                    "weight": plain(ind.weight),
                    "target": _target(a, ind),
                    "actual": actual,
                    "score": score(line.get("score")),
                    "max": score(line.get("max")),
                    "rater": rater,
                }
            )
        row = sec_rows.get(code, {})
        if not items and not row:
            continue
        if row:
            subtotal = score(row.get("score"))
        else:  # a template without section rows: its one section is the subtotal
            subtotal = score(result.get("subtotal")) if len(codes) == 1 else DASH
        note = ""
        if row and several:
            weight = number(row.get("weight"))
            if row.get("counts", True) and weight is not None:
                note = words.SECTION_WEIGHT % {
                    "score": subtotal,
                    "weight": f"{format((weight * 100).normalize(), 'f')}%",
                    "points": score((number(row.get("score")) or 0) * weight),
                }
            elif not row.get("counts", True):
                note = str(words.NOT_COUNTED)
        note = "\n".join(x for x in (note, _rounding(items, subtotal, sec)) if x)
        out.append(
            {
                "label": named(sec) if sec else "",
                "weight": plain(sum((i.weight for i in t.indicators if i.section == code), 0)),
                "items": items,
                "subtotal": subtotal,
                "note": note,
            }
        )
    return out


def _rounding(items: list[dict], subtotal: str, sec) -> str:
    """The rounding between the section's items as shown and its subtotal (each score
    is shown to two places; the subtotal comes from the exact scores)."""
    exact = number(subtotal)
    if exact is None or not items or (sec is not None and sec.normalise_to is not None):
        return ""
    shown = sum((number(i["score"]) or Decimal(0) for i in items), Decimal(0))
    diff = exact - shown
    if not diff:
        return ""
    sign = "+" if diff > 0 else "−"
    return words.ROUNDING % {"value": f"{sign}{abs(diff):.2f}"}


def _adjustments(t: RoleTemplate, result: dict) -> list[str]:
    out = []
    for adj in result.get("adjustments", []):
        code, kind, value = adj.get("code", ""), adj.get("kind"), number(adj.get("value"))
        if value is None:
            continue
        if code.startswith("late:"):
            step = code.split(":", 1)[1]
            out.append(
                words.ADJUST["late"] % {"step": words.STEPS.get(step, step), "factor": score(value)}
            )
        elif code == "late":
            out.append(words.ADJUST["late_all"] % {"factor": score(value)})
        elif code == "falsified":
            out.append(words.ADJUST["falsified"] % {"factor": score(value)})
        elif code == "clamp" or kind == "clamp":
            out.append(words.ADJUST["clamp"] % {"value": score(value)})
        elif kind == "points" and value == 0:
            continue
        else:
            ev = t.event(code)
            out.append(
                words.ADJUST["event"]
                % {"event": named(ev) if ev else code, "value": f"{value:+.2f}"}
            )
    return out


def _outcome_value(t: RoleTemplate, code: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return (EN if english() else ZH).join(_outcome_value(t, code, v) for v in value)
    if isinstance(value, dict):
        return (EN if english() else ZH).join(f"{k} {plain(v)}" for k, v in value.items())
    if isinstance(value, bool) or value in words.VALUES:
        return str(words.VALUES.get(value, value))
    ind = t.indicator(code)
    if ind is not None:
        return by_unit(ind, value)
    if code in (
        "base_performance_pay",
        "performance_pay",
        "commission",
        "commission_paid",
        "risk_reserve",
        "team_net_revenue",
        "net_revenue",
    ) or code.endswith("_penalty"):
        d = number(value)
        return f"{d:,.2f} {words.YUAN}" if d is not None else str(value)
    if code in ("pay_coefficient", "grade_coefficient", "monthly_coefficient", "bonus_factor"):
        return score(value)
    if code in ("commission_rate", "allowance_cut", "performance_pay_cut"):
        d = number(value)
        return f"{format((d * 100).normalize(), 'f')}%" if d is not None else str(value)
    return plain(value) if not isinstance(value, list | dict) else str(value)


def _grade(t: RoleTemplate, code: str) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    return named(g) if g else code


def form_sheet(a: Appraisal, version: ResultVersion) -> dict[str, Any]:
    """Everything the form shows for one published version, in the active language."""
    t = template_for(a)
    zone = zoneinfo.ZoneInfo(a.company.time_zone)
    result = version.result or {}
    acts = _acts(a)
    names = {code: _person(s.by) for code, s in acts.items() if s.by_id}
    emp = a.employee
    kind = words.KINDS.get(a.cycle.kind, a.cycle.kind)
    event = publication_event(a, version.number)
    point = covering_checkpoint(event.chain, event.seq) if event is not None else None
    calibrated = ""
    if result.get("calibrated_from") and result.get("calibrated_from") != version.grade:
        calibrated = words.CALIBRATED % {"before": _grade(t, result["calibrated_from"])}
    base = None
    if t.base is not None:
        base = {"label": str(words.BASE), "score": score(t.base)}
    return {
        "title": f"{a.company.name} {words.TITLE}",
        "subtitle": f"{a.cycle.period}（{kind}）"
        if not english()
        else f"{a.cycle.period} ({kind})",
        "header": [
            (str(words.HEADER["company"]), a.company.name),
            (str(words.HEADER["employee"]), emp.name),
            (str(words.HEADER["number"]), emp.number),
            (
                str(words.HEADER["department"]),
                (a.department.name_en or a.department.name) if english() else a.department.name,
            ),
            (
                str(words.HEADER["position"]),
                emp.position.name_en if english() else emp.position.name_zh,
            ),
            (str(words.HEADER["period"]), f"{a.cycle.start:%Y-%m-%d} – {a.cycle.end:%Y-%m-%d}"),
            (str(words.HEADER["version"]), f"v{version.number}"),
            (str(words.HEADER["published"]), _local(version.at, zone)),
        ],
        "columns": {k: str(v) for k, v in words.COLUMNS.items()},
        "base": base,
        "sections": _sections(t, a, result, names, value_corrections(a.pk, version.number))
        + _periods(t, result),
        "subtotal_label": str(words.SCORES_SUM),
        "subtotal": score(result.get("subtotal")),
        "adjustments": _adjustments(t, result),
        "total": score(version.total),
        "grade": _grade(t, version.grade) + (f"（{calibrated}）" if calibrated else ""),
        "outcomes": [
            (
                str(words.OUTCOMES.get(k) or (named(t.indicator(k)) if t.indicator(k) else k)),
                _outcome_value(t, k, v),
            )
            for k, v in (result.get("outcomes") or {}).items()
        ],
        "confirmations": confirmations(a, zone),
        "signatures": signature_rows(a, version, zone),
        "trail": {
            "event": (words.EVENT_AT % {"chain": event.chain, "seq": event.seq}) if event else "",
            "hash": event.hash if event else "",
            "checkpoint": (
                words.CHECKPOINT_AT
                % {
                    "chain": point["chain"],
                    "seq": point["seq"],
                    "at": _local(_moment(point.get("at")), zone),
                    "key": point.get("key", ""),
                }
            )
            if point
            else "",
            "checkpoint_hash": point.get("hash", "") if point else "",
            "checkpoint_seq": int(point["seq"]) if point else None,
        },
        "zone": zone,
    }


def _moment(text: str | None):
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
