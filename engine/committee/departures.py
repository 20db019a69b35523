"""A committee member or chair who leaves (`engine.appraisals.signals`: departure_held,
departure_moves): a member's open scoring is cancelled (a committee is a set of named
people, nobody scores in a leaver's place; the chair closes with those who scored, or HR
forms the review again); the chair's closing goes to the successor HR names, or to HR
itself. Audited on each appraisal's trail."""

from __future__ import annotations

from engine.audit.services import Entry, record_many

from .models import CommitteeTask


def committees_held(user_id: int) -> list[int]:
    """The appraisals whose committee has an open task `user_id` holds: the departure
    locks them before it writes (the committee's writers all lock the appraisal first)."""
    held = CommitteeTask.objects.filter(assignee_id=user_id, state=CommitteeTask.State.OPEN)
    return list(held.values_list("appraisal_id", flat=True))


def committee_tasks_reassign(*, actor, user, successor=None) -> int:
    tasks = list(
        CommitteeTask.objects.select_for_update()
        .filter(assignee=user, state=CommitteeTask.State.OPEN)
        .select_related("appraisal__employee")
        .order_by("pk")
    )
    entries = []
    for t in tasks:
        if t.kind == CommitteeTask.Kind.SCORE:
            t.state = CommitteeTask.State.CANCELLED
            entries.append(
                Entry(
                    "appraisals.appraisal",
                    t.appraisal_id,
                    "committee_member_left",
                    after={"member": user.pk},
                    reason="member left",
                )
            )
            continue
        own = successor is not None and successor.pk == t.appraisal.employee.user_id
        t.assignee_id, t.holder_role = (
            (successor.pk, "") if successor is not None and not own else (None, "hr")
        )
        entries.append(
            Entry(
                "appraisals.appraisal",
                t.appraisal_id,
                "committee_chair_moved",
                after={"chair_user": user.pk, "to_user": t.assignee_id},
                reason="chair left",
            )
        )
    CommitteeTask.objects.bulk_update(tasks, ["state", "assignee", "holder_role"])
    if tasks:
        record_many(company=tasks[0].company_id, actor=actor, role="hr", entries=entries)
    return len(tasks)


def committees_held_by_leaver(sender, *, user_id, **kwargs) -> list[int]:
    """`departure_held` receiver."""
    return committees_held(user_id)


def move_leavers_committee_tasks(sender, *, actor, user, successor, **kwargs) -> int:
    """`departure_moves` receiver."""
    return committee_tasks_reassign(actor=actor, user=user, successor=successor)
