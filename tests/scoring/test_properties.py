"""Hypothesis properties of the scoring core over every built-in role."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.plugins.registry import discover
from engine.scoring import Indicator, RoleTemplate, score
from engine.scoring.numbers import to_decimal
from engine.scoring.rules import score_value

TEMPLATES = [t for e in discover() if e.valid and e.distribution == "jixiao" for t in e.pack.roles]
HISTORY = [{"period": "2026-09", "total": "75.00"}]
CONTEXT = {"team_totals": ["80", "90"]}

money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
small = st.decimals(min_value=0, max_value=3, places=3, allow_nan=False, allow_infinity=False)


def value_strategy(ind: Indicator):
    p = ind.params
    if ind.rule == "rating":
        return st.sampled_from([lv.code for lv in ind.levels()])
    if ind.rule == "scale":
        return st.integers(1, int(p.get("n", 5)))
    if ind.rule == "manual":
        return st.decimals(min_value=0, max_value=ind.weight, places=2).map(str)
    if ind.rule == "custom":
        key = "violations" if "management" in p["function"] else "quit"
        return st.fixed_dictionaries({key: st.integers(0, 5)})
    if p.get("integer"):
        return st.integers(0, 40)
    lo = to_decimal(p.get("min_value", -50 if p.get("allow_negative") else 0))
    hi = to_decimal(p.get("max_value", 200))
    return st.decimals(min_value=lo, max_value=hi, places=3).map(str)


@st.composite
def case(draw, t: RoleTemplate):
    values = {
        i.code: draw(value_strategy(i))
        for i in t.indicators
        if i.rule != "deduction"
        and not (i.optional or (t.section(i.section) and t.section(i.section).optional))
    }
    targets = {
        i.code: str(draw(st.decimals(min_value="0.5", max_value=100, places=2)))
        for i in t.indicators
        if i.rule in {"ratio", "inverse_ratio", "reverse_ratio"}
    } | {
        i.code: draw(st.integers(0, 10))  # counts compared with an allowance
        for i in t.indicators
        if i.rule in {"step", "threshold"} and "target" not in i.params
    }
    deductions = {
        i.code: [{"points": str(draw(small) * 10 + Decimal("0.1")), "reason": "r"}]
        for i in t.indicators
        if i.rule == "deduction"
    }
    events = {
        e.code: draw(st.integers(0, 3))
        for e in draw(st.lists(st.sampled_from(t.events), max_size=3, unique=True))
    }
    late = draw(
        st.lists(st.sampled_from([p.step for p in t.own_late_penalties()]), unique=True, max_size=2)
    )
    return {
        "values": values,
        "targets": targets,
        "deductions": deductions,
        "events": events,
        "late_steps": late,
        "falsified": draw(st.booleans()),
        "history": HISTORY,
        "context": CONTEXT,
    }


@pytest.mark.parametrize("t", TEMPLATES, ids=lambda t: f"{t.pack}.{t.role}")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_indicators_within_weight_total_within_clamp_and_deterministic(t, data):
    """For any valid inputs of any role: indicators within their weight, the total within the
    clamp, the same answer twice."""
    raw = data.draw(case(t))
    r = score(t, raw)
    for line in r.indicators:
        assert Decimal(0) <= line.score <= line.max, line
    assert r.total >= t.floor
    if t.ceiling is not None:
        assert r.total <= t.ceiling
    assert r.total == r.total.quantize(Decimal("0.01"))
    assert t.grade_for(r.total).code == r.grade
    assert score(t, raw).to_json() == r.to_json()


RATIO = Indicator("x", "x", "x", Decimal(30), "ratio", {"cap": "1.2"})


@settings(max_examples=200)
@given(a=money, b=money, target=st.decimals(min_value="0.01", max_value=10**6, places=2))
def test_a_ratio_score_never_falls_when_its_actual_rises(a, b, target):
    """A ratio indicator's score never falls when its actual rises."""
    lo, hi = sorted((a, b))
    s_lo = score_value(RATIO, lo, {"x": target}, {}, "values.x")
    s_hi = score_value(RATIO, hi, {"x": target}, {}, "values.x")
    assert s_lo <= s_hi <= Decimal(36)


@given(st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False))
def test_floats_go_through_their_decimal_string(x):
    """A float input scores as its shortest decimal string, never a binary fraction."""
    assert to_decimal(x) == Decimal(repr(x))
    assert to_decimal(4.3) == Decimal("4.3")


@given(st.integers(min_value=15, max_value=400).map(lambda e: f"1e{e}"))
def test_numbers_beyond_any_score_are_refused_before_scoring(text):
    """1e15 and beyond (up to 1e999999999 in the fuzzers' hands) is no number any pack
    takes: refused at parsing with the bound named, never an error later."""
    with pytest.raises(ValueError, match="too large"):
        to_decimal(text)


def test_a_deduction_is_bounded():
    """One deduction takes at most 100 points (more than any item, which is floored at
    0): 100 is taken, 100.01 and 1e30 are refused at the field."""
    from engine.scoring import ScoringInputError
    from engine.scoring.rules import parse_deductions

    t = next(r for r in TEMPLATES if (r.pack, r.role) == ("finance_warehouse", "statistician"))
    ind = t.indicator("integrity")
    assert parse_deductions(ind, [{"points": "100", "reason": "r"}], "d")[0][0] == Decimal(100)
    for raw in ("100.01", "1e30"):
        with pytest.raises(ScoringInputError, match=r"at most|too large"):
            parse_deductions(ind, [{"points": raw, "reason": "r"}], "d")
