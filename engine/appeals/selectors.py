"""Reads of appeals: the open appeal steps a person holds; a company's appeals for its HR."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from engine.org.selectors import company_roles

from .models import Appeal, AppealStep


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


# The states HR filters the company's appeals by: open ones at their step, closed
# ones by their outcome.
STEP_STATES = ("mediation", "hr_intake", "investigation", "decision")


def company_appeals(user, *, company_id: int, state: str = "") -> QuerySet[Appeal]:
    """Every appeal of the company, newest first, for its HR only (anyone else, HR of
    another company included, gets none), with what the list shows in a fixed number
    of queries: the appraisal, employee and cycle joined, the open step and its holder
    prefetched as `open_steps`."""
    if not getattr(user, "is_authenticated", False):
        return Appeal.objects.none()
    if "hr" not in company_roles(user).get(company_id, ()):
        return Appeal.objects.none()
    qs = Appeal.objects.filter(company_id=company_id)
    if state == "open":
        qs = qs.exclude(state="closed")
    elif state in STEP_STATES:
        qs = qs.filter(state=state)
    elif state in Appeal.Outcome.values and state:
        qs = qs.filter(state="closed", outcome=state)
    return (
        qs.select_related("appraisal__employee", "appraisal__cycle")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=AppealStep.objects.filter(state="open").select_related(
                    "assignee__employee"
                ),
                to_attr="open_steps",
            )
        )
        .order_by("-filed_at", "-pk")
    )
