"""general / staff: four manual items of 25 (docs/policies.md, "Company-wide")."""

import pytest

from engine.scoring import ScoringInputError

from . import run


def staff(a, b, c, d, **kw):
    return run(
        "general",
        "staff",
        values={"efficiency": a, "operation": b, "attitude": c, "knowledge": d},
        **kw,
    )


def test_full_marks_is_a_with_performance_pay_from_salary():
    # 25×4 = 100 → a (top band closed) ×1.50; base = 30% × 10000 = 3000; paid 4500
    """General staff: full marks grade a, with performance pay from the salary base."""
    r = staff(25, 25, 25, 25, context={"monthly_salary": "10000"})
    assert (r["total"], r["grade"]) == ("100.00", "a")
    assert r["outcomes"]["pay_coefficient"] == "1.50"
    assert r["outcomes"]["base_performance_pay"] == "3000.00"
    assert r["outcomes"]["performance_pay"] == "4500.00"


@pytest.mark.parametrize(
    ("values", "total", "grade"),
    [
        ((25, 25, 25, 20), "95.00", "a"),  # 95 is the lower edge of a
        ((25, 25, 25, 19.99), "94.99", "b"),
        ((20, 20, 20, 20), "80.00", "b"),
        ((20, 20, 20, 19.99), "79.99", "c"),
        ((16.25, 16.25, 16.25, 16.245), "65.00", "c"),  # 64.995 rounds HALF_UP to 65.00 → c
        ((15, 15, 15, 19.99), "64.99", "d"),
        ((15, 15, 15, 15), "60.00", "d"),
        ((15, 15, 15, 14.99), "59.99", "e"),
    ],
)
def test_every_grade_boundary(values, total, grade):
    """General staff: every grade boundary is half-open as the pack declares."""
    r = staff(*values)
    assert (r["total"], r["grade"]) == (total, grade)


def test_events_late_and_clamp_above():
    # 100 + 2 major merits (+16) = 116; late self ×0.90 = 104.4 → clamp to 100 → a
    """General staff: events and a late penalty, clamped at the top."""
    r = staff(25, 25, 25, 25, events={"major_merit": 2}, late_steps=["self"])
    assert r["subtotal"] == "100.00"
    assert [a["code"] for a in r["adjustments"]] == ["major_merit", "late:self", "clamp"]
    assert r["adjustments"][2]["value"] == "-4.40"
    assert (r["total"], r["grade"]) == ("100.00", "a")


def test_late_falsified_and_clamp_below():
    # 10×4 = 40; 3 days absent −15 → 25; late self ×0.9 → 22.5; falsified ×0.5 → 11.25 → e
    """General staff: a late and falsified entry clamped at zero."""
    r = staff(10, 10, 10, 10, events={"absent_day": 3}, late_steps=["self"], falsified=True)
    assert r["total"] == "11.25"
    # 0 + 2 major demerits (−16) → −16 → clamp to 0 → e
    r = staff(0, 0, 0, 0, events={"major_demerit": 2})
    assert (r["total"], r["grade"]) == ("0.00", "e")


def test_trial_flags_and_second_d_dismisses():
    # 15+15+15+16 = 61 → d; the previous appraisal was a d too → dismiss
    """General staff: trial flags, and a second d in a row sets dismissal."""
    r = staff(
        15,
        15,
        15,
        16,
        context={"on_trial": True},
        history=[{"period": "2026-09", "total": "62.00", "grade": "d"}],
    )
    assert (r["grade"], r["outcomes"]["trial"], r["outcomes"]["pay_coefficient"]) == (
        "d",
        "dismiss",
        "0.80",
    )
    assert staff(15, 15, 15, 16, context={"on_trial": True})["outcomes"]["trial"] == "extend_trial"
    assert staff(25, 25, 25, 25, context={"on_trial": True})["outcomes"]["trial"] == "confirm_early"
    assert staff(20, 20, 20, 20, context={"on_trial": True})["outcomes"]["trial"] == "confirm"


def test_obstruction_halves_the_heads_performance_pay():
    # 90 → b ×1.20; base 3000 → 3600; obstruction → ×0.5 = 1800
    """A head's obstruction finding halves their performance pay."""
    r = staff(
        25,
        25,
        20,
        20,
        events={"obstruction_or_retaliation": 1},
        context={"base_performance_pay": "3000"},
    )
    assert (r["total"], r["outcomes"]["performance_pay"]) == ("90.00", "1800.00")


def test_manual_points_above_the_weight_are_refused():
    """Manual points above the indicator's weight are refused naming it."""
    with pytest.raises(ScoringInputError) as err:
        staff(26, 25, 25, 25)
    assert (err.value.field, err.value.rule) == ("values.efficiency", "range")


def test_a_calibrated_grade_keeps_the_total_and_drives_the_outcomes():
    # 95 → a ×1.50; calibrated to b: total stays 95.00, coefficient 1.20, pay 3000 × 1.2 = 3600
    """A calibrated grade keeps the total and drives the outcomes; an unknown grade is refused."""
    r = staff(25, 25, 25, 20, calibrated_grade="b", context={"base_performance_pay": "3000"})
    assert (r["total"], r["grade"], r["calibrated_from"]) == ("95.00", "b", "a")
    assert (r["outcomes"]["pay_coefficient"], r["outcomes"]["performance_pay"]) == (
        "1.20",
        "3600.00",
    )
    assert "calibrated_from" not in staff(25, 25, 25, 20)
    with pytest.raises(ScoringInputError) as err:
        staff(25, 25, 25, 20, calibrated_grade="z")
    assert err.value.field == "calibrated_grade"
