"""rnd: researchers, technicians and designers (§4.5): sections 70/15/15, the ability
normalisation (110 → 100) and the designer's level fractions."""

import pytest

from engine.scoring import ScoringInputError

from . import run, sec

ATT = ("responsibility", "initiative", "teamwork", "learning")
ABL_TECH = (
    "analysis",
    "judgement",
    "planning",
    "innovation",
    "learning_ability",
    "adaptability",
    "comprehension",
)
ABL_DESIGN = ("design", "innovation", "communication", "learning_ability", "comprehension")


def researcher_values(**over):
    v = {
        "dev_cycle_ahead": 15,
        "review_pass_rate": 1,
        "plan_completion": 1,
        "unproducible_results": 2,
        "cost_reduction": 0.08,
        "responsibility": "优",
        "initiative": "良",
        "teamwork": "excellent",
        "learning": "中",
        "analysis": "优",
        "judgement": "良",
        "planning": "中",
        "innovation": "优",
        "learning_ability": "良",
        "adaptability": "差",
        "comprehension": "优",
    }
    return {**v, **over}


def test_researcher_normalised_ability():
    # performance 30 + 25 + 20 + 15 (2 ≤ 2) + 10×0.08/0.10 = 8 → 98
    # attitude 30 + 20 + 25 + 12 = 87
    # ability 20 + 16 + 12 + 15 + 12 + 2 + 10 = 87 raw × 100/110 = 79.0909…
    # 98×0.70 + 87×0.15 + 79.0909…×0.15 = 68.6 + 13.05 + 11.8636… = 93.5136… → 93.51 excellent
    """Researcher: the ability section normalised to its weight."""
    r = run("rnd", "researcher", values=researcher_values(), targets={"cost_reduction": 0.10})
    assert (sec(r, "performance"), sec(r, "attitude"), sec(r, "ability")) == (
        "98.00",
        "87.00",
        "79.09",
    )
    assert (r["total"], r["grade"]) == ("93.51", "excellent")
    o = r["outcomes"]
    assert (o["advancement_training"], o["salary_grade_change"]) == ("eligible", 1)


def test_researcher_behind_plan_floors_and_grade_range():
    # dev −5 → floor 0; review 20; plan 10; 3 unproducible → 0; cost −0.02 → 0 → perf 30
    # attitude all 差 6+5+5+4 = 20; ability all 差 22 → ×100/110 = 20
    # 30×0.7 + 20×0.15 + 20×0.15 = 27 → improve; ≤ 60 → fitness training; < 60 → −1,
    # but grade 5 is the range's floor → stays 5
    """Researcher: behind plan floors at zero; grades cover the range."""
    v = researcher_values(
        dev_cycle_ahead=-5,
        review_pass_rate=0.8,
        plan_completion=0.5,
        unproducible_results=3,
        cost_reduction=-0.02,
        **dict.fromkeys(ATT + ABL_TECH, "差"),
    )
    r = run(
        "rnd",
        "researcher",
        values=v,
        targets={"cost_reduction": 0.10},
        context={"salary_grade": 5, "salary_grade_min": 5, "salary_grade_max": 9},
    )
    assert (r["total"], r["grade"]) == ("27.00", "improve")
    o = r["outcomes"]
    # < 60 → −1, but grade 5 is the bottom of the range 5..9: nothing is taken, so the
    # change granted is 0 and the grade stays 5 (a whole number, not "5.00")
    assert (o["fitness_training_required"], o["salary_grade_change"], o["new_salary_grade"]) == (
        True,
        0,
        5,
    )


def test_researcher_annual_total_from_the_years_sections():
    # Q1 and Q2 sections 100/100/100; Q4 (this) 98 / 87 / 79.0909…
    # perf (100+100+98)/3 = 99.333…×0.7 = 69.5333…; attitude (100+100+87)/3 = 95.666…×0.15 = 14.35;
    # ability (200 + 79.0909…)/3 = 93.0303…×0.15 = 13.9545…; annual = 97.8378… → 97.84 > 95 → +2;
    # grade 5 + 2 = 7, capped at the range's 6: the change granted is +1
    """Researcher: the annual total from the year's section history."""
    full = {"performance": 100, "attitude": 100, "ability": 100}
    r = run(
        "rnd",
        "researcher",
        values=researcher_values(),
        targets={"cost_reduction": 0.10},
        history=[
            {"period": "2026-Q1", "total": 100, "sections": full},
            {"period": "2026-Q2", "total": 100, "sections": full},
            {
                "period": "2025-Q4",
                "total": 10,
                "sections": {"performance": 0, "attitude": 0, "ability": 0},
            },
        ],
        context={"period": "2026-Q4", "salary_grade": 5, "salary_grade_max": 6},
    )
    o = r["outcomes"]
    assert (o["annual_total"], o["salary_grade_change"], o["new_salary_grade"]) == ("97.84", 1, 6)


def tech(**over):
    v = {
        "design_on_time": 0.85,
        "solution_adoption": 0.68,
        "retrofit_cost_control": 0.80,
        "service_satisfaction": 95,
        "archiving_on_time": 0.9,
        **dict.fromkeys(ATT + ABL_TECH, "良"),
    }
    return run("rnd", "technician", values={**v, **over})


