"""The payroll file's rows: one per final appraisal with every pay column filled, or a
note in words saying which setting or input is missing (ux.md, "Payroll export")."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.outcomes.selectors import outcome_lines
from engine.plugins import registry
from engine.scoring.numbers import to_decimal

from .words import FLAGS, OUTCOMES, REASONS, inputs_words, pick

# The packs whose people earn commission: a row of theirs without one says why; for
# everyone else a commission is 0 (they earn none), not a gap.
COMMISSION_PACKS = {"sales"}
# Population outcome codes that pay a commission: (commission, paid now, risk reserve)
COMMISSION_LINES = (
    ("quarterly_commission", "monthly_instalment", None),
    ("annual_commission", "annual_commission_paid", "annual_risk_reserve"),
    ("profit_commission", "profit_commission", None),
)
ZERO = Decimal("0.00")


def number(value: Any) -> Decimal | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return to_decimal(value)
    except ValueError:
        return None


def local_name(o, english: bool) -> str:
    """A pack's or position's name in the reader's language; an English name shown on
    its own in sentence case (packs write "support agent" to read well in a sentence)."""
    if not english:
        return o.name_zh
    words = o.name_en or o.name_zh
    return words[:1].upper() + words[1:]


def department_name(department, english: bool) -> str:
    """The department's English name for English readers (its Chinese name when nobody
    gave one), its name of record for Chinese ones."""
    return (department.name_en or department.name) if english else department.name


def pay_gap(a: Appraisal) -> str:
    """Why a final appraisal has no performance pay, as a key of REASONS ("" when paid):
    no base entered, a grade without coefficient, or a pack that computes none."""
    o = (a.result or {}).get("outcomes", {})
    if number(o.get("performance_pay")) is not None:
        return ""
    if number((a.context or {}).get("base_performance_pay")) is None and (
        number((a.context or {}).get("monthly_salary")) is None
    ):
        return "no_base"
    code = a.calibrated_grade or a.grade
    grade = next((g for g in template_for(a).grades if g.code == code), None)
    if grade is not None and grade.coefficient is None:
        return "no_coefficient"
    return "not_computed"


def _lines_by_appraisal(cycle: Cycle) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line in outcome_lines(cycle_id=cycle.pk):
        if line.amount is not None:
            out[line.appraisal_id][line.code] = line.amount
    return out


def _commission(a: Appraisal, o: dict, lines: dict[str, Decimal]) -> tuple[list, str]:
    """(commission, paid now, risk reserve) and the reason when they cannot be given."""
    if number(o.get("commission")) is not None:
        return [
            number(o.get(k)) or ZERO for k in ("commission", "commission_paid", "risk_reserve")
        ], ""
    for total, paid, reserve in COMMISSION_LINES:
        if total in lines:
            return [lines[total], lines.get(paid, lines[total]), lines.get(reserve, ZERO)], ""
    if a.pack not in COMMISSION_PACKS:
        return [ZERO, ZERO, ZERO], ""
    if a.role == "sales_lead":
        return [None, None, None], "lead_quarterly"
    return [None, None, None], "no_revenue" if a.cycle.kind == Cycle.Kind.MONTH else "monthly"


def pay_row(a: Appraisal, lines: dict[str, Decimal], english: bool) -> list[Any]:
    t = template_for(a)
    o = (a.result or {}).get("outcomes", {})
    code = a.calibrated_grade or a.grade
    grade = next((g for g in t.grades if g.code == code), None)
    role_name = local_name(t, english)
    grade_name = local_name(grade, english) if grade else code
    base = number(o.get("base_performance_pay"))
    pay = number(o.get("performance_pay"))
    coefficient = number(o.get("pay_coefficient") or o.get("grade_coefficient"))
    if coefficient is None and base and pay is not None:
        coefficient = pay / base  # the finance pack pays total / 100 × base
    notes = []
    gap = pay_gap(a) if pay is None else ""
    if gap == "no_base":
        position = a.employee.position
        notes.append(pick(REASONS["no_base"], english, position=local_name(position, english)))
    elif gap == "no_coefficient":
        notes.append(pick(REASONS["no_coefficient"], english, role=role_name, grade=grade_name))
    elif gap:
        notes.append(pick(REASONS["not_computed"], english))
    commission, why = _commission(a, o, lines)
    if why:
        notes.append(pick(REASONS[why], english))
    cut = number(o.get("allowance_cut"))
    return [
        a.employee.number,
        a.employee.name,
        department_name(a.department, english),
        role_name,
        number(a.total),
        grade_name,
        coefficient,
        base,
        pay,
        *commission,
        ZERO if cut is None else cut,
        a.result_version,
        "；".join(notes) if not english else "; ".join(notes),
    ]


def pay_rows(cycle: Cycle, english: bool) -> list[list[Any]]:
    lines = _lines_by_appraisal(cycle)
    final = (
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.FINAL)
        .select_related("employee__position", "department", "cycle")
        .order_by("employee__number")
    )
    return [pay_row(a, lines.get(a.pk, {}), english) for a in final]


def outcome_rows(cycle: Cycle, english: bool) -> list[list[Any]]:
    """The population rules' lines in words: the rule's name, the outcome, the flag and
    the inputs that fired it (never raw JSON)."""
    names: dict[tuple[str, str], str] = {}
    out = []
    for line in outcome_lines(cycle_id=cycle.pk):
        pack = line.appraisal.pack
        if (pack, line.rule) not in names:
            try:
                rules = registry.population_rules(pack)
            except registry.PackUnavailable:
                rules = ()
            for r in rules:
                names[(pack, r.code)] = local_name(r, english)
        out.append(
            [
                line.appraisal.employee.number,
                line.appraisal.employee.name,
                names.get((pack, line.rule), line.rule),
                pick(OUTCOMES.get(line.code, (line.code, line.code)), english),
                line.amount,
                pick(FLAGS.get(line.flag, (line.flag, line.flag)), english) if line.flag else "",
                inputs_words(line.inputs, english),
            ]
        )
    return out
