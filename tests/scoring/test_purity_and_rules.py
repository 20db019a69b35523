"""The scoring core imports no Django, and each rule's edge cases."""

import subprocess
import sys
from decimal import Decimal

import pytest

from engine.scoring import Indicator, ScoringInputError
from engine.scoring.rules import parse_value, score_value


def test_scoring_core_imports_no_django():
    """The scoring core imports in a fresh interpreter with Django unimportable."""
    code = (
        "import sys, engine.scoring, engine.scoring.pack, engine.scoring.validate, engine.org.calendar;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def make(rule, weight=10, **params):
    return Indicator("x", "x", "x", Decimal(weight), rule, params)


def s(ind, value, target=None):
    v = parse_value(ind, value, "values.x")
    return score_value(
        ind, v, {"x": Decimal(str(target))} if target is not None else {}, {}, "values.x"
    )


def test_ratio_cap_and_floor():
    """Ratio rules cap at the weight and floor at zero."""
    assert s(make("ratio"), 2, 1) == 10
    assert s(make("ratio", cap="1.2"), 2, 1) == 12
    assert s(make("ratio", allow_negative=True), -3, 1) == 0


def test_inverse_and_reverse_ratio():
    """Inverse and reverse ratios score fewer-is-better values."""
    assert s(make("inverse_ratio", target=30), 0) == 10  # actual 0 gives the cap
    assert s(make("inverse_ratio", target=30), 60) == 5
    assert s(make("reverse_ratio", target="0.02"), "0.005") == Decimal("7.5")  # 10 × (1 − 0.25)
    assert s(make("reverse_ratio", target="0.02"), "0.05") == 0


def test_step_counts_a_started_step_whole_both_directions():
    """A step rule counts a started step whole, above and below target."""
    low = make("step", target="0.98", direction="min", step="0.01", points=1)
    assert s(low, 0.97) == 9 and s(low, 0.969) == 8 and s(low, 0.98) == 10
    high = make("step", weight=15, target=30, direction="max", step=5, points=2)
    assert s(high, 30) == 15 and s(high, 30.1) == 13 and s(high, 35) == 13 and s(high, 35.01) == 11


def test_threshold_and_scale():
    """Threshold and scale rules by hand."""
    t = make("threshold", weight=15, target=2, direction="max")
    assert (s(t, 2), s(t, 3)) == (15, 0)
    assert s(make("scale", weight=5, n=5), 3) == 3
    with pytest.raises(ScoringInputError) as err:
        s(make("scale", n=5), 6)
    assert err.value.rule == "range"
    with pytest.raises(ScoringInputError):
        s(make("scale", n=5), 2.5)


def test_wrong_types_and_negative_counts():
    """Wrong types and negative counts are refused naming the value."""
    for bad, rule in [("abc", "type"), (True, "type"), (-1, "min"), (None, "type"), ([1], "type")]:
        with pytest.raises(ScoringInputError) as err:
            s(make("ratio"), bad, 1)
        assert err.value.rule == rule, bad
    with pytest.raises(ScoringInputError) as err:
        s(make("ratio", integer=True), 2.5, 1)
    assert err.value.rule == "integer"


def test_rating_accepts_code_or_chinese_label_only():
    """A rating accepts its code or its Chinese label, nothing else."""
    from rulepacks.general.base import levels

    r = make("rating", weight=30, **levels(30, 24, 18, 6))
    assert s(r, "good") == 24 and s(r, "良") == 24 and s(r, " 优 ") == 30
    with pytest.raises(ScoringInputError) as err:
        s(r, "great")
    assert err.value.rule == "scale" and "优" in err.value.message
