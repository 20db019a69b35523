"""The row locks every writer takes, always in ONE order (docs/architecture.md,
"Lock order"), so two writers never wait for each other in a circle:

1. the cycle (`lock_cycle`);
2. appraisals, in id order (`lock_appraisal`, `lock_appraisals`);
3. their steps, in id order (`lock_steps`); appeals and appeal steps after them;
4. people's rows (employees, accounts);
5. the audit chain head, last: taken only when the trail is written
   (`engine.audit.services`), and nothing is locked after it.

A writer that will touch several rows locks them all, in this order, before it writes
its first audit event. The locks are `FOR NO KEY UPDATE` of the row itself only: a
foreign key pointing at a locked row (a late penalty naming the cycle, an audit event
naming an account) does not wait for it, and a join never locks the joined rows."""

from __future__ import annotations

from collections.abc import Iterable

from engine.errors import NotFound

from ..models import Appraisal, AppraisalStep, Cycle


def lock_cycle(cycle_id: int) -> Cycle:
    """The cycle's row: the first lock of a writer of the whole cycle."""
    return Cycle.objects.select_for_update(no_key=True).get(pk=cycle_id)


def lock_appraisal(appraisal_id: int) -> Appraisal:
    """`SELECT … FOR NO KEY UPDATE` on the appraisal: concurrent writers queue here, so
    of two submissions of one step exactly one wins. The employee, the cycle (its period
    and start, fixed when it opened) and the company (its zone and calendar's country)
    come with the row, unlocked, so no writer reads them again; so does the employee's
    supervisor, whom the publication names as the holder of the feedback interview."""
    try:
        return (
            Appraisal.objects.select_for_update(no_key=True, of=("self",))
            .select_related("employee", "employee__supervisor", "cycle", "company")
            .get(pk=appraisal_id)
        )
    except Appraisal.DoesNotExist as exc:
        raise NotFound("no such appraisal", field="appraisal", rule="exists") from exc


def lock_appraisals(ids: Iterable[int]) -> list[int]:
    """Lock several appraisals in id order (the order every writer uses); their ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    qs = Appraisal.objects.select_for_update(no_key=True).filter(pk__in=wanted).order_by("pk")
    return list(qs.values_list("pk", flat=True))


def lock_steps(ids: Iterable[int]) -> list[int]:
    """Lock steps in id order, after their appraisals; their ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    qs = AppraisalStep.objects.select_for_update(no_key=True).filter(pk__in=wanted).order_by("pk")
    return list(qs.values_list("pk", flat=True))
