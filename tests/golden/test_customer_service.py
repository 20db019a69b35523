"""customer_service: e-commerce, support and call agents and their supervisor (§4.2)."""

import pytest

from engine.scoring import ScoringInputError

from . import ind, run

ECOM_TARGETS = {
    "sales_completion": 1,
    "inquiry_conversion": 0.5,
    "payment_success": 0.95,
    "avg_order_value": 200,
}


def ecom(values, **kw):
    return run("customer_service", "ecommerce_agent", values=values, targets=ECOM_TARGETS, **kw)


def test_ecommerce_mixed_case_with_events_late_and_level():
    # sales 30×0.95 = 28.5; inquiry 30×0.45/0.5 = 27; payment 10×0.9/0.95 = 9.47368…;
    # aov 5×min(210/200, 1) = 5; reply 5×0.98 = 4.9; response inverse 5×30/40 = 3.75;
    # follow_up: supervisor's 4 stands (self 5 kept, not counted); execution 8.5
    # subtotal 91.123684…; 2× late_or_early −4 → 87.123684…; late self ×0.9 → 78.4113… → 78.41 c
    # level: min(previous 91, 78.41) → [70, 80) → junior
    """E-commerce agent: mixed indicators, events and a late self-review, computed by hand."""
    r = ecom(
        {
            "sales_completion": 0.95,
            "inquiry_conversion": 0.45,
            "payment_success": 0.9,
            "avg_order_value": 210,
            "reply_rate": 0.98,
            "response_time": 40,
            "follow_up": {"self": 5, "supervisor": 4},
            "execution": 8.5,
        },
        events={"late_or_early": 2},
        late_steps=["self"],
        history=[{"period": "2026-09", "total": "91.00"}],
        context={"base_performance_pay": "3000.00"},
    )
    assert ind(r, "payment_success") == "9.47"
    assert ind(r, "follow_up") == "4.00"
    assert r["subtotal"] == "91.12"
    assert r["adjustments"] == [
        {"code": "late_or_early", "kind": "points", "value": "-4.00"},
        {"code": "late:self", "kind": "factor", "value": "0.90"},
    ]
    assert (r["total"], r["grade"]) == ("78.41", "c")
    assert r["outcomes"]["agent_level"] == "junior"
    assert r["outcomes"]["performance_pay"] == "3000.00"


def test_ecommerce_caps_and_senior_level():
    # every ratio capped at its weight; response time 0 → the cap (5); 100 → a
    # previous 92 and this 100 both ≥ 90 → senior
    """E-commerce agent: ratio caps and the senior level from the history."""
    r = ecom(
        {
            "sales_completion": 1.3,
            "inquiry_conversion": 0.6,
            "payment_success": 1.0,
            "avg_order_value": 300,
            "reply_rate": 1.0,
            "response_time": 0,
            "follow_up": 5,
            "execution": 10,
        },
        history=[{"period": "2026-09", "total": "92"}],
    )
    assert ind(r, "sales_completion") == "30.00" and ind(r, "response_time") == "5.00"
    assert (r["total"], r["grade"], r["outcomes"]["agent_level"]) == ("100.00", "a", "senior")


def test_ecommerce_second_total_below_70_means_dismissal():
    # 15 + 15 (0.25/0.5) + 5 (0.475/0.95) + 2.5 (100/200) + 2.5 + 2.5 (30/60) + 2 + 5 = 49.5 → e
    """E-commerce agent: a second total below 70 sets the dismissal outcome."""
    r = ecom(
        {
            "sales_completion": 0.5,
            "inquiry_conversion": 0.25,
            "payment_success": 0.475,
            "avg_order_value": 100,
            "reply_rate": 0.5,
            "response_time": 60,
            "follow_up": 2,
            "execution": 5,
        },
        history=[{"period": "2026-09", "total": "65.00"}],
    )
    assert (r["total"], r["grade"]) == ("49.50", "e")
    o = r["outcomes"]
    assert (o["warning"], o["dismissal"], o["agent_level"]) == (True, True, None)


