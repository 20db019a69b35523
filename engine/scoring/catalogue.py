"""The catalogue of a pack: what HR reads before activating it and what the pages use
for labels. Every indicator has both names and a one-line description in both
languages; where a pack leaves the description empty, it is said from the rule, so
that a person always reads how the number is made.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import units
from .template import Indicator, RoleTemplate, _plain


def _n(value: Any) -> str:
    """A parameter as a person writes it: 0.85, 15, 1.5 (no trailing zeros)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d.normalize(), "f")
    return text


def _target(ind: Indicator) -> tuple[str, str]:
    t = ind.params.get("target")
    if t is None:
        return "按周期设定", "set per cycle"
    unit = units.unit_of(ind)
    text = units.shown(unit, Decimal(str(t))) if unit == "rate" else _n(t)  # 1 → 100%
    return text, text


def describe(ind: Indicator) -> tuple[str, str]:
    """(Chinese, English) one-line description of how the indicator scores."""
    if ind.description_zh and ind.description_en:
        return ind.description_zh, ind.description_en
    p, w = ind.params, _n(ind.weight)
    tz, te = _target(ind)
    at_most = p.get("direction") == "max"
    if ind.rule == "ratio":
        cap = _n(p.get("cap", 1))
        return (
            f"实际 ÷ 目标（{tz}）× {w} 分，最高按 {cap} 倍计，不低于 0",
            f"actual ÷ target ({te}) × {w} points, at most {cap}×, never below 0",
        )
    if ind.rule == "inverse_ratio":
        return (
            f"越低越好：目标（{tz}）÷ 实际 × {w} 分，实际为 0 时得满分",
            f"lower is better: target ({te}) ÷ actual × {w} points; 0 scores full marks",
        )
    if ind.rule == "reverse_ratio":
        return (
            f"越低越好：{w} ×（1 − 实际 ÷ 目标 {tz}），不低于 0",
            f"lower is better: {w} × (1 − actual ÷ target {te}), never below 0",
        )
    if ind.rule == "step":
        zh_dir, en_dir = ("不超过", "at most") if at_most else ("不低于", "at least")
        step, pts = _n(p.get("step", 1)), _n(p.get("points", 1))
        if units.unit_of(ind) == "rate":  # 0.01 of a rate is 1%
            step = units.shown("rate", Decimal(str(p.get("step", 1))))
        return (
            f"{zh_dir}目标 {tz} 得 {w} 分；每差 {step}（不足按一档计）扣 {pts} 分，不低于 0",
            f"{en_dir} the target {te} scores {w}; each started {step} short loses {pts}",
        )
    if ind.rule == "threshold":
        zh_dir, en_dir = ("不超过", "at most") if at_most else ("不低于", "at least")
        return (
            f"{zh_dir}目标 {tz} 得 {w} 分，否则 0 分",
            f"{en_dir} the target {te} scores {w}, otherwise 0",
        )
    if ind.rule == "rating":
        lv = ind.levels()
        zh = " / ".join(f"{x.label_zh} {_n(x.points)}" for x in lv)
        en = " / ".join(f"{x.code} {_n(x.points)}" for x in lv)
        out_of = p.get("out_of")
        if out_of is not None:
            return (
                f"评级，按满分 {w} 的比例计：{zh}",
                f"a rating, as a share of the {w} points: {en}",
            )
        return f"评级：{zh}", f"a rating: {en}"
    if ind.rule == "scale":
        n = int(p.get("n", 5))
        return (
            f"按 1–{n} 级评分，得分 = {w} × 级别 ÷ {n}",
            f"rated 1 to {n}; score = {w} × level ÷ {n}",
        )
    if ind.rule == "manual":
        return f"评分人直接给分，0–{w} 分", f"the rater gives 0 to {w} points"
    if ind.rule == "deduction":
        return (
            f"满分 {w}，每次扣分须写明依据，扣完为止",
            f"starts at {w}; each deduction needs a written reason; never below 0",
        )
    return ind.description_zh or "由规则包计算", ind.description_en or "computed by the pack"


def unit_of(ind: Indicator) -> str:
    """The language-neutral symbol shown after a number ("%" for a rate, else ""). The
    unit itself is `units.unit_of`; pages label the others in the reader's language."""
    return units.SYMBOLS.get(units.unit_of(ind), "")


def indicator_entry(ind: Indicator) -> dict[str, Any]:
    zh, en = describe(ind)
    return {
        "code": ind.code,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "description_zh": zh,
        "description_en": en,
        "unit": units.unit_of(ind),
        "weight": _plain(ind.weight),
        "rule": ind.rule,
        "params": _plain(ind.params),
        "section": ind.section,
        "sources": list(ind.sources),
        "optional": ind.optional,
    }


def role_entry(t: RoleTemplate) -> dict[str, Any]:
    return {
        "role": t.role,
        "name_zh": t.name_zh,
        "name_en": t.name_en,
        "period": t.period,
        "sections": _plain(t.sections),
        "indicators": [indicator_entry(i) for i in t.indicators],
        "grades": _plain(t.grades),
        "events": _plain(t.events),
        "chain": [c.code for c in t.chain],
        "deadlines": [
            {"step": c.code, "months_after": c.due.months_after, "day": c.due.day} for c in t.chain
        ],
        "late_penalties": _plain(t.late_penalties),
        "penalised_late_steps": [p.step for p in t.own_late_penalties()],
        "reviews": list(t.reviews),
        "appeal": _plain(t.appeal),
        "floor": _plain(t.floor),
        "ceiling": _plain(t.ceiling),
        "base": _plain(t.base),
        "falsification_factor": _plain(t.falsification_factor),
        "outcomes": t.outcomes,
    }
