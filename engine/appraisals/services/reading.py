"""Opening an appraisal to read it. A read is no state change, but a refused read is
recorded in the trail (once an hour per person and appraisal), which makes this a
write like the others."""

from __future__ import annotations

from engine.audit.services import record_refusal
from engine.errors import Forbidden, NotFound
from engine.org.selectors import companies_of

from ..models import Appraisal, AppraisalStep
from ..visibility import can_view

# Read with the appraisal: its employee's supervisor answers `can_view` for them; the
# position names them on the page (labels.position_words).
WITH = ("employee__user", "employee__supervisor", "employee__position", "cycle", "department")


def appraisal_for_reader(*, reader, appraisal_id: int) -> Appraisal:
    """The appraisal if `reader` may see it. A refusal is audited; an appraisal of
    another company is answered as if it did not exist."""
    a = Appraisal.objects.select_related(*WITH).filter(pk=appraisal_id).first()
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


def steps_for_reader(*, reader, appraisal_id: int) -> tuple[Appraisal, list[AppraisalStep]]:
    """The appraisal and its steps in chain order, if `reader` may see it, in one query
    (each of the handful of step rows carries the appraisal), for a page that acts on
    a step."""
    steps = list(
        AppraisalStep.objects.filter(appraisal_id=appraisal_id)
        .select_related(*(f"appraisal__{path}" for path in WITH))
        .order_by("seq")
    )
    if steps and can_view(reader, steps[0].appraisal):
        for s in steps:
            s.appraisal = steps[0].appraisal
        return steps[0].appraisal, steps
    # Refused, or no such appraisal: answered (a refusal audited) as when read alone.
    return appraisal_for_reader(reader=reader, appraisal_id=appraisal_id), steps