def test_technician_meets():
    # perf 30 + 25×0.8 = 20 + 25 + 10 + 9 = 94; attitude 良 24+20+20+16 = 80;
    # ability 良 16×3 + 12×2 + 8×2 = 88 × 100/110 = 80 → 65.8 + 12 + 12 = 89.8 → meets
    """Technician: a meets case by hand."""
    r = tech()
    assert (r["total"], r["grade"]) == ("89.80", "meets")
    assert r["outcomes"]["advancement_training"] == "eligible"


def test_technician_boundary_90_is_excellent():
    # perf 30 + 25 + 25×0.8 + 10 + 5 = 90; attitude 优 100; ability 良 80
    # 63 + 15 + 12 = 90 → excellent (lower edge)
    """Technician: 90 is excellent (the band's lower bound is included)."""
    r = tech(
        solution_adoption=0.85,
        retrofit_cost_control=0.64,
        archiving_on_time=0.5,
        **dict.fromkeys(ATT, "优"),
    )
    assert (r["total"], r["grade"]) == ("90.00", "excellent")


def test_technician_caps_and_missing_value():
    # service 100 vs 95 → capped at 10; same as test_technician_meets otherwise
    """Technician: ratio caps, and a missing value refused naming it."""
    assert tech(service_satisfaction=100)["total"] == "89.80"
    with pytest.raises(ScoringInputError) as err:
        run("rnd", "technician", values={"design_on_time": 0.85})
    assert (err.value.field, err.value.rule) == ("values.solution_adoption", "required")


PERF_D = (
    "design_cycle_ahead",
    "review_satisfaction",
    "plan_completion",
    "producibility",
    "cost_reduction",
    "design_on_time",
    "solution_adoption",
    "retrofit_cost_control",
    "service_satisfaction",
    "archiving_on_time",
)
TARGETS_D = dict.fromkeys(PERF_D, 10)


def test_designer_level_fractions():
    # perf: every actual = target → 100; attitude 中 18+15+15+12 = 60;
    # ability 30×1.0 + 25×0.8 + 20×0.6 + 15×0.2 + 10×1.0 = 75
    # 70 + 9 + 11.25 = 90.25 → excellent
    """Designer: level fractions of the weight."""
    v = {
        **dict.fromkeys(PERF_D, 10),
        **dict.fromkeys(ATT, "中"),
        "design": "优",
        "innovation": "良",
        "communication": "中",
        "learning_ability": "差",
        "comprehension": "优",
    }
    r = run("rnd", "designer", values=v, targets=TARGETS_D)
    assert sec(r, "ability") == "75.00"
    assert (r["total"], r["grade"]) == ("90.25", "excellent")


def test_designer_half_way():
    # perf: the nine ratio items at half → 95 / 2 = 47.5; producibility 5 failures against an
    # allowance of 10 → full 5; 52.5 × 0.7 = 36.75; attitude 优 100 × 0.15 = 15;
    # ability 优 100 × 0.15 = 15 → 66.75 improve
    """Designer: a half-way case by hand."""
    v = {**dict.fromkeys(PERF_D, 5), **dict.fromkeys(ATT + ABL_DESIGN, "优")}
    r = run("rnd", "designer", values=v, targets=TARGETS_D)
    assert (r["total"], r["grade"]) == ("66.75", "improve")


def test_designer_producibility_counts_failures_fewer_is_better():
    # everything else at target (perf 95 of 95), attitude and ability 优 (15 + 15):
    # 0 failures, allowance 2 → producibility 5 → perf 100 × 0.7 = 70 → 100.00
    # 2 failures (= allowance) → still 5 → 100.00
    # 3 failures → 0 → perf 95 × 0.7 = 66.5 → 96.50 (more failures never score more)
    """Designer: producibility is a count of unproducible results, fewer is better."""
    base = {**dict.fromkeys(PERF_D, 10), **dict.fromkeys(ATT + ABL_DESIGN, "优")}
    targets = {**TARGETS_D, "producibility": 2}
    totals = [
        run("rnd", "designer", values={**base, "producibility": n}, targets=targets)["total"]
        for n in (0, 2, 3, 9)
    ]
    assert totals == ["100.00", "100.00", "96.50", "96.50"]
    with pytest.raises(ScoringInputError) as err:
        run("rnd", "designer", values={**base, "producibility": 1.5}, targets=targets)
    assert (err.value.field, err.value.rule) == ("values.producibility", "integer")


def test_designer_targets_are_set_per_cycle():
    """Designer: targets come from the cycle, not the pack."""
    v = {**dict.fromkeys(PERF_D, 5), **dict.fromkeys(ATT + ABL_DESIGN, "优")}
    with pytest.raises(ScoringInputError) as err:
        run("rnd", "designer", values=v)
    assert (err.value.field, err.value.rule) == ("targets.design_cycle_ahead", "required")
    with pytest.raises(ScoringInputError) as err:
        run("rnd", "designer", values=v, targets={**TARGETS_D, "cost_reduction": 0})
    assert (err.value.field, err.value.rule) == ("targets.cost_reduction", "min")
    # an allowance of 0 unproducible results is a valid target (it only compares)
    r = run("rnd", "designer", values=v, targets={**TARGETS_D, "producibility": 0})
    assert r["grade"] == "improve"
