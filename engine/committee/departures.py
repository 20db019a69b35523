"""A committee member or chair who leaves (`engine.appraisals.signals`: departure_held,
departure_moves): a member's open scoring goes to the successor HR names (unless they
are the appraised person or sit on the committee already: then it is cancelled, and the
quorum may no longer be reached); the chair's closing goes to the successor, or to HR
itself. Audited on each appraisal's trail."""

from __future__ import annotations

from engine.audit.services import Entry, record_many

from .models import CommitteeTask


def committees_held(user_id: int) -> list[int]:
    """The appraisals whose committee has an open task `user_id` holds: the departure
    locks them before it writes (the committee's writers all lock the appraisal first)."""
    held = CommitteeTask.objects.filter(assignee_id=user_id, state=CommitteeTask.State.OPEN)
    return list(held.values_list("appraisal_id", flat=True))


def _entry(t: CommitteeTask, action: str, user, to: int | None) -> Entry:
    return Entry(
        "appraisals.appraisal",
        t.appraisal_id,
        action,
        after={"from_user": user.pk, "to_user": to},
        reason="committee member left",
    )


def committee_tasks_reassign(*, actor, user, successor=None) -> int:
    tasks = list(
        CommitteeTask.objects.select_for_update()
        .filter(assignee=user, state=CommitteeTask.State.OPEN)
        .select_related("appraisal__employee")
        .order_by("pk")
    )
    entries = []
    for t in tasks:
        own = successor is not None and successor.pk == t.appraisal.employee.user_id
        if t.kind == CommitteeTask.Kind.SCORE:
            sits = (
                successor is not None
                and CommitteeTask.objects.filter(
                    committee_id=t.committee_id, assignee=successor, kind=t.kind
                ).exists()
            )
            if successor is None or own or sits:
                t.state = CommitteeTask.State.CANCELLED
                entries.append(_entry(t, "committee_member_left", user, None))
            else:  # the successor scores in the leaver's place
                t.assignee_id = successor.pk
                entries.append(_entry(t, "committee_member_moved", user, successor.pk))
            continue
        t.assignee_id, t.holder_role = (
            (successor.pk, "") if successor is not None and not own else (None, "hr")
        )
        entries.append(_entry(t, "committee_chair_moved", user, t.assignee_id))
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
