"""HR's targets and metrics for a cycle: the targets each role measures against, and
the system metrics (sales, calls, response times) each appraisal needs, edited in a
grid; what is still missing is listed first. Typed values come back on an error, with
the error at its cell."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.appraisals import services
from engine.appraisals.gaps import cycle_gaps, cycle_roles
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import DomainError
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
from workflows.common.labels import error_text, name
from workflows.common.listing import page_of
from workflows.common.numbers import as_typed, read_for, unit_error_text, unit_label


def _words(ind) -> str:
    zh, en = describe(ind)
    return en if (get_language() or "").startswith("en") else zh


def _typed(post, prefix: str) -> dict[str, str]:
    return {k: v.strip() for k, v in post.items() if k.startswith(prefix) and v.strip()}


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


def _save_targets(request, cycle, roles, errors) -> bool:
    targets: dict = {}
    for key, raw in _typed(request.POST, "t.").items():
        _t, pack, role, code = ([*key.split(".", 3), "", "", ""])[:4]
        t = roles.get((pack, role))
        ind = t.indicator(code) if t else None
        if ind is None:
            continue  # not a cell of this page
        value = _read(key, raw, ind, errors, target=True)
        if value is not None:
            targets.setdefault(pack, {}).setdefault(role, {})[code] = value
    if errors:
        return False
    try:
        n = services.cycle_targets_set(actor=request.user, cycle=cycle, targets=targets)
    except DomainError as exc:
        errors["t." + (exc.field or "").removeprefix("targets.")] = error_text(exc)
        return False
    messages.success(request, _("Targets saved; %(n)s appraisals updated.") % {"n": n})
    return True


def _save_metrics(request, cycle, roles, errors) -> bool:
    rows: dict[int, dict[str, str]] = {}
    apps = {
        a.pk: a for a in Appraisal.objects.filter(cycle=cycle).only("pk", "pack", "role", "values")
    }
    for key, raw in _typed(request.POST, "m.").items():
        _m, pk, code = ([*key.split(".", 2), "", ""])[:3]
        code, _dot, part = code.partition(".")
        a = apps.get(int(pk)) if pk.isascii() and pk.isdigit() and len(pk) < 12 else None
        ind = roles[(a.pack, a.role)].indicator(code) if a else None
        if ind is None or bool(part) != bool(parts_of(ind)) or (part and part not in parts_of(ind)):
            continue
        if part:  # one sub-field of a structured metric: a whole number ≥ 0
            value = _read(key, raw, ind, errors, target=False, whole=True)
            if value is not None:
                slot = rows.setdefault(a.pk, {})
                loaded = slot.get(code) or a.values.get("system", {}).get(code)
                slot[code] = {**(loaded if isinstance(loaded, dict) else {}), part: value}
            continue
        value = _read(key, raw, ind, errors, target=False)
        if value is not None:
            rows.setdefault(a.pk, {})[code] = value
    if errors:
        return False
    try:
        n = services.cycle_metrics_set(actor=request.user, cycle=cycle, rows=rows)
    except DomainError as exc:
        errors["m." + (exc.field or "").removeprefix("rows.")] = error_text(exc)
        return False
    messages.success(request, _("Metrics saved for %(n)s appraisals.") % {"n": n})
    return True


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
        # error, comes back as typed.
        saved = True
        if any(k.startswith("t.") for k in request.POST):
            saved = _save_targets(request, cycle, roles, errors)
        if saved and any(k.startswith("m.") for k in request.POST):
            saved = _save_metrics(request, cycle, roles, errors)
        if saved:
            return redirect(request.get_full_path())
        typed = {k: v for k, v in request.POST.items() if k.startswith(("t.", "m."))}
    return render(
        request,
        "hr/inputs.html",
        {
            "cycle": cycle,
            "company": cycle.company,
            "targets": _target_rows(cycle, roles, typed, errors),
            "metrics": _metric_groups(request, cycle, roles, typed, errors),
            "gaps": _gap_lines(cycle_gaps(cycle), roles),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


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
            rows.append({"a": a, "cells": cells, "editable": a.state == "in_progress"})
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
