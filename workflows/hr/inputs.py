"""HR's targets and metrics for a cycle: the targets each role measures against, and
the system metrics (sales, calls, response times) each appraisal needs, edited in a
grid; what is still missing is listed first. Typed values come back on an error, with
the error at its cell."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from engine.appraisals import services
from engine.appraisals.gaps import cycle_gaps, cycle_roles
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import DomainError
from engine.lists import joined
from engine.org.names import by_pinyin
from engine.org.selectors import is_hr
from engine.scoring.catalogue import describe
from engine.scoring.needs import input_parts as parts_of
from engine.scoring.needs import (
    input_words,
    needs_cycle_target,
    system_metrics,
    target_indicators,
)
from workflows.common.denied import role_denied
from workflows.common.error_summary import line
from workflows.common.labels import error_text, name
from workflows.common.listing import page_of
from workflows.common.numbers import (
    as_number,
    as_typed,
    read_for,
    unit_error_text,
    unit_label,
)


def _words(ind) -> str:
    zh, en = describe(ind)
    return en if (get_language() or "").startswith("en") else zh


def _posted(post, prefix: str) -> dict[str, str]:
    """Every cell of the table that came back, an emptied one included."""
    return {k: v.strip() for k, v in post.items() if k.startswith(prefix)}


def _read(key: str, raw: str, ind, errors: dict[str, str], *, target: bool, whole: bool = False):
    """Read by the indicator's unit: "95%" for a rate, a 500% target refused with a hint;
    a structured metric's sub-field as a whole number ≥ 0."""
    try:
        if whole:
            return forms.IntegerField(min_value=0).clean(raw)
        return read_for(ind, raw, target=target)
    except forms.ValidationError as exc:
        errors[key] = exc.messages[0]
        return None


def _differs(before, after) -> bool:
    a, b = as_number(before), as_number(after)
    return (a != b) if a is not None and b is not None else before != after


def _columns(metrics) -> list[tuple]:
    """(indicator, sub-field, label): a structured metric is one column per sub-field."""
    english = (get_language() or "").startswith("en")
    out = []
    for ind in metrics:
        parts = parts_of(ind)
        if not parts:
            out.append((ind, "", name(ind)))
        for part in parts:
            words = input_words(ind, part, english)
            out.append((ind, part, f"{name(ind)} · {words}"))
    return out


def _read_targets(post, cycle, roles, errors) -> tuple[dict, int]:
    """The targets typed (pack → role → indicator → value) and how many differ from
    those saved; an emptied saved target is refused at its cell, saying why."""
    targets: dict = {}
    changed = 0
    for key, raw in _posted(post, "t.").items():
        _t, pack, role, code = ([*key.split(".", 3), "", "", ""])[:4]
        t = roles.get((pack, role))
        ind = t.indicator(code) if t else None
        if ind is None:
            continue  # not a cell of this page
        current = cycle.targets.get(pack, {}).get(role, {}).get(code)
        if not raw:
            if current is not None:
                errors[key] = _(
                    "A saved target cannot be emptied: the appraisals measure against it. "
                    "Type the target to use instead."
                )
            continue
        value = _read(key, raw, ind, errors, target=True)
        if value is not None:
            targets.setdefault(pack, {}).setdefault(role, {})[code] = value
            changed += _differs(current, value)
    return targets, changed


def _read_metrics(post, cycle, roles, errors) -> tuple[dict, int]:
    """The metrics typed (appraisal → indicator → value) and how many cells differ from
    those loaded; an emptied loaded metric is refused at its cell, saying why."""
    rows: dict[int, dict] = {}
    changed = 0
    apps = {
        a.pk: a for a in Appraisal.objects.filter(cycle=cycle).only("pk", "pack", "role", "values")
    }
    for key, raw in _posted(post, "m.").items():
        _m, pk, code = ([*key.split(".", 2), "", ""])[:3]
        code, _dot, part = code.partition(".")
        a = apps.get(int(pk)) if pk.isascii() and pk.isdigit() and len(pk) < 12 else None
        ind = roles[(a.pack, a.role)].indicator(code) if a else None
        if ind is None or bool(part) != bool(parts_of(ind)) or (part and part not in parts_of(ind)):
            continue
        loaded = a.values.get("system", {}).get(code)
        current = (loaded.get(part) if isinstance(loaded, dict) else None) if part else loaded
        if not raw:
            if current is not None:
                errors[key] = _(
                    "A loaded metric cannot be emptied: the score is computed from it. "
                    "Type the correct value instead."
                )
            continue
        value = _read(key, raw, ind, errors, target=False, whole=bool(part))
        if value is None:
            continue
        changed += _differs(current, value)
        if part:  # one sub-field of a structured metric: a whole number ≥ 0
            slot = rows.setdefault(a.pk, {})
            kept = slot.get(code) or loaded
            slot[code] = {**(kept if isinstance(kept, dict) else {}), part: value}
        else:
            rows.setdefault(a.pk, {})[code] = value
    return rows, changed


def _save(request, cycle, roles, errors) -> bool:
    """Both tables are read before anything is written: one bad cell anywhere and
    nothing is saved; otherwise targets and metrics are saved together, and the message
    says how many of each changed."""
    targets, t_changed = _read_targets(request.POST, cycle, roles, errors)
    rows, m_changed = _read_metrics(request.POST, cycle, roles, errors)
    if errors:
        return False
    try:
        with transaction.atomic():
            if targets:
                services.cycle_targets_set(actor=request.user, cycle=cycle, targets=targets)
            if rows:
                services.cycle_metrics_set(actor=request.user, cycle=cycle, rows=rows)
    except DomainError as exc:
        field = exc.field or ""
        if field.startswith("targets."):
            errors["t." + field.removeprefix("targets.")] = error_text(exc)
        else:
            errors["m." + field.removeprefix("rows.")] = error_text(exc)
        return False
    messages.success(request, saved_words(t_changed, m_changed))
    return True


