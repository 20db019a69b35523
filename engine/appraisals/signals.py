"""The appraisal engine's extension points: every way a higher app (calibration,
appeals, outcomes) takes part in what this app does, without this app importing it.

Each is a Django `Signal`, sent with keyword arguments only; a higher app connects
its receivers in its `AppConfig.ready()` with a `dispatch_uid`. Receivers run in the
order they were connected, inside the sender's transaction. `Signal.send` lets a
receiver's exception through, so a receiver may refuse by raising the domain error;
what each signal does with the receivers' responses is said below. Every signal here
is documented; a test keeps it that way (tests/appraisals/test_signals.py).
"""

from __future__ import annotations

from django.dispatch import Signal


def _documented(doc: str) -> Signal:
    signal = Signal(use_caching=True)
    signal.__doc__ = doc
    return signal


final_approval_check = _documented(
    """Sent with `appraisal` (locked) before its final approval, and when a page asks
    whether that approval may be given now. A receiver raises `engine.errors.Conflict`
    to hold it (calibration: the department is not confirmed yet); responses are
    ignored. Sender: `Appraisal`."""
)

grade_fit = _documented(
    """Sent with `appraisal` and `grade` (the grade its scoring gives) when a result is
    published, and when an appeal's decision is previewed. A receiver returns the
    grade the result must take instead (calibration: a late result under a confirmed
    distribution's caps), or None; the first receiver that names a grade wins.
    Sender: `Appraisal`."""
)

cycle_final = _documented(
    """Sent with `cycle_id` when the cycle's last result in progress or published
    became final (the outcomes app runs the packs' population rules). Responses are
    ignored. Sender: `Cycle`."""
)

finalise_held = _documented(
    """Sent with no arguments when the sweep looks for published results whose appeal
    window closed. A receiver returns a boolean expression over `Appraisal` (a `Q` or
    an `Exists`) true for a result that must not become final on its own (appeals: an
    appeal was filed, and its close finalises the result); the sweep excludes every
    such result in its one query and asks again after locking each row. Sender:
    `Appraisal`."""
)

departure_held = _documented(
    """Sent with `user_id` (the leaver's user) before a departure writes anything. A
    receiver returns the ids of the appraisals whose rows its move will touch (appeals:
    those whose appeal has a step the leaver holds), so the departure locks them with
    its own, in the one lock order (docs/architecture.md, "Lock order"). Sender:
    `Employee`."""
)

departure_moves = _documented(
    """Sent with `actor`, `user` (the leaver's user) and `successor` (a user, or None)
    after the leaver's appraisal steps moved. A receiver moves what else the leaver
    holds (appeals: their appeal steps), audited, and returns how many it moved; the
    departure adds them to its count. Sender: `Employee`."""
)

published = _documented(
    """Sent with `appraisal` (locked) and `version` (the `ResultVersion` just stored)
    after a result is published, the first time or again as a correction (an upheld
    appeal, a late penalty, an event), inside the publishing transaction and after its
    `publish` audit event. A receiver opens what follows a result (followup: the
    employee's acknowledgement of this exact version and, the first time, the feedback
    interview); responses are ignored. Sender: `Appraisal`."""
)
