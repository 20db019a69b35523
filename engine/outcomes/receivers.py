"""The outcomes app's part in the appraisal engine (`engine.appraisals.signals`),
connected in `OutcomesConfig.ready()`."""

from __future__ import annotations

from .services import evaluate_final_cycle


def cycle_became_final(sender, *, cycle_id, **kwargs) -> None:
    """`cycle_final`: the packs' population rules run over the cycle, in the
    transaction that made its last result final."""
    evaluate_final_cycle(cycle_id)