def test_ecommerce_self_score_alone_does_not_count():
    """E-commerce agent: the self-score is kept but only the supervisor's counts."""
    with pytest.raises(ScoringInputError) as err:
        ecom(
            {
                "sales_completion": 1,
                "inquiry_conversion": 0.5,
                "payment_success": 0.95,
                "avg_order_value": 200,
                "reply_rate": 1,
                "response_time": 30,
                "follow_up": {"self": 5},
                "execution": 10,
            }
        )
    assert err.value.field == "values.follow_up"


def support(**v):
    base = {
        "response_time": 30,
        "ticket_on_time": 0.98,
        "csat": 4.5,
        "first_contact_resolution": 0.90,
        "kb_contributions": 3,
        "training_pass_rate": 1.0,
    }
    return run("customer_service", "support_agent", values={**base, **v})


def test_support_all_targets_met():
    """Support agent: all targets met scores full marks."""
    r = support()
    assert (r["total"], r["grade"]) == ("100.00", "S")


def test_support_started_steps_count_whole():
    # response 36 s: 6/5 → 2 steps → 15−4 = 11; ticket 0.97: 1 step → 9 (float 0.97 is exact);
    # csat 4.3: 0.2/0.1 → 2 → 30−6 = 24; fcr 0.855: 4.5 → 5 steps → 20; kb 1: 2 steps → 10−6 = 4;
    # training 0.85: 1.5 → 2 steps → 10−4 = 6. Total 11+9+24+20+4+6 = 74 → B
    """Support agent: a started step of a step rule counts whole."""
    r = support(
        response_time=36,
        ticket_on_time=0.97,
        csat=4.3,
        first_contact_resolution=0.855,
        kb_contributions=1,
        training_pass_rate=0.85,
    )
    assert [i["score"] for i in r["indicators"]] == [
        "11.00",
        "9.00",
        "24.00",
        "20.00",
        "4.00",
        "6.00",
    ]
    assert (r["total"], r["grade"]) == ("74.00", "B")


def test_support_floors_and_boundary():
    # every step rule floors at 0; kb 0 → 10 − 3×3 = 1 → total 1 → C
    """Support agent: floors at zero and the grade at a band boundary."""
    r = support(
        response_time=200,
        ticket_on_time=0.5,
        csat=1,
        first_contact_resolution=0.5,
        kb_contributions=0,
        training_pass_rate=0,
    )
    assert (r["total"], r["grade"]) == ("1.00", "C")
    # response 31 → 1 step → 13; ticket 0.96 → 2 → 8; csat 4.3 → 24; rest full → 90 exactly → S
    r = support(response_time=31, ticket_on_time=0.96, csat=4.3)
    assert (r["total"], r["grade"]) == ("90.00", "S")
    assert r["outcomes"]["feedback_interview_within_working_days"] == 3


def test_support_csat_out_of_range_is_refused():
    """Support agent: a satisfaction rate above 1 is refused naming the indicator."""
    with pytest.raises(ScoringInputError) as err:
        support(csat=5.5)
    assert (err.value.field, err.value.rule) == ("values.csat", "range")


def call(**kw):
    return run("customer_service", "call_agent", values={}, **kw)


def test_call_agent_base_and_no_ceiling():
    """Call agent: the base score and no ceiling above target."""
    assert (call()["total"], call()["grade"]) == ("100.00", "a")
    # +3×2 service star +5 hazard = 111: no ceiling, stays 111 → a
    r = call(events={"service_star": 2, "hazard_reported": 1})
    assert (r["total"], r["grade"], r["outcomes"]["allowance_cut"]) == ("111.00", "a", "0.00")


