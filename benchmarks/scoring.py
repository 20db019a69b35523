"""Scorings per second for each built-in pack (pure scoring core, no database).

python benchmarks/scoring.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")

from engine.plugins.registry import discover
from engine.scoring import score


def sample_inputs(t) -> dict:
    """A complete, valid input for any role: every value at a middling level."""
    values, targets, deductions = {}, {}, {}
    for i in t.indicators:
        sec = t.section(i.section)
        if i.optional or (sec and sec.optional):
            continue
        if i.rule == "deduction":
            deductions[i.code] = [{"points": 3, "reason": "benchmark"}]
        elif i.rule == "rating":
            values[i.code] = i.levels()[1].code
        elif i.rule == "scale":
            values[i.code] = 4
        elif i.rule == "manual":
            values[i.code] = str(i.weight * 8 / 10)
        elif i.rule == "custom":
            values[i.code] = (
                {"violations": 1} if "management" in i.params["function"] else {"quit": 1}
            )
        else:
            lo = i.params.get("min_value", 0)
            values[i.code] = 1 if i.params.get("integer") else str(max(float(lo), 0.75))
            numeric = {"ratio", "inverse_ratio", "reverse_ratio", "step", "threshold"}
            if i.rule in numeric and i.params.get("target") is None:
                targets[i.code] = 1  # a target set per cycle
    return {
        "values": values,
        "targets": targets,
        "deductions": deductions,
        "events": {t.events[0].code: 1} if t.events else {},
        "late_steps": ["self"],
        "history": [{"period": "2026-09", "total": "80.00"}],
        "context": {
            "team_totals": ["80", "90"],
            "base_performance_pay": "3000",
            "net_revenue": 100000,
        },
    }


def main() -> None:
    from scoring_floor import rates

    from engine.scoring.scorer import score_reference

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time per pack")
    args = parser.parse_args()
    print(f"{'pack':<20}{'roles':>6}{'reference/s':>13}{'scorings/s':>12}")
    for entry in discover():
        if not entry.valid:
            continue
        cases = [(t, sample_inputs(t)) for t in entry.pack.roles]

        def every_role(fn, cases=cases):
            for t, raw in cases:
                fn(t, raw)

        # per second of this process's CPU, the reference path and score() in turns
        ref, ours = rates([(every_role, (score_reference,)), (every_role, (score,))], args.seconds)
        n = len(cases)
        print(f"{entry.name:<20}{n:>6}{ref * n:>13,.0f}{ours * n:>12,.0f}")


if __name__ == "__main__":
    main()
