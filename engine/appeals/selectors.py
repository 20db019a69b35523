"""Reads of appeals: the open appeal steps a person holds, who holds a step, and a
company's appeals for its HR."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from engine.deadlines.holding import holders_of
from engine.org.models import Employee
from engine.org.selectors import company_roles

from .flow import Stage
from .models import Appeal, AppealCorrection, AppealStep


def appeal_filed_on(appraisal_id: int) -> bool:
    """Whether the result has its one appeal already (the form is then not offered)."""
    return Appeal.objects.filter(appraisal_id=appraisal_id).exists()


def appeal_inbox_steps(user) -> QuerySet[AppealStep]:
    """Open appeal steps the user holds (never their own appeal), as a queryset."""
    if not user.is_authenticated:
        return AppealStep.objects.none()
    q = Q(assignee=user)
    for company_id, roles in company_roles(user).items():
        if "hr" in roles:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role="hr")
    return AppealStep.objects.filter(q, state=AppealStep.State.OPEN).exclude(appeal__filed_by=user)


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
        qs = qs.exclude(state=Stage.CLOSED.value)
    elif state in STEP_STATES:
        qs = qs.filter(state=state)
    elif state in Appeal.Outcome.values and state:
        qs = qs.filter(state=Stage.CLOSED.value, outcome=state)
    return (
        qs.select_related("appraisal__employee", "appraisal__cycle")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=AppealStep.objects.filter(state=AppealStep.State.OPEN).select_related(
                    "assignee__employee"
                ),
                to_attr="open_steps",
            )
        )
        .order_by("-filed_at", "-pk")
    )


def holder_names(steps, company_id: int) -> dict[int, list[str]]:
    """Each appeal step's holders by name — the assignee, or every person holding its
    company role — so that no page or notice says only "HR" where a person will
    answer. The appellant is never among the holders of their own appeal."""
    pairs = holders_of(steps, company_id)
    ids = {u for _s, users in pairs for u in users}
    names = dict(Employee.objects.filter(user_id__in=ids).values_list("user_id", "name"))
    missing = ids - set(names)
    if missing:
        names.update(get_user_model().objects.filter(pk__in=missing).values_list("pk", "username"))
    return {
        s.pk: sorted({names[u] for u in users if u != s.appeal.filed_by_id and u in names})
        for s, users in pairs
    }


def own_appeals(user, latest_id: int | None) -> list[tuple[Appeal, AppealStep | None]]:
    """The user's appeals still in progress, and the one on their latest result however
    it ended, newest first, each with its open step (None once closed)."""
    q = Q(filed_by=user, closed_at__isnull=True)
    if latest_id is not None:
        q |= Q(filed_by=user, appraisal_id=latest_id)
    found = list(Appeal.objects.filter(q).select_related("appraisal__cycle").order_by("-filed_at"))
    open_steps = {
        s.appeal_id: s
        for s in AppealStep.objects.filter(
            appeal__in=found, state=AppealStep.State.OPEN
        ).select_related("appeal", "assignee__employee")
    }
    return [(a, open_steps.get(a.pk)) for a in found]


def value_corrections(appraisal_id: int, version: int) -> dict[str, list[tuple]]:
    """The indicator values upheld appeals changed up to result `version`, per indicator
    code, oldest first: [(before, after)] — the form names them as corrections, not as
    the rater's entry."""
    out: dict[str, list[tuple]] = {}
    rows = (
        AppealCorrection.objects.filter(
            appeal__appraisal_id=appraisal_id,
            appeal__version_after__isnull=False,
            appeal__version_after__lte=version,
            field__startswith="values.",
        )
        .order_by("appeal__version_after", "pk")
        .values_list("field", "before", "after")
    )
    for field, before, after in rows:
        out.setdefault(field.partition(".")[2], []).append((before, after))
    return out