def saved_words(targets: int, metrics: int) -> str:
    """What a save changed, in one sentence."""
    parts = []
    if targets:
        parts.append(ngettext("%(n)s target", "%(n)s targets", targets) % {"n": targets})
    if metrics:
        parts.append(
            ngettext("%(n)s system metric", "%(n)s system metrics", metrics) % {"n": metrics}
        )
    if not parts:
        return _("Nothing changed: every value is the same as the one saved.")
    return _("Saved: %(what)s.") % {"what": joined(parts)}


@login_required
def inputs(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return role_denied(request, "hr", _("HR only"))
    roles = cycle_roles(cycle)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        # One form holds both tables: whichever button was pressed, what was typed in
        # either table is saved (the same values again change nothing) or, on an
        # error, nothing is saved and it all comes back as typed.
        if _save(request, cycle, roles, errors):
            return redirect(request.get_full_path())
        typed = {k: v for k, v in request.POST.items() if k.startswith(("t.", "m."))}
    targets = _target_rows(cycle, roles, typed, errors)
    metrics = _metric_groups(request, cycle, roles, typed, errors)
    return render(
        request,
        "hr/inputs.html",
        {
            "cycle": cycle,
            "company": cycle.company,
            "targets": targets,
            "metrics": metrics,
            "gaps": _gap_lines(cycle_gaps(cycle), roles),
            "errors": errors,
            "error_summary": _summary(targets, metrics),
            "error_summary_note": _("Nothing was saved: correct the cells below.")
            if errors
            else "",
        },
        status=400 if errors else 200,
    )


def _summary(targets, metrics) -> list[dict[str, str]]:
    """Each refused cell, in the page's order, as a link to it: the role or person,
    the indicator, and the rule."""
    out = [line(f"{r['role']} · {r['label']}", r["error"], r["key"]) for r in targets if r["error"]]
    for g in metrics:
        for r in g["rows"]:
            out += [
                line(f"{r['a'].employee.name} · {c['label']}", c["error"], c["key"])
                for c in r["cells"]
                if c["error"]
            ]
    return out


def _target_rows(cycle, roles, typed, errors) -> list[dict]:
    rows = []
    for (pack, role), t in roles.items():
        for ind in target_indicators(t):
            key = f"t.{pack}.{role}.{ind.code}"
            current = cycle.targets.get(pack, {}).get(role, {}).get(ind.code)
            rows.append(
                {
                    "key": key,
                    "role": name(t),
                    "label": name(ind),
                    "rule": _words(ind),
                    "unit": unit_label(ind),
                    "default": as_typed(ind, ind.params.get("target")),
                    "value": typed.get(key, as_typed(ind, current)),
                    "needed": needs_cycle_target(t, ind) and current is None,
                    "error": errors.get(key),
                }
            )
    return rows


def _metric_groups(request, cycle, roles, typed, errors) -> list[dict]:
    groups = []
    for (pack, role), t in roles.items():
        metrics = system_metrics(t)
        if not metrics:
            continue
        columns = _columns(metrics)
        apps = (
            Appraisal.objects.filter(cycle=cycle, pack=pack, role=role)
            .select_related("employee", "department")
            .order_by(by_pinyin("department__name"), by_pinyin("employee__name"), "pk")
        )
        page = page_of(request, apps, per_page=100)
        rows = []
        for a in page:
            loaded = a.values.get("system", {})
            cells = []
            for ind, part, label in columns:
                key = f"m.{a.pk}.{ind.code}" + (f".{part}" if part else "")
                value = loaded.get(ind.code)
                if part:
                    value = value.get(part) if isinstance(value, dict) else None
                cells.append(
                    {
                        "key": key,
                        "value": typed.get(key, as_typed(ind, value)),
                        "missing": value is None,
                        "error": errors.get(key),
                        "label": label,
                    }
                )
            rows.append(
                {"a": a, "cells": cells, "editable": a.state == Appraisal.State.IN_PROGRESS}
            )
        groups.append(
            {
                "role": name(t),
                "metrics": [
                    {"label": label, "unit": "" if part else unit_label(i)}
                    for i, part, label in columns
                ],
                "rows": rows,
                "page": page,
            }
        )
    return groups


def _gap_lines(gaps, roles) -> list[str]:
    """Each missing target or metric as a sentence naming the role or the person."""
    lines = []
    for g in gaps.targets:
        t = roles.get((g.pack, g.role))
        ind = t.indicator(g.indicator) if t else None
        lines.append(
            _("Target of %(item)s for %(role)s (%(n)s appraisals)")
            % {"item": name(ind) if ind else "—", "role": name(t) if t else "—", "n": g.appraisals}
        )
    for g in gaps.implausible:
        t = roles.get((g.pack, g.role))
        ind = t.indicator(g.indicator) if t else None
        words = _("target") if g.kind == "target" else _("metric")
        lines.append(
            _("%(item)s (%(kind)s) of %(employee)s (%(department)s): %(why)s")
            % {
                "item": name(ind) if ind else "—",
                "kind": words,
                "employee": g.employee,
                "department": g.department,
                "why": unit_error_text(g.why),
            }
        )
    for g in gaps.metrics:
        t = roles.get((g.pack, g.role))
        ind = t.indicator(g.indicator) if t else None
        lines.append(
            _("%(item)s of %(employee)s (%(department)s)")
            % {
                "item": name(ind) if ind else "—",
                "employee": g.employee,
                "department": g.department,
            }
        )
    return lines
