"""360° feedback's aggregation (engine/scoring/feedback.py), golden: the mean and the
trimmed mean per group, groups below their fewest answers left out with the others'
weights scaled to add up to 1, each line explaining itself; and the pack checks."""

from decimal import Decimal as D

from engine.plugins.registry import feedback_rules, get_template
from engine.scoring.feedback import MEAN, TRIMMED_MEAN, FeedbackRule, RaterGroup, aggregate

GROUPS = (
    RaterGroup("peer", "0.5", min_count=3),
    RaterGroup("partner", "0.3", min_count=2),
    RaterGroup("supervisor", "0.2", min_count=1, anonymous=False),
)


def test_mean_of_every_group_weighted():
    """Peers 4, 5, 3, 4 → 16 / 4 = 4.00; partners 3, 4 → 3.50; supervisor 5 → 5.00.
    0.5 × 4.00 + 0.3 × 3.50 + 0.2 × 5.00 = 2.00 + 1.05 + 1.00 = 4.05."""
    rule = FeedbackRule("support_agent", "collaboration", GROUPS, aggregation=MEAN)
    agg = aggregate(
        rule, {"peer": [D(4), D(5), D(3), D(4)], "partner": [D(3), D(4)], "supervisor": [D(5)]}
    )
    assert [(line.group, line.n, line.value, line.share) for line in agg.lines] == [
        ("peer", 4, D("4.00"), D("0.5000")),
        ("partner", 2, D("3.50"), D("0.3000")),
        ("supervisor", 1, D("5.00"), D("0.2000")),
    ]
    assert agg.value == D("4.05")


def test_trimmed_mean_drops_the_highest_and_the_lowest():
    """Peers 1, 3, 4, 4, 5: trimmed → 3, 4, 4 → 11 / 3 = 3.666… → 3.67; partners 2, 5
    are two answers, fewer than 2 × trim + 2: their plain mean 3.50; supervisor 4.
    0.5 × 3.67 + 0.3 × 3.50 + 0.2 × 4.00 = 1.835 + 1.05 + 0.80 = 3.685 → 3.69."""
    rule = FeedbackRule("support_agent", "collaboration", GROUPS, aggregation=TRIMMED_MEAN)
    agg = aggregate(
        rule,
        {"peer": [D(5), D(1), D(4), D(3), D(4)], "partner": [D(2), D(5)], "supervisor": [D(4)]},
    )
    peer, partner, _sup = agg.lines
    assert (peer.rule, peer.kept, peer.value) == (TRIMMED_MEAN, (D(3), D(4), D(4)), D("3.67"))
    assert (partner.rule, partner.value) == (MEAN, D("3.50"))
    assert agg.value == D("3.69")


def test_three_answers_are_not_trimmed_down_to_one_raters_score():
    """Peers 1, 4, 5: trimming would keep 4 alone, one rater's own score, which the
    employee sees from three answers; so three are averaged: 10 / 3 = 3.333… → 3.33.
    Four answers 1, 4, 4, 5 are trimmed: 4, 4 → 4.00."""
    rule = FeedbackRule("support_agent", "collaboration", GROUPS[:1], aggregation=TRIMMED_MEAN)
    three = aggregate(rule, {"peer": [D(1), D(4), D(5)]}).lines[0]
    assert (three.rule, three.value) == (MEAN, D("3.33"))
    four = aggregate(rule, {"peer": [D(1), D(4), D(4), D(5)]}).lines[0]
    assert (four.rule, four.kept, four.value) == (TRIMMED_MEAN, (D(4), D(4)), D("4.00"))


def test_a_group_below_its_minimum_is_left_out_and_the_weights_rescaled():
    """Peers 4, 4 are two of the three needed: left out. Partners 3, 5 → 4.00 and the
    supervisor 5 count: shares 0.3 / 0.5 = 0.6 and 0.2 / 0.5 = 0.4;
    0.6 × 4.00 + 0.4 × 5.00 = 2.40 + 2.00 = 4.40. Nothing at all: no value."""
    rule = FeedbackRule("support_agent", "collaboration", GROUPS)
    agg = aggregate(rule, {"peer": [D(4), D(4)], "partner": [D(3), D(5)], "supervisor": [D(5)]})
    peer = agg.lines[0]
    assert (peer.counts, peer.share) == (False, D(0))
    assert [line.share for line in agg.lines[1:]] == [D("0.6000"), D("0.4000")]
    assert agg.value == D("4.40")
    assert aggregate(rule, {}).value is None


def test_the_customer_service_pack_declares_it_and_bad_rules_are_named():
    """The pack asks 360° feedback for the support agent's collaboration (1–5); a rule
    naming a missing indicator, an unknown group or weights not adding up to 1 is a
    problem naming it."""
    (rule,) = feedback_rules("customer_service")
    assert (rule.role, rule.indicator, rule.aggregation) == (
        "support_agent",
        "collaboration",
        TRIMMED_MEAN,
    )
    t = get_template("customer_service", "support_agent")
    bad = FeedbackRule("support_agent", "nope", (RaterGroup("friends", "0.5"),))
    problems = bad.problems(t)
    assert any("no indicator 'nope'" in p for p in problems)
    assert any("'friends'" in p for p in problems)
    assert any("add up to 1" in p for p in problems)
