"""Template validation lists every problem: weights, bands, codes, rule parameters,
chain steps, custom callables."""

from dataclasses import replace
from decimal import Decimal as D

from engine.scoring import ChainStep, Deadline, Grade, LatePenalty
from engine.scoring.pack import RulePack
from engine.scoring.validate import template_problems
from rulepacks.general import STAFF
from rulepacks.general.base import ind


def problems(**changes):
    return template_problems(replace(STAFF, **changes))


def test_the_built_in_template_is_clean():
    """The built-in templates pass every validation check."""
    assert template_problems(STAFF) == []


def test_weights_that_do_not_add_up():
    """Weights that do not add up to the total are a problem naming the role."""
    bad = (*STAFF.indicators[:3], ind("knowledge", "学识", "knowledge", 20, "manual"))
    assert any("add up to 95" in p for p in problems(indicators=bad))


def test_grade_gaps_overlaps_and_range():
    """Grade bands with gaps, overlaps or outside the range are problems."""
    g = list(STAFF.grades)
    gap = [replace(g[0], lower=D(96)), *g[1:]]
    assert any("gap between grades" in p for p in problems(grades=gap))
    overlap = [replace(g[1], upper=D(96)), g[0], *g[2:]]
    assert any("overlap" in p for p in problems(grades=overlap))
    short = [replace(g[0], upper=D(99)), *g[1:]]
    assert any("ceiling" in p for p in problems(grades=short))
    floor = [*g[:-1], Grade("e", "差", "poor", D(10), D(60))]
    assert any("floor" in p for p in problems(grades=floor))


def test_duplicate_and_malformed_codes():
    """Duplicate and malformed codes are problems."""
    dup = (*STAFF.indicators[:3], ind("attitude", "x", "x", 25, "manual"))
    assert any("duplicate indicator" in p for p in problems(indicators=dup))
    bad = (*STAFF.indicators[:3], ind("Know-ledge", "x", "x", 25, "manual"))
    assert any("malformed" in p for p in problems(indicators=bad))
    assert any("role code" in p for p in problems(role="Staff Role"))


def test_bad_rule_parameters():
    """Rule parameters of the wrong kind are problems naming the indicator."""
    bad = (*STAFF.indicators[:3], ind("knowledge", "x", "x", 25, "step", target=1, direction="up"))
    found = problems(indicators=bad)
    assert any("direction" in p for p in found)
    assert any("needs parameter step" in p for p in found)
    bad = (*STAFF.indicators[:3], ind("knowledge", "x", "x", 25, "ratio", target=0))
    assert any("target must be more than 0" in p for p in problems(indicators=bad))
    bad = (*STAFF.indicators[:3], ind("knowledge", "x", "x", 25, "bogus"))
    assert any("unknown rule" in p for p in problems(indicators=bad))


def test_unknown_chain_steps_and_penalties():
    """Unknown chain steps and penalties for steps not in the chain are problems."""
    chain = (*STAFF.chain, ChainStep("ceo", Deadline(1, 12)))
    assert any("unknown chain step 'ceo'" in p for p in problems(chain=chain))
    assert any("not in order" in p for p in problems(chain=tuple(reversed(STAFF.chain))))
    late = (LatePenalty("self", D("0.10"), "reviewer"),)
    assert any("only hit the employee" in p for p in problems(late_penalties=late))


def test_missing_custom_callables():
    """A custom rule or outcome without its callable is a problem."""
    bad = (
        *STAFF.indicators[:3],
        ind("knowledge", "x", "x", 25, "custom", function="nowhere.at_all:fn"),
    )
    assert any("cannot be found" in p for p in problems(indicators=bad))
    assert any("outcome function" in p for p in problems(outcomes="rulepacks.general.base:missing"))


def test_pack_level_problems():
    """A pack's name and version are checked."""
    pack = RulePack("general", "1.0", "", "General", (STAFF, STAFF))
    found = pack.problems()
    assert any("semantic version" in p for p in found)
    assert any("titles" in p for p in found)
    assert any("duplicate role" in p for p in found)


def test_template_round_trips_through_json_with_a_stable_fingerprint():
    """A template survives JSON with the same fingerprint (what activation pins)."""
    from engine.scoring import RoleTemplate
    from rulepacks.sales import REP

    again = RoleTemplate.from_dict(REP.to_dict())
    assert again.fingerprint() == REP.fingerprint()
    assert again.indicator("b_loyalty").levels() == REP.indicator("b_loyalty").levels()
