"""The compiled plan per template (engine/scoring/plan.py) scores exactly as the
reference path (`score_reference`: parse_inputs then score_parsed): the same total,
grade, every line, section, adjustment and outcome, to the Decimal's last digit, on
generated inputs for every role of every pack; and an input it does not read goes to
the reference path, which scores it or refuses it with the same words."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.plugins.registry import discover
from engine.scoring import RoleTemplate, ScoringInputError, score
from engine.scoring.plan import plan_for
from engine.scoring.scorer import score_reference
from engine.scoring.validate import template_problems

from .test_properties import case

TEMPLATES = [t for e in discover() if e.valid for t in e.pack.roles]
IDS = [f"{t.pack}.{t.role}" for t in TEMPLATES]

# Values a person may type that the compiled readers leave to the reference path, and
# values every reader refuses.
ODD = st.sampled_from(
    [
        "abc",
        "",
        " ",
        "3,5",
        "1,000",
        "８３",
        "８３．５",
        "1e20",
        "NaN",
        "-Infinity",
        "-1",
        "0.5",
        "12.5%",
        " 4 ",
        3.5,
        4.0,
        -2,
        0,
        7,
        True,
        None,
        [],
        {},
        {"self": 3},
        {"nobody": 3},
        Decimal("2.50"),
        " good ",
        "good",
        "excellent",
        "优秀",
    ]
)


def same(t: RoleTemplate, raw: dict) -> None:
    """`score` (the compiled plan, or the reference path for what it does not read)
    answers as the reference path does: the same result to the last digit, or the same
    refusal."""
    try:
        expected = score_reference(t, raw)
    except Exception as exc:  # compared below
        with pytest.raises(type(exc)) as got:
            score(t, raw)
        assert got.value.args == exc.args
        if isinstance(exc, ScoringInputError):
            assert (got.value.field, got.value.rule, got.value.params) == (
                exc.field,
                exc.rule,
                exc.params,
            )
        return
    result = score(t, raw)
    assert result == expected
    assert repr(result) == repr(expected)  # every Decimal with the same digits and exponent
    assert result.explain() == expected.explain()


@st.composite
def per_rater(draw, t: RoleTemplate, raw: dict) -> dict:
    """Some values entered per rater, as the workflow passes indicators several raters
    may score (engine/appraisals/entries.py, scoring_values)."""
    values = dict(raw["values"])
    for code, v in raw["values"].items():
        ind = t.indicator(code)
        sec = t.section(ind.section)
        raters = tuple(sec.rater_weights) if sec and sec.rater_weights else ind.sources
        if ind.rule != "custom" and len(raters) > 1 and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(raters), min_size=1, unique=True))
            values[code] = {r: v for r in chosen}
    return {**raw, "values": values}


@st.composite
def varied(draw, t: RoleTemplate) -> dict:
    """A valid input with the forms the workflow and the CLI pass: late steps as
    {step, rate}, a calibrated grade, history with sections, values per rater."""
    raw = draw(case(t))
    if draw(st.booleans()):
        raw["late_steps"] = [
            {"step": s, "rate": str(draw(st.sampled_from(["0.05", "0.1", "0.15"])))}
            for s in draw(st.lists(st.sampled_from(["self", "supervisor"]), unique=True))
        ]
    if draw(st.booleans()):
        raw["calibrated_grade"] = draw(st.sampled_from([g.code for g in t.grades]))
    if draw(st.booleans()):
        raw["history"] = [
            {"period": "2026-08", "total": "81.5", "grade": t.grades[0].code},
            {"period": "2026-03", "total": 70, "sections": {s.code: "70" for s in t.sections}},
        ]
    if t.sections and draw(st.booleans()):
        raw = draw(per_rater(t, raw))
    return raw


@st.composite
def spoiled(draw, t: RoleTemplate) -> dict:
    """A valid input with one part changed to something odd, valid or not."""
    raw = draw(varied(t))
    where = draw(st.sampled_from(["value", "target", "top", "drop", "deduction", "events"]))
    if where == "value" and raw["values"]:
        code = draw(st.sampled_from(sorted(raw["values"])))
        raw["values"] = {**raw["values"], code: draw(ODD)}
    elif where == "target" and raw["targets"]:
        code = draw(st.sampled_from(sorted(raw["targets"])))
        raw["targets"] = {**raw["targets"], code: draw(ODD)}
    elif where == "top":
        raw[draw(st.sampled_from(["nope", "falsified", "context", "history", "late_steps"]))] = (
            draw(ODD)
        )
    elif where == "drop" and raw["values"]:
        code = draw(st.sampled_from(sorted(raw["values"])))
        raw["values"] = {k: v for k, v in raw["values"].items() if k != code}
    elif where == "deduction" and raw["deductions"]:
        code = draw(st.sampled_from(sorted(raw["deductions"])))
        raw["deductions"] = {**raw["deductions"], code: [{"points": draw(ODD), "reason": "r"}]}
    elif where == "events":
        raw["events"] = {draw(st.sampled_from(["nope", *(e.code for e in t.events)])): draw(ODD)}
    return raw


@pytest.mark.parametrize("t", TEMPLATES, ids=IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_compiled_plan_scores_as_the_reference_path(t, data):
    """On any valid input of any role, the compiled plan itself (no reference path)
    gives the reference path's total, grade, lines, sections, adjustments and outcomes,
    digit for digit."""
    raw = data.draw(varied(t))
    expected = score_reference(t, raw)
    result = plan_for(t).run(raw)
    assert result == expected
    assert repr(result) == repr(expected)
    assert result.explain() == expected.explain()


@pytest.mark.parametrize("t", TEMPLATES, ids=IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_odd_and_invalid_inputs_answer_as_the_reference_path(t, data):
    """An input with one odd part (a full-width number, a decimal comma, a float, an
    unknown key, a missing value, a bad rater) is scored or refused by `score` exactly
    as the reference path scores or refuses it: same result, or same error, field and
    rule."""
    same(t, data.draw(spoiled(t)))


@pytest.mark.parametrize("t", TEMPLATES, ids=IDS)
def test_the_plan_reads_the_common_input_itself(t):
    """The benchmark's input of every role is read by the compiled plan, not handed to
    the reference path: the plan is what runs on the hot path."""
    from benchmarks.scoring import sample_inputs

    raw = sample_inputs(t)
    assert plan_for(t).run(raw) == score_reference(t, raw)


def test_a_pickled_template_scores_with_a_plan_of_its_own():
    """A template pickled after scoring (a cache keeps them) leaves its compiled plan
    behind and builds its own on first use, scoring the same."""
    t = TEMPLATES[0]
    from benchmarks.scoring import sample_inputs

    raw = sample_inputs(t)
    before = score(t, raw)
    again = pickle.loads(pickle.dumps(t))  # noqa: S301 (our own bytes)
    assert plan_for(again) is not plan_for(t)
    assert score(again, raw) == before


def _ind(code, weight, rule, section="main", **params):
    return {
        "code": code,
        "name_zh": code,
        "name_en": code,
        "weight": weight,
        "rule": rule,
        "params": params,
        "section": section,
        **(
            {"unit": "count"}
            if rule in {"ratio", "inverse_ratio", "reverse_ratio", "step", "threshold"}
            else {}
        ),
        **({"sources": ["self", "supervisor"]} if section == "rated" else {}),
    }


LEVELS = [
    {"code": "top", "label_zh": "优", "points": 10},
    {"code": "mid", "label_zh": "中", "points": "6.5"},
    {"code": "low", "label_zh": "差", "points": 0},
]
# Every rule and bound the generated loop writes out, and some it leaves to the
# general path; weights add up to 100 over two sections.
EVERY_RULE = RoleTemplate.from_dict(
    {
        "pack": "t",
        "version": "1",
        "role": "every_rule",
        "name_zh": "全部规则",
        "name_en": "Every rule",
        "period": "month",
        "sections": [
            {"code": "main", "name_zh": "主", "name_en": "main"},
            {
                "code": "rated",
                "name_zh": "评",
                "name_en": "rated",
                "rater_weights": {"self": "0.2", "supervisor": "0.8"},
            },
        ],
        "indicators": [
            _ind("ratio_cycle", 10, "ratio", cap="1.2"),
            _ind(
                "ratio_bounded",
                5,
                "ratio",
                target=4,
                min_value=-20,
                max_value=50,
                allow_negative=True,
            ),
            _ind("inverse", 10, "inverse_ratio", target=6, cap="1.5"),
            _ind("reverse", 5, "reverse_ratio", target=10),
            _ind("at_least", 10, "threshold", target=5),
            _ind("at_most", 5, "threshold", target=3, direction="max"),
            _ind("steps_up", 10, "step", target=10, step=2, points=3),
            _ind("steps_down", 5, "step", target=4, step="1.5", points=2, direction="max"),
            _ind("whole", 5, "ratio", target=7, integer=True),
            _ind("level", 10, "rating", levels=LEVELS, out_of=10),
            _ind("points", 5, "scale", n=10),
            _ind("by_hand", 10, "manual", section="rated"),
            _ind("rated_level", 10, "rating", section="rated", levels=LEVELS, out_of=10),
        ],
        "grades": [
            {"code": "a", "name_zh": "优", "name_en": "A", "lower": 80, "upper": 100},
            {"code": "b", "name_zh": "良", "name_en": "B", "lower": 0, "upper": 80},
        ],
        "chain": [{"code": "self", "due": {"months_after": 0, "day": 28}}],
        "late_penalties": [{"step": "self", "rate": "0.1", "hits": "employee"}],
    }
)
VALID = st.one_of(
    st.integers(0, 12),
    st.integers(0, 12).map(str),
    st.decimals(min_value=0, max_value=12, places=1).map(str),
)
SMALL = st.one_of(
    VALID, st.sampled_from(["-3", "-20", "50", "50.5", "1e2", " 4 ", "NaN", "Infinity"])
)
NUMBERS = (
    "ratio_cycle",
    "ratio_bounded",
    "inverse",
    "reverse",
    "at_least",
    "at_most",
    "steps_up",
    "steps_down",
    "whole",
)


@st.composite
def every_rule_input(draw, odd: bool) -> dict:
    """Values at and around targets and bounds; with `odd`, forms and values the
    reference path alone reads or refuses."""
    levels = st.sampled_from(["top", "mid", "low", "优", "中", *([" top", "none"] if odd else [])])
    values = {code: draw(SMALL if odd else VALID) for code in NUMBERS}
    if not odd:
        values["whole"] = draw(st.integers(0, 12))
    values["level"] = draw(levels)
    values["points"] = draw(
        st.one_of(st.integers(0, 11), st.sampled_from(["3", "4.0", True]))
        if odd
        else st.integers(1, 10)
    )
    manual = st.decimals(min_value=0, max_value=11 if odd else 10, places=2).map(str)
    raters = [["self", "supervisor"], ["supervisor"]] if odd else [["self", "supervisor"]]
    values["by_hand"] = {r: draw(manual) for r in draw(st.sampled_from(raters))}
    values["rated_level"] = draw(
        st.one_of(levels, st.fixed_dictionaries({"self": levels, "supervisor": levels}))
    )
    targets = {
        "ratio_cycle": draw(
            st.one_of(st.integers(1, 12), st.sampled_from(["0", "2.5"] if odd else ["2.5"]))
        )
    }
    if draw(st.booleans()):
        targets["at_least"] = draw(st.integers(0, 12))
    return {
        "values": values,
        "targets": targets,
        "late_steps": draw(st.sampled_from([[], ["self"]])),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=every_rule_input(odd=False))
def test_every_rule_the_plan_writes_out_scores_as_the_reference_path(raw):
    """A template with every rule, direction and bound the generated loop writes out
    (and some it leaves to its general path), on valid values at and around their
    targets and bounds: the plan itself gives the reference path's result, digit for
    digit."""
    assert template_problems(EVERY_RULE) == []
    expected = score_reference(EVERY_RULE, raw)
    result = plan_for(EVERY_RULE).run(raw)
    assert result == expected
    assert repr(result) == repr(expected)
    assert result.explain() == expected.explain()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=every_rule_input(odd=True))
def test_every_rule_with_odd_values_answers_as_the_reference_path(raw):
    """The same template with odd and invalid values (a NaN, an infinity, a number
    beyond a bound, " top", a missing rater, a zero target): the same result or
    refusal as the reference path."""
    same(EVERY_RULE, raw)
