"""Units are data: the validator refuses an unknown or missing unit; a stored number
written back as a person types it reads back to the same number; templates pinned
before units keep their meaning."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.scoring.units import UNITS, UnitError, as_typed, read_typed, unit_of
from engine.scoring.validate import template_problems
from rulepacks.customer_service import ECOMMERCE
from rulepacks.general import STAFF
from rulepacks.general.base import ind

CONVERSION = ECOMMERCE.indicator("inquiry_conversion")
COMPLETION = ECOMMERCE.indicator("sales_completion")


def with_indicator(t, new):
    return replace(t, indicators=(*(i for i in t.indicators if i.code != new.code), new))


def test_the_validator_refuses_a_unit_outside_the_vocabulary_or_the_rule():
    """An unknown unit, a numeric rule without one, points declared as a rate and a score
    without its scale are each a problem naming the indicator."""
    cases = {
        "unknown unit 'percent'": replace(CONVERSION, unit="percent"),
        "must declare its unit": replace(CONVERSION, unit=""),
        "needs its scale": replace(CONVERSION, unit="score", params={}),
    }
    for expected, bad in cases.items():
        found = template_problems(with_indicator(ECOMMERCE, bad))
        assert any(expected in p and "inquiry_conversion" in p for p in found), expected
    manual_rate = ind("efficiency", "工作效率", "efficiency", 25, "manual", unit="rate")
    found = template_problems(with_indicator(STAFF, manual_rate))
    assert any("cannot be measured in rate" in p for p in found)


def test_every_built_in_indicator_has_a_unit_of_the_vocabulary():
    """The built-in packs declare (or take by rule) a unit of the vocabulary everywhere."""
    from engine.plugins.registry import discover

    for entry in discover():
        if entry.distribution != "jixiao":
            continue
        for t in entry.pack.roles:
            assert template_problems(t) == []
            assert {unit_of(i) for i in t.indicators} <= set(UNITS), t.role


def test_templates_pinned_before_units_keep_their_meaning():
    """ "%" is a rate, "次" a count; an empty unit of a numeric rule with max_value 1 is a
    rate; manual points and ratings take their rule's default."""
    assert unit_of(replace(CONVERSION, unit="%")) == "rate"
    assert unit_of(replace(CONVERSION, unit="")) == "rate"
    assert unit_of(replace(CONVERSION, unit="次")) == "count"
    assert unit_of(STAFF.indicators[0]) == "points"


@given(st.decimals(min_value=0, max_value=3, places=4))
def test_a_stored_rate_written_back_reads_the_same(value):
    """A completion of 1.5 is written back as "150%", never the bare 1.5 that would read
    as 1.5%; every stored rate reads back to itself."""
    typed = as_typed(COMPLETION, str(value))
    assert read_typed(COMPLETION, typed) == value


@pytest.mark.parametrize(
    ("typed", "stored"), [("150%", D("1.5")), ("0.5", D("0.5")), ("50", D("0.5"))]
)
def test_rate_readings(typed, stored):
    """A completion rate may exceed 100%; a bare number above 1 is a percentage."""
    assert read_typed(COMPLETION, typed) == stored


def test_a_negative_rate_where_the_pack_allows_it():
    """R&D cost reduction may be negative (costs went up): −5% is a value; a target is
    not (the plausible target of a rate is 0% to 100%)."""
    from rulepacks.rnd import RESEARCHER

    cost = RESEARCHER.indicator("cost_reduction")
    assert read_typed(cost, "-5%") == D("-0.05")
    with pytest.raises(UnitError) as err:
        read_typed(cost, "-5%", target=True)
    assert err.value.rule == "plausible"


FULL_WIDTH = str.maketrans("0123456789.%,", "０１２３４５６７８９．％，")


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.sampled_from(["", "%"]),
    st.booleans(),
)
def test_full_width_digits_point_and_percent_read_as_their_ascii_twins(value, percent, wide):
    """A number typed at full width by a Chinese input method ("８３．３％") is the same
    number as its ASCII spelling, for every unit reader and for `typed_number`; a
    half-and-half mix ("83.3％", "８") too: the reader normalises once, not per field."""
    from engine.scoring.numbers import to_decimal, typed_number
    from engine.scoring.units import READERS

    ascii_text = f"{format(value, 'f')}{percent}"
    typed = ascii_text.translate(FULL_WIDTH) if wide else ascii_text.replace(".", "．")
    assert READERS["rate"](typed) == READERS["rate"](ascii_text)
    assert typed_number(typed, True) == typed_number(ascii_text, True)
    if not percent:
        assert READERS["points"](typed) == READERS["points"](ascii_text)
        assert READERS["money"](f"￥{typed}") == to_decimal(ascii_text)


def test_full_width_rate_reads_for_an_indicator():
    """The HR metric field's own reading: "８３．３％" for a rate is 0.833, like "83.3%"."""
    assert read_typed(CONVERSION, "８３．３％") == D("0.833")
    assert read_typed(CONVERSION, "８３．３％") == read_typed(CONVERSION, "83.3%")
