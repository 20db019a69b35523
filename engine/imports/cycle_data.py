"""Targets and system metrics of a cycle from a spreadsheet. Every row is checked and
every bad row reported before anything is written; the writes go through the same
set-based services the page uses, so 10,000 metric rows are a few statements."""

from __future__ import annotations

import json
from functools import partial

from django.utils.translation import gettext_lazy as _

from engine.appraisals import services
from engine.appraisals.entries import entry_check
from engine.appraisals.gaps import cycle_roles
from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.errors import InvalidInput
from engine.org.selectors import require_hr
from engine.scoring import ScoringInputError
from engine.scoring.needs import input_parts as parts_of
from engine.scoring.needs import system_metrics, target_indicators
from engine.scoring.numbers import to_decimal
from engine.scoring.units import UnitError, typed_text

from .report import Change, Report, Words, quoted


def _role_words(t) -> Words:
    return Words(t.name_zh, t.name_en)


def _ind_words(ind) -> Words:
    return Words(f"“{ind.name_zh}”", f'"{ind.name_en}"')


def _named(t, code: str) -> Words:
    """An indicator the file names: by its name when the role has it, else as written."""
    ind = next((i for i in t.indicators if i.code == code), None)
    return _ind_words(ind) if ind is not None else quoted(code)


def _person_words(employee) -> Words:
    return Words(f"{employee.name}（{employee.number}）", f"{employee.name} ({employee.number})")


def _unknown_role(pack: str, role: str) -> Words:
    """A role the cycle does not hold: its name when an installed pack knows it, else
    the text as the file gives it."""
    from engine.plugins.registry import get_pack

    try:
        t = get_pack(pack).role(role)
    except Exception:  # an unknown or invalid pack: quote what the file says
        t = None
    return _role_words(t) if t is not None else quoted(role or pack)


def _same(a, b) -> bool:
    try:
        return to_decimal(a) == to_decimal(b)
    except ValueError:
        return False


def _repeated(report: Report, first_row: dict, key: tuple, n: int) -> bool:
    """A cell given on two rows: the second is a bad row naming the first."""
    if key in first_row:
        report.bad(n, "indicator", _("given twice (also row %(row)s)"), row=first_row[key])
        return True
    first_row[key] = n
    return False


def import_targets(*, actor, cycle: Cycle, rows, dry_run: bool = False) -> Report:
    require_hr(actor, cycle.company_id)
    report = Report("targets", dry_run, rows=len(rows))
    roles = cycle_roles(cycle)
    targets: dict = {}
    first_row: dict[tuple, int] = {}
    for n, r in rows:
        key = (r["pack"], r["role"], r["indicator"])
        t = roles.get(key[:2])
        if t is None:
            report.bad(
                n,
                "role",
                _("nobody in %(period)s holds the role %(role)s"),
                period=cycle.period,
                role=_unknown_role(r["pack"], r["role"]),
            )
            continue
        ind = next((i for i in target_indicators(t) if i.code == r["indicator"]), None)
        if ind is None:
            report.bad(
                n,
                "indicator",
                _("the role %(role)s has no indicator %(item)s that takes a target"),
                item=_named(t, r["indicator"]),
                role=_role_words(t),
            )
            continue
        if _repeated(report, first_row, key, n):
            continue
        if not r["target"].strip():
            report.unchanged += 1  # blank: the target (or the pack's default) stays as it is
            continue
        try:
            value = typed_text(ind, r["target"], target=True)
        except UnitError as exc:
            report.bad(n, "target", _(exc.text), **exc.params)
            continue
        targets.setdefault(key[0], {}).setdefault(key[1], {})[key[2]] = value
        old = cycle.targets.get(key[0], {}).get(key[1], {}).get(key[2])
        if old is None:
            report.created += 1
        elif _same(old, value):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        what = Words(f"{t.name_zh} · {ind.name_zh}", f"{t.name_en} · {ind.name_en}")
        report.changes.append(Change(n, what, old, value, ind))
    if report.ok and not dry_run and (report.created or report.updated):
        services.cycle_targets_set(actor=actor, cycle=cycle, targets=targets)
    return report


def _has_part(ind, part: str, loaded) -> bool:
    """A sub-field of a structured metric: one the pack declares or, when it declares
    none, one of the value loaded (or any, when nothing is loaded yet)."""
    if ind.rule != "custom":
        return False
    known = parts_of(ind, loaded)
    return not known or part in known


def _whole(raw: str) -> int:
    value = to_decimal(raw)
    if value < 0 or value != value.to_integral_value():
        raise ValueError(raw)
    return int(value)


