"""The annual composite (seed 004: 以次为基础给出年度综合评判): a year's result from
the periodic results by the pack's rule, with one line per period. Expected numbers by
hand, the arithmetic beside each case."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.plugins import registry
from engine.scoring import ScoringInputError
from engine.scoring.annual import AnnualRule

from . import run, sec

TOTALS = ["80", "85", "90", "70", "75", "95", "88", "92", "60", "78", "84", "91"]


def _annual(rule: AnnualRule, totals: dict[str, str], kind="month", sections=None) -> dict:
    return {
        "year": "2026",
        "kind": kind,
        "rule": rule.to_dict(),
        "periods": [
            {
                "period": p,
                "total": t,
                "grade": "b",
                **({"sections": sections[p]} if sections else {}),
            }
            for p, t in totals.items()
        ],
    }


def _months(totals) -> dict[str, str]:
    return {f"2026-{i + 1:02d}": t for i, t in enumerate(totals) if t is not None}


def test_twelve_months_make_the_general_annual_composite():
    # 80+85+90+70+75+95+88+92+60+78+84+91 = 988; 988 / 12 = 82.3333… → 82.33 → b [80, 95)
    # each month's share 1/12 = 8.33%; January brings 80/12 = 6.666… → 6.67,
    # June 95/12 = 7.9166… → 7.92; the contributions add up to the composite exactly
    """General staff: twelve equal monthly weights; the composite is their mean, graded
    on the pack's own table, each month a line (period, total, grade, share, contribution)."""
    rule = registry.annual_rule("general", "staff")
    r = run("general", "staff", values={}, annual=_annual(rule, _months(TOTALS)))
    assert (r["subtotal"], r["total"], r["grade"]) == ("82.33", "82.33", "b")
    assert r["indicators"] == [] and r["sections"] == []
    lines = {p["period"]: p for p in r["periods"]}
    assert len(lines) == 12
    assert lines["2026-01"] == {
        "period": "2026-01",
        "status": "counted",
        "total": "80.00",
        "grade": "b",
        "weight": "1",
        "share": "0.0833",
        "contribution": "6.67",
    }
    assert lines["2026-06"]["contribution"] == "7.92"
    assert r["annual"]["counted"] == 12 and r["annual"]["min_periods"] == 10


def test_two_missing_months_are_left_out_of_the_mean():
    # March and September missing: 988 − 90 − 60 = 838 over 10 months = 83.80 → b;
    # each month present weighs 1/10: January 80 × 0.1 = 8.00
    """Mean over the months present (10 of 12, the pack's minimum): a missing month is
    a line that says it was left out, never a zero."""
    totals = list(TOTALS)
    totals[2] = totals[8] = None
    rule = registry.annual_rule("general", "staff")
    r = run("general", "staff", values={}, annual=_annual(rule, _months(totals)))
    assert (r["total"], r["grade"]) == ("83.80", "b")
    march = next(p for p in r["periods"] if p["period"] == "2026-03")
    assert (march["status"], march["total"], march["contribution"]) == (
        "missing_not_counted",
        None,
        "0.00",
    )
    assert next(p for p in r["periods"] if p["period"] == "2026-01")["contribution"] == "8.00"


def test_too_few_months_are_refused_naming_the_missing_ones():
    """Nine months of twelve where the rule needs ten: refused, naming the months."""
    rule = registry.annual_rule("customer_service", "ecommerce_agent")
    with pytest.raises(ScoringInputError) as exc:
        run(
            "customer_service",
            "ecommerce_agent",
            values={},
            annual=_annual(rule, _months(TOTALS[:9])),
        )
    assert (exc.value.field, exc.value.rule) == ("annual.periods", "min_periods")
    assert "missing 2026-10, 2026-11, 2026-12" in str(exc.value)


def test_a_missing_month_counted_as_a_stated_value():
    # rule "value" 60: March counted as 60 → (988 − 90 + 60) / 12 = 958 / 12 = 79.8333… → 79.83 → c
    """A pack may count a missing month as a stated total (here 60): the line says so."""
    rule = AnnualRule(missing="value", missing_value=D(60), min_months=6)
    totals = list(TOTALS)
    totals[2] = None
    r = run("general", "staff", values={}, annual=_annual(rule, _months(totals)))
    assert (r["total"], r["grade"]) == ("79.83", "c")
    march = next(p for p in r["periods"] if p["period"] == "2026-03")
    assert (march["status"], march["total"], march["contribution"]) == (
        "missing_counted_as",
        "60.00",
        "5.00",
    )


def test_quarter_weights():
    # Q1..Q4 = 80, 90, 70, 100 with weights 1, 1, 1, 2: (80+90+70+200) / 5 = 440 / 5 = 88.00 → b
    # Q4's share 2/5 = 40%, contribution 40.00
    """Weights per period: the fourth quarter counts twice."""
    rule = AnnualRule(of=("quarter",), weights={"Q4": 2}, min_months=12)
    totals = {"2026-Q1": "80", "2026-Q2": "90", "2026-Q3": "70", "2026-Q4": "100"}
    r = run("general", "staff", values={}, annual=_annual(rule, totals, kind="quarter"))
    assert (r["total"], r["grade"]) == ("88.00", "b")
    q4 = r["periods"][-1]
    assert (q4["weight"], q4["share"], q4["contribution"]) == ("2", "0.4000", "40.00")


