"""The result page's subtotal is the sum of the scores it shows above it."""

from decimal import Decimal

from django.utils import translation

from engine.plugins.registry import discover
from workflows.people.explain import rounding_words, shown_subtotal


def _template(pack: str, role: str):
    return next(e.pack.role(role) for e in discover() if e.valid and e.pack.name == pack)


def test_subtotal_of_an_ecommerce_result_is_the_sum_of_its_shown_lines():
    """杨娟's September result of the demo: eight lines that show 85.78 in all over a
    stored (exact) subtotal of 85.76. The page shows 85.78 and a rounding line of −0.02
    instead of a subtotal the lines above it do not add up to."""
    t = _template("customer_service", "ecommerce_agent")
    scores = ["24.48", "29.03", "8.48", "3.68", "4.18", "4.63", "3.20", "8.10"]
    codes = [i.code for i in t.indicators]
    result = {
        "indicators": [{"code": c, "score": s} for c, s in zip(codes, scores, strict=False)],
        "sections": [],
        "subtotal": "85.76",
    }
    shown, _ = shown_subtotal(t, result)
    assert shown.subtotal == sum(Decimal(s) for s in scores) == Decimal("85.78")
    assert shown.rounding == Decimal("-0.02")
    with translation.override("zh-hans"):
        assert rounding_words(shown.rounding).startswith("尾差：−0.02")


def test_sections_add_up_to_the_shown_subtotal():
    """R&D: each section's points (its shown score × weight, rounded) add up to the
    shown subtotal; the stored exact subtotal differs by the rounding only."""
    t = _template("rnd", "researcher")
    lines = [
        {"code": i.code, "section": i.section, "score": str(i.weight * Decimal("0.8333"))}
        for i in t.indicators
    ]
    lines = [{**x, "score": str(Decimal(x["score"]).quantize(Decimal("0.01")))} for x in lines]
    sections = [{"code": s.code, "weight": str(s.weight)} for s in t.sections]
    shown, scores = shown_subtotal(
        t, {"indicators": lines, "sections": sections, "subtotal": "83.33"}
    )
    assert shown.subtotal == sum(shown.terms, Decimal(0))
    assert all(
        term == (scores[s.code] * s.weight).quantize(Decimal("0.01"))
        for term, s in zip(shown.terms, [s for s in t.sections if s.counts], strict=True)
    )
    assert shown.subtotal + shown.rounding == Decimal("83.33")
