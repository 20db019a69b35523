"""A pack's committee reviews are checked at discovery: the general pack's manager
declaration is valid; a declaration naming a role the pack lacks, an indicator that is
not the committee's 100-point manual item, a weight other than its section's, or a
cycle kind the role is not appraised in makes the pack invalid, each said in words."""

from dataclasses import replace
from decimal import Decimal

from engine.plugins import registry
from engine.plugins.registry import committee_problems as problems_of
from engine.scoring.committee import MEAN, TRIMMED_MEAN, CommitteeReview
from rulepacks.general import PACK
from rulepacks.general.committee import COMMITTEE


def test_the_general_packs_manager_review_is_declared_and_valid():
    """general.manager: half-year, trimmed mean, quorum 3, committee 50%."""
    review, office = registry.committee_reviews("general")
    assert office.applies("office_manager", "quarter") and not office.applies("manager", "quarter")
    assert review.applies("manager", "half") and not review.applies("staff", "half")
    assert (review.rule, review.quorum, review.weight) == (TRIMMED_MEAN, 3, Decimal("0.50"))
    assert problems_of(review, PACK) == []
    assert registry.committee_reviews("sales") == ()


def test_a_bad_declaration_is_refused_with_reasons():
    """Each mistake is named: unknown role, wrong indicator, wrong weight, wrong kind,
    a trimmed mean with a quorum under three, an unknown rule."""
    assert any(
        "no role 'boss'" in p for p in problems_of(replace(COMMITTEE, roles=("boss",)), PACK)
    )
    wrong = replace(COMMITTEE, indicator="superior_assessment")
    assert any("only source is committee" in p for p in problems_of(wrong, PACK))
    assert any("no indicator" in p for p in problems_of(replace(COMMITTEE, indicator="x"), PACK))
    heavy = replace(COMMITTEE, weight=Decimal("0.70"))
    assert any("section weight must be 0.70" in p for p in problems_of(heavy, PACK))
    assert any("per half" in p for p in problems_of(replace(COMMITTEE, kinds=("month",)), PACK))
    assert any("quorum" in p for p in replace(COMMITTEE, quorum=2).problems())
    assert replace(COMMITTEE, rule=MEAN, quorum=2).problems() == []
    assert any(
        "rule" in p for p in CommitteeReview(("manager",), ("half",), "x", "median").problems()
    )
