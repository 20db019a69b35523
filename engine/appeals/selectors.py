"""Reads of appeals: the open appeal steps a person holds."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engine.org.selectors import company_roles

from .models import AppealStep


def appeal_inbox_steps(user) -> QuerySet[AppealStep]:
    """Open appeal steps the user holds (never their own appeal), as a queryset."""
    if not user.is_authenticated:
        return AppealStep.objects.none()
    q = Q(assignee=user)
    for company_id, roles in company_roles(user).items():
        if "hr" in roles:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role="hr")
    return AppealStep.objects.filter(q, state="open").exclude(appeal__filed_by=user)


def appeal_inbox(user, *, limit: int = 100) -> list:
    """Open appeal steps the user holds, soonest due first."""
    return list(
        appeal_inbox_steps(user)
        .select_related("appeal__appraisal__employee")
        .order_by("due_at")[:limit]
    )
