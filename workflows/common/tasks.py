"""One definition of "my tasks" for the header badge, the inbox and the home page:
the open steps a person can act on now: appraisal and appeal steps, 360° feedback and
committee scoring alike. A final approval held back by a gate (HR's calibration not
confirmed) is not actionable yet: it is counted apart, as waiting."""

from __future__ import annotations

from django.db.models import QuerySet

from engine.appeals.selectors import appeal_inbox_steps
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_pinned
from engine.appraisals.selectors import inbox_steps
from engine.appraisals.services import check_final_approval
from engine.committee.selectors import committee_inbox
from engine.errors import Conflict
from engine.feedback.selectors import rater_inbox


def split_waiting(steps: QuerySet[AppraisalStep]) -> tuple[QuerySet, dict[int, Conflict]]:
    """(the actionable steps, step id → why each other one waits). Only a chain's last
    step can wait on a gate; the gates are asked once per cycle, department and
    pinned template (they answer for the department, not the person)."""
    waiting: dict[int, Conflict] = {}
    seen: dict[tuple, Conflict | None] = {}
    # The columns that pin each step's template first (most people hold no last step:
    # no appraisal row is read for them), then the appraisals of the last steps only.
    rows = steps.exclude(code="self").order_by()
    last = [
        (pk, appraisal_id)
        for pk, code, appraisal_id, *pinned in rows.values_list(
            "pk",
            "code",
            "appraisal_id",
            "appraisal__activation_id",
            "appraisal__role",
            "appraisal__template_hash",
        )
        if (chain := template_pinned(*pinned).chain) and chain[-1].code == code
    ]
    appraisals = Appraisal.objects.in_bulk({a for _pk, a in last}) if last else {}
    for pk, appraisal_id in last:
        a = appraisals[appraisal_id]
        key = (a.cycle_id, a.department_id, a.template_hash)
        if key not in seen:
            try:
                check_final_approval(a)
                seen[key] = None
            except Conflict as exc:
                seen[key] = exc
        if seen[key] is not None:
            waiting[pk] = seen[key]
    return steps.exclude(pk__in=list(waiting)), waiting


def actionable(user) -> tuple[QuerySet, dict[int, Conflict]]:
    """`split_waiting(inbox_steps(user))`, worked out once per request: the inbox lists
    it, counts it for its pager and its overdue line, and the header counts it again.
    Kept on the request's user, as `task_counts` is (read by pages after their writes)."""
    kept = getattr(user, "_jx_actionable", None)
    if kept is not None:
        return kept
    split = split_waiting(inbox_steps(user))
    if getattr(user, "is_authenticated", False):
        user._jx_actionable = split
    return split


def task_counts(user) -> tuple[int, int]:
    """(steps the user can act on now, steps of theirs waiting on something else). The
    open appeal steps they hold count among the first, as the inbox lists them: HR's
    pending appeals are tasks like any review. Kept on the request's user, so the
    header and the page asking in one request cost one count (pages render after
    their writes, so the count is never older than the page)."""
    kept = getattr(user, "_jx_task_counts", None)
    if kept is not None:
        return kept
    steps, waiting = actionable(user)
    # A nominated rater's 360° feedback and a committee member's scoring are tasks of
    # theirs as well (the inbox lists them): every kind counted in one query.
    kinds = [
        q.order_by().values_list("pk")
        for q in (steps, appeal_inbox_steps(user), rater_inbox(user), committee_inbox(user))
    ]
    counts = (kinds[0].union(*kinds[1:], all=True).count(), len(waiting))
    if getattr(user, "is_authenticated", False):
        user._jx_task_counts = counts
    return counts
