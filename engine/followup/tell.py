"""Who hears of an employee's objection after the result: a declined acknowledgement
or a comment on the interview's record is told to the direct supervisor (the
interview's holder where one recorded it) and to HR, through the notifications
service, inside the writing transaction."""

from __future__ import annotations

from engine.appraisals.models import Appraisal
from engine.notifications.services import Message, notify_many
from engine.org.models import CompanyRole

from .models import FollowUp


def _readers(a: Appraisal, f: FollowUp) -> list[int]:
    ids: list[int] = []
    sup = a.employee.supervisor
    if sup is not None and sup.user_id:
        ids.append(sup.user_id)
    if f.completed_by_id and f.kind == FollowUp.Kind.INTERVIEW:
        ids.append(f.completed_by_id)
    ids += CompanyRole.objects.filter(
        company_id=a.company_id, role=CompanyRole.Role.HR
    ).values_list("user_id", flat=True)
    return [u for u in dict.fromkeys(ids) if u != a.employee.user_id]


def tell_objection(a: Appraisal, f: FollowUp, *, kind: str, text: str) -> int:
    """`acknowledgement_declined` or `interview_commented`, to the supervisor and HR."""
    params = {"employee": a.employee.name, "period": a.cycle.period, "reason": text[:200]}
    return notify_many(
        Message(
            user_id,
            a.company_id,
            kind,
            f"{a.employee.name} {a.cycle.period}: {text[:200]}",
            f"{kind}:{f.pk}:{user_id}",
            a.pk,
            params,
        )
        for user_id in _readers(a, f)
    )
