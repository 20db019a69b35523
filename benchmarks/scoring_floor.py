"""The floor of scoring: one role of each pack computed by a hand-written function.

Each function below is the arithmetic of its role's template written out by hand with
`Decimal`, the constants copied from the template: no validation, no explanation lines,
no lookups, no outcomes. It is what a scoring costs when nothing but the sums are
done, so ``score()`` (which validates every input, explains every line and runs the
pack's outcome function) is measured against it. Each floor is checked to give the same
total and grade as ``score()`` on the benchmark's sample input before it is timed.
``score_reference()`` — the step-by-step path (parse_inputs, then score_parsed) that
``score()`` takes for what its compiled plan does not read, and that defines the result
— is timed beside them: the ratio it gives is the one before the compiled plans.

python benchmarks/scoring_floor.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")

D = Decimal
ZERO, ONE, HUNDRED = D(0), D(1), D(100)
TWO = D("0.01")
# The company-wide events (rulepacks/general) and the forklift pack's own.
EVENTS = {
    "commendation": D(3),
    "minor_merit": D(5),
    "major_merit": D(8),
    "warning": D(-3),
    "minor_demerit": D(-5),
    "major_demerit": D(-8),
    "late_or_early": D(-2),
    "absent_day": D(-5),
    "leave_short": D(-1),
    "leave_long": D(-3),
    "special_bonus": D(1),
    "near_miss_reported": D(2),
}
LATE = {"self": D("0.10"), "supervisor": D("0.15")}
COMPANY_GRADES = ((D(95), "a"), (D(80), "b"), (D(65), "c"), (D(60), "d"), (ZERO, "e"))


def _finish(subtotal: Decimal, raw: dict, grades, late=LATE) -> tuple[Decimal, str]:
    running = subtotal
    for code, n in raw["events"].items():
        running += EVENTS[code] * n
    running *= ONE - sum((late[s] for s in raw["late_steps"]), ZERO)
    total = min(max(running, ZERO), HUNDRED).quantize(TWO, rounding=ROUND_HALF_UP)
    return total, next(code for lower, code in grades if total >= lower)


def _ratio(value, target, weight) -> Decimal:
    return max(ZERO, weight * min(D(value) / D(target), ONE))


def ecommerce_agent(raw: dict) -> tuple[Decimal, str]:
    v, t = raw["values"], raw["targets"]
    rt = D(v["response_time"])
    s = (
        _ratio(v["sales_completion"], 1, 30)
        + _ratio(v["inquiry_conversion"], t["inquiry_conversion"], 30)
        + _ratio(v["payment_success"], t["payment_success"], 10)
        + _ratio(v["avg_order_value"], t["avg_order_value"], 5)
        + _ratio(v["reply_rate"], 1, 5)
        + (D(5) if rt == 0 else D(5) * min(D(30) / rt, ONE))
        + D(v["follow_up"])
        + D(v["execution"])
    )
    return _finish(s, raw, COMPANY_GRADES)


def accountant(raw: dict) -> tuple[Decimal, str]:
    s = ZERO
    for code, weight in (("duties", D(70)), ("integrity", D(30))):
        lost = sum((D(d["points"]) for d in raw["deductions"].get(code, ())), ZERO)
        s += max(ZERO, weight - lost)
    return _finish(s, raw, COMPANY_GRADES)


def staff(raw: dict) -> tuple[Decimal, str]:
    v = raw["values"]
    s = D(v["efficiency"]) + D(v["operation"]) + D(v["attitude"]) + D(v["knowledge"])
    return _finish(s, raw, COMPANY_GRADES)


RND_LEVELS = {  # weight → points of excellent / good / fair / poor
    30: (30, 24, 18, 6),
    25: (25, 20, 15, 5),
    20: (20, 16, 12, 4),
    15: (15, 12, 8, 3),
    10: (10, 8, 6, 2),
}
RND_ATTITUDE = (("responsibility", 30), ("initiative", 25), ("teamwork", 25), ("learning", 20))
RND_ABILITY = (
    ("analysis", 20),
    ("judgement", 20),
    ("planning", 20),
    ("innovation", 15),
    ("learning_ability", 15),
    ("adaptability", 10),
    ("comprehension", 10),
)
LEVEL_INDEX = {"excellent": 0, "good": 1, "fair": 2, "poor": 3}


def researcher(raw: dict) -> tuple[Decimal, str]:
    v, t = raw["values"], raw["targets"]
    performance = (
        _ratio(v["dev_cycle_ahead"], 15, 30)
        + _ratio(v["review_pass_rate"], 1, 25)
        + _ratio(v["plan_completion"], 1, 20)
        + (D(15) if D(v["unproducible_results"]) <= 2 else ZERO)
        + _ratio(v["cost_reduction"], t["cost_reduction"], 10)
    )
    attitude = sum(
        (D(RND_LEVELS[w][LEVEL_INDEX[v[c]]]) for c, w in RND_ATTITUDE), ZERO
    )  # rated out of its own weight: points × weight / weight
    ability = sum((D(RND_LEVELS[w][LEVEL_INDEX[v[c]]]) for c, w in RND_ABILITY), ZERO)
    ability = ability * HUNDRED / D(110)  # the ability section is scaled 110 → 100
    s = performance * D("0.70") + attitude * D("0.15") + ability * D("0.15")
    return _finish(s, raw, ((D(90), "excellent"), (D(70), "meets"), (ZERO, "improve")))


def sales_rep(raw: dict) -> tuple[Decimal, str]:
    v, t = raw["values"], raw["targets"]
    s = (
        _ratio(v["orders"], t["orders"], 10)
        + max(ZERO, D(45) * min(D(v["net_revenue"]) / D(t["net_revenue"]), ONE))
        + _ratio(v["collection"], t["collection"], 10)
    )
    for code, weight in (
        ("new_customers", 5),
        ("customer_satisfaction", 10),
        ("customer_churn", 5),
        ("information", 5),
        ("teamwork", 5),
        ("discipline", 5),
    ):
        s += D(weight) * D(v[code]) / 5
    grades = ((D(91), "excellent"), (D(81), "good"), (D(71), "fair"), (D(61), "basic"))
    return _finish(s, raw, (*grades, (ZERO, "poor")))


def forklift_operator(raw: dict) -> tuple[Decimal, str]:
    v = raw["values"]
    s = (
        (D(40) if D(v["incidents"]) <= 0 else ZERO)
        + _ratio(v["inspections"], 22, 30)
        + D(30) * D(v["housekeeping"]) / 5
    )
    grades = ((D(85), "safe"), (D(60), "watch"), (ZERO, "retrain"))
    return _finish(s, raw, grades, late={"self": D("0.05")})


FLOORS = {
    "customer_service": ecommerce_agent,
    "finance_warehouse": accountant,
    "general": staff,
    "rnd": researcher,
    "sales": sales_rep,
    "warehouse_safety": forklift_operator,
}


def rates(fns: list, seconds: float, rounds: int = 20) -> list[float]:
    """Calls per second of this process's CPU time for each (function, args), measured
    in turns (`rounds` slices each, the best slice of each kept), so that other work on
    the machine weighs on all of them alike and least."""
    best = [0.0] * len(fns)
    for _ in range(rounds):
        for i, (fn, arg) in enumerate(fns):
            n, start = 0, time.process_time()
            while (elapsed := time.process_time() - start) < seconds / rounds:
                for _ in range(100):
                    fn(*arg)
                n += 100
            best[i] = max(best[i], n / elapsed)
    return best


def main() -> None:
    from scoring import sample_inputs

    from engine.plugins.registry import discover
    from engine.scoring import score
    from engine.scoring.scorer import score_reference

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()
    print(
        f"{'pack':<18}{'role':<19}{'reference/s':>12}{'score()/s':>11}{'floor/s':>11}"
        f"{'ratio ref':>10}{'ratio':>7}"
    )
    for entry in discover():
        floor = FLOORS.get(entry.name)
        if not entry.valid or floor is None:
            continue
        t = next(t for t in entry.pack.roles if t.role == floor.__name__)
        raw = sample_inputs(t)
        result = score(t, raw)
        if floor(raw) != (result.total, result.grade):
            sys.exit(f"{entry.name}: the floor gives {floor(raw)}, score() {result.total}")
        if score_reference(t, raw) != result:
            sys.exit(f"{entry.name}: score() and the reference path differ")
        ref, ours, hand = rates(
            [(score_reference, (t, raw)), (score, (t, raw)), (floor, (raw,))], args.seconds
        )
        print(
            f"{entry.name:<18}{t.role:<19}{ref:>12,.0f}{ours:>11,.0f}{hand:>11,.0f}"
            f"{hand / ref:>10.2f}{hand / ours:>7.2f}"
        )


if __name__ == "__main__":
    main()
