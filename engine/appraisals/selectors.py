"""Reads of the appraisal engine: the task inbox and what a person may see."""

from __future__ import annotations

from django.db.models import Q

from engine.access import policy

from .models import AppraisalStep


def inbox(user, *, limit: int = 100) -> list[AppraisalStep]:
    """Open steps the user holds, soonest due first — in a fixed number of queries
    whatever the size of the company."""
    if not user.is_authenticated:
        return []
    q = Q(assignee=user)
    for company_id, roles in policy.company_roles(user).items():
        held = roles & {"hr", "gm", "board"}
        if held:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role__in=held)
    own_review = Q(appraisal__employee__user=user) & ~Q(code="self")
    return list(
        AppraisalStep.objects.filter(q, state=AppraisalStep.State.OPEN)
        .exclude(own_review)
        .select_related("appraisal__employee", "appraisal__cycle", "appraisal__department")
        .order_by("due_at", "id")[:limit]
    )


def appeal_inbox(user, *, limit: int = 100) -> list:
    """Open appeal steps the user holds (never their own appeal)."""
    from engine.appeals.models import AppealStep

    if not user.is_authenticated:
        return []
    q = Q(assignee=user)
    for company_id, roles in policy.company_roles(user).items():
        if "hr" in roles:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role="hr")
    return list(
        AppealStep.objects.filter(q, state="open")
        .exclude(appeal__filed_by=user)
        .select_related("appeal__appraisal__employee")
        .order_by("due_at")[:limit]
    )