def _custom_value(ind, part: str, raw: str, loaded):
    """A structured metric's cell: one sub-field as a whole number ≥ 0 merged into what
    is loaded, or (no sub-field) the whole value as a JSON object."""
    if part:
        base = dict(loaded) if isinstance(loaded, dict) else {}
        return {**base, part: _whole(raw)}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(raw)
    return value


_REFUSED = object()  # a cell that is no value of its metric (the report says why)


def _row_appraisal(report: Report, n: int, r, apps: dict, cycle: Cycle) -> Appraisal | None:
    """The row's appraisal, by its employee number; None when there is none (reported)."""
    a = apps.get(r["number"])
    if not r["number"]:
        report.bad(n, "number", _("row %(row)s has no employee number: fill it in"), row=str(n))
        return None
    if a is None:
        report.bad(
            n,
            "number",
            _("no appraisal in %(period)s for employee number %(number)s"),
            period=cycle.period,
            number=quoted(r["number"]),
        )
    return a


def _metric_value(report: Report, n: int, raw: str, ind, part: str, current, check):
    """The cell as its metric's value (a structured metric's merged into `current`);
    _REFUSED when it is none, with the reason in the report. `check`: the entry's one
    check, as the write will run it."""
    try:
        if ind.rule == "custom":
            return _custom_value(ind, part, raw, current)
        value = typed_text(ind, raw)
        check(value)
        return value
    except UnitError as exc:
        report.bad(n, "value", _(exc.text), **exc.params)
    except (ValueError, json.JSONDecodeError):
        if part:
            text = _("%(value)s is not a whole number ≥ 0")
        else:
            text = _('%(value)s is not an object such as {"violations": 0}')
        report.bad(n, "value", text, value=quoted(raw))
    except (ScoringInputError, InvalidInput) as exc:
        report.bad(n, "value", exc.message)
    return _REFUSED


def import_metrics(*, actor, cycle: Cycle, rows, dry_run: bool = False) -> Report:
    require_hr(actor, cycle.company_id)
    report = Report("metrics", dry_run, rows=len(rows))
    apps = {
        a.employee.number: a
        for a in Appraisal.objects.filter(cycle=cycle)
        .select_related("employee")
        .only(
            "pk",
            "role",
            "activation_id",
            "template_hash",
            "state",
            "values",
            "employee__number",
            "employee__name",
        )
    }
    data: dict[int, dict] = {}
    first_row: dict[tuple, int] = {}
    for n, r in rows:
        a = _row_appraisal(report, n, r, apps, cycle)
        if a is None:
            continue
        code, _dot, part = r["indicator"].partition(".")
        t = template_for(a)
        metrics = system_metrics(t)
        ind = next((i for i in metrics if i.code == code), None)
        loaded = a.values.get("system", {})
        if ind is None or (part and not _has_part(ind, part, loaded.get(code))):
            report.bad(
                n,
                "indicator",
                _("%(item)s is not a system metric of %(person)s (%(role)s)"),
                item=_named(t, code) if not part else quoted(r["indicator"]),
                person=_person_words(a.employee),
                role=_role_words(t),
            )
            continue
        if _repeated(report, first_row, (a.pk, code, part), n):
            continue
        if not r["value"].strip():
            report.unchanged += 1  # blank: what is loaded stays as it is
            continue
        if a.state != Appraisal.State.IN_PROGRESS:
            # Closed since the template was made: the row cannot apply, and says so.
            report.skip(
                n,
                "number",
                _("the appraisal of %(person)s is closed; %(item)s left as it is"),
                person=_person_words(a.employee),
                item=_ind_words(ind),
            )
            continue
        current = data.get(a.pk, {}).get(code, loaded.get(code))
        check = partial(entry_check, t, f"values.{code}", where="value")
        value = _metric_value(report, n, r["value"], ind, part, current, check)
        if value is _REFUSED:
            continue
        old = loaded.get(code)
        if part:
            old = old.get(part) if isinstance(old, dict) else None
            new = value[part]
        else:
            new = value
        if old is None:
            report.created += 1
        elif old == new or _same(old, new):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        data.setdefault(a.pk, {})[code] = value
        what = Words(
            f"{a.employee.name}（{a.employee.number}）· {ind.name_zh}{'.' + part if part else ''}",
            f"{a.employee.name} ({a.employee.number}) · {ind.name_en}{'.' + part if part else ''}",
        )
        report.changes.append(Change(n, what, old, new, None if part else ind))
    if report.ok and not dry_run and data:
        services.cycle_metrics_set(actor=actor, cycle=cycle, rows=data)
    return report
