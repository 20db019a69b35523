"""The sweep's extension points: how the apps whose steps have deadlines (appraisals,
appeals) take part in the one sweep without this app naming them.

Django signals, as `engine.appraisals.signals`: sent with keyword arguments only; a
higher app connects its receivers in `AppConfig.ready()` with a `dispatch_uid`;
receivers run in the order they were connected. Every signal here is documented; a
test keeps it that way (tests/appraisals/test_signals.py).
"""

from __future__ import annotations

from django.dispatch import Signal


def _documented(doc: str) -> Signal:
    signal = Signal()  # sent with no sender: nothing to cache receivers by
    signal.__doc__ = doc
    return signal


step_kinds = _documented(
    """Sent with no argument when the sweep (or a reader of due steps: the demo's clock,
    `/health/`) asks which models of steps have deadlines. A receiver returns one
    `engine.deadlines.sweep.StepKind`: its model, the columns of its own the claimed
    rows carry, the SQL of its messages and audit entries over the claimed rows, and
    the counters it counts into. Kinds are swept in the order their receivers were
    connected. Sender: None."""
)

after_sweep = _documented(
    """Sent with `now` after every step kind was swept, in the same run. A receiver does
    its job (appraisals: finalise the results whose appeal window closed) and returns
    {counter: how many}, added to the sweep's result under those names; the counters
    are the receiver's to name. Sender: None."""
)