def test_call_agent_allowance_cuts_and_incentive():
    # 100 −6 (2 complaints) −2 (forbidden language) −3 (contact rate < 70%) = 89 → b; < 90 → 5% cut
    # member development 115% → ≥ 110% → ¥120
    """Call agent: allowance cuts and the incentive outcome."""
    r = call(
        events={"caused_complaint": 2, "forbidden_language": 1, "contact_rate_low_3": 1},
        context={"member_development": 1.15},
    )
    assert (r["total"], r["grade"]) == ("89.00", "b")
    assert (r["outcomes"]["allowance_cut"], r["outcomes"]["incentive"]) == ("0.05", "120.00")
    # 100 − 15 (3 breaches) − 1 (non-standard) = 84 → < 85 → 10% cut; 150% → ¥200
    r = call(
        events={"confidentiality_breach": 3, "nonstandard_service": 1},
        context={"member_development": "1.5"},
    )
    assert (r["total"], r["outcomes"]["allowance_cut"], r["outcomes"]["incentive"]) == (
        "84.00",
        "0.10",
        "200.00",
    )


def test_call_agent_total_below_65_and_late_self():
    # 8 days absent: 100 − 40 = 60 → d; the quarter's bottom ranking is computed over the
    # call centre when the quarter is final (tests/golden/test_population_rules.py), not
    # set by HR on one appraisal: an old `quarter_bottom_ranked` in the context does nothing
    """Call agent: the total below 65; the bottom ranking is not the appraisal's own."""
    r = call(events={"absent_day": 8}, context={"quarter_bottom_ranked": True})
    assert (r["total"], r["grade"]) == ("60.00", "d")
    assert "to_be_dismissed_list" not in r["outcomes"]
    # late self: 95 × 0.9 = 85.5 → 5% cut
    assert call(events={"confidentiality_breach": 1}, late_steps=["self"])["total"] == "85.50"


SUP_TARGETS = {"key_tasks": 10, "adhoc_tasks": 5, "sales_linked": 1000000}


def sup(values, context=None, **kw):
    return run(
        "customer_service",
        "cs_supervisor",
        values=values,
        targets=SUP_TARGETS,
        context=context or {"team_totals": ["88.00", "92.50", "79.00"]},
        **kw,
    )


def test_cs_supervisor_team_dependent_indicator():
    # key 40×9/10 = 36; ad hoc 20×4/5 = 16; retention (100 − 40×1)/100 × 10 = 6;
    # sales linked min(1.2, 1) × 10 = 10; team: mean(88, 92.5, 79) = 86.5 − 10×1 = 76.5 → 7.65;
    # manager "adequate" 60/100 × 10 = 6. Total 81.65 → b
    """CS supervisor: team management is computed from the direct reports' totals."""
    r = sup(
        {
            "key_tasks": 9,
            "adhoc_tasks": 4,
            "team_retention": {"quit": 1, "dismissed": 0},
            "sales_linked": 1200000,
            "team_management": {"violations": 1},
            "manager_rating": "adequate",
        }
    )
    assert ind(r, "team_management") == "7.65" and ind(r, "team_retention") == "6.00"
    assert (r["total"], r["grade"]) == ("81.65", "b")


def test_cs_supervisor_floors():
    # key 0; ad hoc 20; retention 100−120 → 0; sales 5; team 80 − 90 → 0; insubordinate 0 → 25 → e
    """CS supervisor: indicator floors."""
    r = sup(
        {
            "key_tasks": 0,
            "adhoc_tasks": 5,
            "team_retention": {"quit": 3},
            "sales_linked": 500000,
            "team_management": {"violations": 9},
            "manager_rating": "insubordinate",
        },
        context={"team_totals": [80]},
    )
    assert (r["total"], r["grade"]) == ("25.00", "e")


def test_cs_supervisor_chinese_label_and_full_team():
    # 40 + 20 + 10 + 10 + 100/100×10 + 认真负责 80/100×10 = 98 → a
    """CS supervisor: a rating given by its Chinese label, and a full team."""
    r = sup(
        {
            "key_tasks": 10,
            "adhoc_tasks": 5,
            "team_retention": {},
            "sales_linked": 1000000,
            "team_management": {},
            "manager_rating": "认真负责",
        },
        context={"team_totals": ["100"]},
    )
    assert (r["total"], r["grade"]) == ("98.00", "a")