def test_rnd_performance_yearly_attitude_and_ability_from_the_months():
    # performance on the annual appraisal: 30 + 25 + 20 + 15 + 10×0.8 = 98 → × 0.70 = 68.60
    # attitude: six months 90, six months 80 → mean 85 → × 0.15 = 12.75
    # ability: twelve months 70 → mean 70 → × 0.15 = 10.50
    # subtotal 68.60 + 12.75 + 10.50 = 91.85 → excellent [90, 100]
    """R&D: the performance section is scored on the annual appraisal; attitude and
    ability are the means of the months' section scores, each month a line."""
    rule = registry.annual_rule("rnd", "researcher")
    assert rule.sections == ("attitude", "ability")
    secs = {
        f"2026-{m:02d}": {"attitude": "90" if m <= 6 else "80", "ability": "70"}
        for m in range(1, 13)
    }
    totals = dict.fromkeys(secs, "80")
    perf = {
        "dev_cycle_ahead": 15,
        "review_pass_rate": 1,
        "plan_completion": 1,
        "unproducible_results": 2,
        "cost_reduction": "0.08",
    }
    r = run(
        "rnd",
        "researcher",
        values=perf,
        targets={"cost_reduction": "0.10"},
        annual=_annual(rule, totals, sections=secs),
    )
    assert (sec(r, "performance"), sec(r, "attitude"), sec(r, "ability")) == (
        "98.00",
        "85.00",
        "70.00",
    )
    assert (r["total"], r["grade"]) == ("91.85", "excellent")
    # January brings (90 × 0.15 + 70 × 0.15) / 12 = 24 / 12 = 2.00
    jan = r["periods"][0]
    assert (jan["contribution"], jan["sections"]) == (
        "2.00",
        {"attitude": "90.00", "ability": "70.00"},
    )


def test_indicators_the_composite_stands_for_are_not_entered():
    """An annual appraisal's values for an indicator the composite stands for are refused."""
    rule = registry.annual_rule("general", "staff")
    with pytest.raises(ScoringInputError) as exc:
        run("general", "staff", values={"efficiency": 20}, annual=_annual(rule, _months(TOTALS)))
    assert (exc.value.field, exc.value.rule) == ("values.efficiency", "composed")


def test_the_built_in_packs_declare_their_rules():
    """General, customer service and finance: the mean of the months, at least 10; R&D:
    attitude and ability from the months (else quarters), at least half the year; sales
    keeps its own annual sheet (篇8 年度综合考核表)."""
    for pack, role in (
        ("general", "staff"),
        ("customer_service", "support_agent"),
        ("finance_warehouse", "cashier"),
    ):
        rule = registry.annual_rule(pack, role)
        assert (rule.of, rule.missing, rule.min_months, rule.sections) == (
            ("month",),
            "mean_present",
            10,
            (),
        )
    rnd = registry.annual_rule("rnd", "designer")
    assert (rnd.of, rnd.min_months, rnd.minimum("quarter")) == (("month", "quarter"), 6, 2)
    assert registry.annual_rule("sales", "sales_rep") is None


def test_a_rule_that_does_not_fit_the_pack_is_named():
    """A rule naming a missing role or section, or a missing policy without its value,
    is described as a problem (the pack is refused at discovery)."""
    bad = AnnualRule(missing="value", sections=("nope",), roles=("ghost",), min_months=13)
    problems = bad.problems(("staff",), {"staff": {"duties"}, "ghost": set()})
    assert any("no missing_value" in p for p in problems)
    assert any("min_months" in p for p in problems)
    assert any("no role 'ghost'" in p for p in problems)


MONTH_TOTALS = st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=12, max_size=12)
MISSING = st.sets(st.integers(min_value=0, max_value=11), max_size=2)
WEIGHTS = st.lists(st.integers(min_value=1, max_value=5), min_size=12, max_size=12)


@settings(max_examples=60, deadline=None)
@given(MONTH_TOTALS, MISSING, WEIGHTS)
def test_a_mean_composite_lies_between_the_lowest_and_highest_month(totals, missing, weights):
    """For a mean-type rule, whatever the months present and their weights, the
    composite (before rounding) lies between the lowest and highest monthly total."""
    rule = AnnualRule(
        weights={f"{m:02d}": w for m, w in enumerate(weights, start=1)}, min_months=10
    )
    months = _months([None if i in missing else str(t) for i, t in enumerate(totals)])
    r = run("general", "staff", values={}, annual=_annual(rule, months))
    present = [D(t) for t in months.values()]
    composite = D(r["annual"]["composite"])
    assert min(present) <= composite <= max(present)
    assert min(present) <= D(r["total"]) <= max(present)


@pytest.mark.parametrize(
    ("pack", "role"),
    [
        ("finance_warehouse", "accountant"),
        ("finance_warehouse", "finance_head"),
        ("general", "staff"),
    ],
)
def test_an_annual_appraisal_is_never_scored_by_the_compiled_plan_alone(pack, role):
    """The compiled plan reads no annual part: given one, `score()` answers as the
    reference path does (the composite of the months), never a plain score of the
    annual sheet without the year (the walk found the finance roles' annual pages
    answering 500, their result missing its `annual` part)."""
    from engine.plugins.registry import get_template
    from engine.scoring.scorer import score, score_reference

    rule = registry.annual_rule(pack, role)
    inputs = {"values": {}, "annual": _annual(rule, _months(TOTALS))}
    t = get_template(pack, role)
    got, want = score(t, inputs).to_json(), score_reference(t, inputs).to_json()
    assert got == want and got["annual"]["counted"] == 12
