"""The row lock every write of an appraisal starts with."""

from __future__ import annotations

from engine.errors import NotFound

from ..models import Appraisal


def lock_appraisal(appraisal_id: int) -> Appraisal:
    """`SELECT … FOR UPDATE` on the appraisal: concurrent writers queue here, so of two
    submissions of one step exactly one wins."""
    try:
        return Appraisal.objects.select_for_update().select_related("employee").get(pk=appraisal_id)
    except Appraisal.DoesNotExist as exc:
        raise NotFound("no such appraisal", field="appraisal", rule="exists") from exc