def test_cs_supervisor_needs_the_team_results():
    """CS supervisor: scoring without the team's results is refused naming `context.team_totals`."""
    with pytest.raises(ScoringInputError) as err:
        sup(
            {
                "key_tasks": 10,
                "adhoc_tasks": 5,
                "team_retention": {},
                "sales_linked": 1,
                "team_management": {},
                "manager_rating": "high",
            },
            context={"team_totals": []},
        )
    assert err.value.field == "context.team_totals"


def test_cs_supervisor_rates_without_targets_give_the_same_result():
    # key 40×0.9 = 36; ad hoc 20×0.8 = 16; the rest as in the team-dependent case → 81.65
    """CS supervisor: a completion rate without a target equals the count with its plan as the
    target."""
    r = run(
        "customer_service",
        "cs_supervisor",
        values={
            "key_tasks": 0.9,
            "adhoc_tasks": 0.8,
            "team_retention": {"quit": 1},
            "sales_linked": 1.2,
            "team_management": {"violations": 1},
            "manager_rating": "adequate",
        },
        context={"team_totals": ["88.00", "92.50", "79.00"]},
    )
    assert (r["total"], r["grade"]) == ("81.65", "b")


def test_ecommerce_agent_at_100_percent_conversion_scores_full_points():
    # Typed as HR types them, read by the unit: targets "40%" conversion, "90%" payment,
    # "150" yuan per order; the agent's month "100%" conversion, "92%" payment success,
    # "¥165" per order, "98%" replies, "30秒" to respond, sales at "100%" of plan.
    # sales 30 × 1/1 = 30; conversion 30 × min(1/0.40, 1) = 30 (full points);
    # payment 10 × min(0.92/0.90, 1) = 10; aov 5 × min(165/150, 1) = 5;
    # reply 5 × 0.98/1 = 4.9; response 5 × 30/30 = 5; follow_up 4; execution 9
    # → 97.9 → a (95–100)
    # The old demo's target of 500 (50000%) gave the same month 30 × 1/500 = 0.06.
    """An e-commerce agent converting every inquiry scores the conversion item in full."""
    from engine.plugins.registry import get_template
    from engine.scoring.units import typed_text

    t = get_template("customer_service", "ecommerce_agent")

    def read(code, typed, target=False):
        return typed_text(t.indicator(code), typed, target=target)

    targets = {
        "inquiry_conversion": read("inquiry_conversion", "40%", target=True),
        "payment_success": read("payment_success", "90%", target=True),
        "avg_order_value": read("avg_order_value", "150", target=True),
    }
    assert targets == {
        "inquiry_conversion": "0.4",
        "payment_success": "0.9",
        "avg_order_value": "150",
    }
    values = {
        "sales_completion": read("sales_completion", "100%"),
        "inquiry_conversion": read("inquiry_conversion", "100%"),
        "payment_success": read("payment_success", "92%"),
        "avg_order_value": read("avg_order_value", "¥165"),
        "reply_rate": read("reply_rate", "98%"),
        "response_time": read("response_time", "30秒"),
        "follow_up": {"supervisor": 4},
        "execution": 9,
    }
    r = run("customer_service", "ecommerce_agent", values=values, targets=targets)
    assert ind(r, "inquiry_conversion") == "30.00"
    assert [ind(r, c) for c in ("sales_completion", "payment_success", "avg_order_value")] == [
        "30.00",
        "10.00",
        "5.00",
    ]
    assert (ind(r, "reply_rate"), ind(r, "response_time")) == ("4.90", "5.00")
    assert (r["total"], r["grade"]) == ("97.90", "a")
    old = run(
        "customer_service",
        "ecommerce_agent",
        values=values,
        targets={**targets, "inquiry_conversion": "500"},
    )
    assert ind(old, "inquiry_conversion") == "0.06"
