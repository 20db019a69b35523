"""Opening an appraisal to read it. A read is no state change, but a refused read is
recorded in the trail (once an hour per person and appraisal), which makes this a
write like the others."""

from __future__ import annotations

from engine.audit.services import record_refusal
from engine.errors import Forbidden, NotFound
from engine.org.selectors import companies_of

from ..models import Appraisal
from ..visibility import can_view


def appraisal_for_reader(*, reader, appraisal_id: int) -> Appraisal:
    """The appraisal if `reader` may see it. A refusal is audited; an appraisal of
    another company is answered as if it did not exist."""
    a = (
        Appraisal.objects.select_related("employee__user", "cycle", "department")
        .filter(pk=appraisal_id)
        .first()
    )
    if a is None:
        raise NotFound("no such appraisal", field="appraisal", rule="exists")
    if can_view(reader, a):
        return a
    record_refusal(
        company=a.company_id,
        actor=reader,
        object_type="appraisals.appraisal",
        object_id=a.pk,
        after={"attempt": "view"},
    )
    if a.company_id not in companies_of(reader):
        raise NotFound("no such appraisal", field="appraisal", rule="exists")
    raise Forbidden("you may not see this appraisal", field="appraisal", rule="relation")
