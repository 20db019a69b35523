"""The lookups a template keeps for scoring (`RoleTemplate.index`) are its own: a
template built from another's data with one change scores with the change, equality and
JSON ignore the kept lookups, and a lookup answers what a search of the fields would."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

from engine.scoring import RoleTemplate, score

ROLE = {
    "pack": "t",
    "version": "1",
    "role": "r",
    "name_zh": "角色",
    "name_en": "Role",
    "period": "month",
    "indicators": [
        {
            "code": "sales",
            "name_zh": "销售",
            "name_en": "Sales",
            "weight": 60,
            "rule": "ratio",
            "params": {"target": 100},
        },
        {"code": "care", "name_zh": "服务", "name_en": "Care", "weight": 40, "rule": "manual"},
    ],
    "grades": [
        {"code": "a", "name_zh": "优", "name_en": "A", "lower": 90, "upper": None},
        {"code": "b", "name_zh": "良", "name_en": "B", "lower": 0, "upper": 90},
    ],
}


def test_a_changed_copy_scores_with_its_own_target():
    """Two templates differing in one target each score with their own (the kept lookups are per template)."""
    first = RoleTemplate.from_dict(ROLE)
    # 60 × min(50 / 100, 1) + 30 = 60.00
    assert score(first, {"values": {"sales": 50, "care": 30}}).total == Decimal("60.00")
    data = copy.deepcopy(ROLE)
    data["indicators"][0]["params"]["target"] = 50
    second = RoleTemplate.from_dict(data)
    # 60 × min(50 / 50, 1) + 30 = 90.00, grade a (90 is the lower bound of a)
    result = score(second, {"values": {"sales": 50, "care": 30}})
    assert (result.total, result.grade) == (Decimal("90.00"), "a")
    # and the first still scores with its own
    assert score(first, {"values": {"sales": 50, "care": 30}}).total == Decimal("60.00")


def test_kept_lookups_are_not_part_of_the_template():
    """The kept lookups change neither the template's JSON, its equality, its fingerprint nor its pickled form."""
    t = RoleTemplate.from_dict(ROLE)
    before = t.to_dict()
    score(t, {"values": {"sales": 50, "care": 30}})  # builds the lookups
    assert t.to_dict() == before
    assert t == RoleTemplate.from_dict(ROLE)
    assert t.fingerprint() == RoleTemplate.from_dict(ROLE).fingerprint()
    again = pickle.loads(pickle.dumps(t))  # noqa: S301 (our own bytes, as a cache keeps them)
    assert score(again, {"values": {"sales": 50, "care": 30}}).total == Decimal("60.00")


def test_lookups_answer_as_the_fields_do():
    """Lookups by code give the first match as a search of the fields would; grades ordered by lower bound."""
    t = RoleTemplate.from_dict(ROLE)
    assert t.indicator("care") is t.indicators[1]
    assert t.indicator("nope") is None
    assert t.section(None) is None
    assert [g.code for g in t.index().grades] == ["b", "a"]  # ordered by lower bound
    assert t.grade_for(Decimal("100")).code == "a"
    assert t.grade_for(Decimal("89.99")).code == "b"
