"""A cycle's committee reviews at once: HR sees which appraisals of the cycle are
reviewed by a committee, with the report's and the committee's state, and forms the
same appraisal leadership group for every one that has none yet. Each appraisal is
formed by `committee_form` (its own transaction and audit event); an appraisal whose
person is among the members is left for HR to form apart, and said so."""

from __future__ import annotations

from dataclasses import dataclass

from engine.appraisals.models import Appraisal, Cycle
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.org.selectors import is_hr

from .models import Committee, CommitteeTask, SelfReport
from .services import committee_form, review_of


@dataclass
class CycleRow:
    appraisal: Appraisal
    report: SelfReport | None
    committee: Committee | None
    scored: int


def cycle_committees(cycle_id: int) -> list[CycleRow]:
    """The cycle's appraisals reviewed by a committee, each with its report, committee
    and how many members have scored: four queries, whatever the cycle's size."""
    appraisals = [
        a
        for a in Appraisal.objects.filter(cycle_id=cycle_id)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .select_related("employee", "department", "cycle")
        .order_by("department__name", "employee__name")
        if review_of(a) is not None
    ]
    ids = [a.pk for a in appraisals]
    reports = {r.appraisal_id: r for r in SelfReport.objects.filter(appraisal_id__in=ids)}
    committees = {
        c.appraisal_id: c
        for c in Committee.objects.filter(appraisal_id__in=ids).select_related("chair__employee")
    }
    scored: dict[int, int] = {}
    for aid in CommitteeTask.objects.filter(
        appraisal_id__in=ids, kind=CommitteeTask.Kind.SCORE, state=CommitteeTask.State.DONE
    ).values_list("appraisal_id", flat=True):
        scored[aid] = scored.get(aid, 0) + 1
    return [
        CycleRow(a, reports.get(a.pk), committees.get(a.pk), scored.get(a.pk, 0))
        for a in appraisals
    ]


def committee_form_for_cycle(
    *, actor, cycle_id: int, members: list[int], chair: int
) -> tuple[list[Appraisal], list[tuple[Appraisal, str]]]:
    """Form the same group for every appraisal of the cycle reviewed by a committee that
    has none yet and is in progress: (formed, [(skipped, why)]). A person who is one of
    the members is skipped (nobody sits on their own committee)."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound("no such cycle", field="cycle", rule="exists")
    if actor is None or not is_hr(actor, cycle.company_id):
        raise Forbidden("only HR forms a committee", field="actor", rule="hr")
    formed, skipped = [], []
    for row in cycle_committees(cycle_id):
        a = row.appraisal
        if row.committee is not None or a.state != Appraisal.State.IN_PROGRESS:
            continue
        try:
            committee_form(actor=actor, appraisal_id=a.pk, members=members, chair=chair)
        except InvalidInput as exc:
            if exc.rule != "not_self":
                raise
            skipped.append((a, exc.text))
        except Conflict as exc:  # formed meanwhile, or no longer in progress
            skipped.append((a, exc.text))
        else:
            formed.append(a)
    return formed, skipped
