"""What a page shows adds up: the shown subtotal is the sum of the shown lines."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from engine.scoring.numbers import q2, shown_sum

line = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@given(st.lists(line, min_size=0, max_size=12))
def test_shown_lines_add_up_to_the_shown_subtotal(values):
    """For any exact line scores, the shown lines (each HALF_UP to two places, as
    published) sum to the shown subtotal, and the rounding bridges it to the exact
    sum rounded to two places, which is what the total is computed from."""
    s = shown_sum(values)
    assert s.terms == tuple(q2(v) for v in values)
    assert sum(s.terms, Decimal(0)) == s.subtotal
    assert s.subtotal + s.rounding == q2(sum(values, Decimal(0)))
    assert abs(s.rounding) <= Decimal("0.005") * len(values) + Decimal("0.005")


def test_golden_lines_of_70_69_over_an_exact_70_68():
    """The finding of the demo month, by hand:
    exact lines 33.335 + 37.345 = 70.680 → the total is computed from 70.68;
    shown lines    33.34 + 37.35 = 70.69 (each rounded HALF_UP);
    so the page shows subtotal 70.69 and a rounding line of −0.01: 70.69 − 0.01 = 70.68."""
    s = shown_sum([Decimal("33.335"), Decimal("37.345")])
    assert s.terms == (Decimal("33.34"), Decimal("37.35"))
    assert s.subtotal == Decimal("70.69")
    assert s.rounding == Decimal("-0.01")


def test_an_exact_subtotal_given_apart_from_the_lines():
    """A stored result keeps its lines to two places and its subtotal to two places:
    lines 23.57 + 23.57 + 23.57 = 70.71 shown, stored subtotal 70.70 (q2 of the exact
    70.695) → rounding −0.01; no rounding when the shown lines already add up."""
    s = shown_sum([Decimal("23.57")] * 3, Decimal("70.70"))
    assert (s.subtotal, s.rounding) == (Decimal("70.71"), Decimal("-0.01"))
    assert shown_sum([Decimal("10.50"), Decimal("20.25")], Decimal("30.75")).rounding == 0
