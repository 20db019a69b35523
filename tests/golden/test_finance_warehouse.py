"""finance_warehouse: the deduction system (§4.3)."""

import pytest

from engine.scoring import ScoringInputError

from . import ind, run

ROLES = ["finance_head", "accountant", "cashier", "warehouse_keeper", "statistician"]


def fin(role="accountant", duties=(), integrity=(), **kw):
    deds = {
        "duties": [{"points": p, "reason": r} for p, r in duties],
        "integrity": [{"points": p, "reason": r} for p, r in integrity],
    }
    return run("finance_warehouse", role, values={}, deductions=deds, **kw)


@pytest.mark.parametrize("role", ROLES)
def test_deductions_with_reasons_and_performance_pay(role):
    # duties 70 − 5 − 2.5 = 62.5; integrity 30 − 3 = 27 → 89.5 → b; pay 89.5/100 × 4000 = 3580
    """Finance staff: deductions with reasons and the performance pay from the grade."""
    r = fin(
        role,
        duties=[(5, "late reconciliation"), (2.5, "filing error")],
        integrity=[(3, "late to meeting")],
        context={"base_performance_pay": 4000},
    )
    assert (ind(r, "duties"), ind(r, "integrity")) == ("62.50", "27.00")
    assert [s["code"] for s in r["sections"]] == ["duties", "integrity"]
    assert (r["total"], r["grade"], r["outcomes"]["performance_pay"]) == ("89.50", "b", "3580.00")


@pytest.mark.parametrize("role", ROLES)
def test_late_and_falsified(role):
    # 100 × 0.90 (late after the 30th) × 0.5 (falsified) = 45 → e
    """Finance staff: a late self-review and falsified data, applied in order."""
    r = fin(role, late_steps=["self"], falsified=True)
    assert [a["code"] for a in r["adjustments"]] == ["late:self", "falsified"]
    assert (r["total"], r["grade"]) == ("45.00", "e")


@pytest.mark.parametrize("role", ROLES)
def test_deductions_floor_each_section(role):
    # duties 70 − 80 → 0 (floor); integrity 30 → 30 → e
    """Finance staff: deductions never take a section below zero."""
    r = fin(role, duties=[(80, "cash shortfall")])
    assert (ind(r, "duties"), r["total"], r["grade"]) == ("0.00", "30.00", "e")


def test_finance_head_penalties_add_up():
    # the head reported the staff after the 5th: ×0.85 → 85 → b
    """Finance head: penalties add up before the clamp."""
    r = fin("finance_head", late_steps=["dept_head"])
    assert (r["total"], r["grade"]) == ("85.00", "b")
    # and handed in their own self-review late: 1 − (0.10 + 0.15) = 0.75 → 75 → c
    r = fin("finance_head", late_steps=["self", "dept_head"])
    assert r["adjustments"][-1] == {"code": "late", "kind": "factor", "value": "0.75"}
    assert (r["total"], r["grade"]) == ("75.00", "c")


@pytest.mark.parametrize("role", ["warehouse_keeper", "statistician"])
def test_every_staff_role_scores_alike(role):
    # 70 − 10 = 60; 30 − 0 = 30 → 90 → b
    """Accountant, cashier, warehouse keeper and statistician score alike on the same inputs."""
    assert fin(role, duties=[(10, "stock count error")])["total"] == "90.00"


def test_deduction_without_a_reason_is_refused():
    """A deduction without a reason is refused naming it."""
    with pytest.raises(ScoringInputError) as err:
        fin(duties=[(5, "  ")])
    assert (err.value.field, err.value.rule) == ("deductions.duties[0].reason", "required")
