"""The appeals app's part in the appraisal engine (`engine.appraisals.signals`),
connected in `AppealsConfig.ready()`: the engine below never names an appeal."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from .departures import appeal_steps_reassign, appeals_held
from .models import Appeal


def appealed(sender, **kwargs) -> Exists:
    """`finalise_held`: an appealed result is not made final when its window closes;
    the appeal's close finalises it."""
    return Exists(Appeal.objects.filter(appraisal_id=OuterRef("pk")))


def appraisals_held_by_leaver(sender, *, user_id, **kwargs) -> list[int]:
    """`departure_held`: the appraisals whose appeals have a step the leaver holds."""
    return appeals_held(user_id)


def move_leavers_appeal_steps(sender, *, actor, user, successor, **kwargs) -> int:
    """`departure_moves`: the leaver's appeal steps go to the successor, or to HR."""
    return appeal_steps_reassign(actor=actor, user=user, successor=successor)
