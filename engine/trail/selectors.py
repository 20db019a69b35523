"""Reading the trail: per appraisal, appeal, person and cycle, with filters on time,
actor and action — only the companies the reader may audit. It sits above the domain
apps because it follows their relations (an appraisal's appeal, a person's appraisals);
the audit app below knows nothing of them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.errors import Forbidden, InvalidInput
from engine.org.models import Employee
from engine.org.selectors import company_roles

READERS = {"auditor", "hr", "gm"}


def auditable_companies(user) -> set[int]:
    return {cid for cid, roles in company_roles(user).items() if roles & READERS}


def _ids(values) -> list[str]:
    return [str(v) for v in values]


def trail(
    user,
    *,
    appraisal: int | None = None,
    appeal: int | None = None,
    person: int | None = None,
    cycle: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    company: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """Events the reader may audit, narrowed by the filters given. `actor` is a
    username, or part of a person's name or number; `action` matches the action and
    its per-step variants (`submit` finds `submit:supervisor`)."""
    companies = auditable_companies(user)
    if not companies:
        raise Forbidden(
            "only auditors, HR and the GM read the audit trail", field="user", rule="role"
        )
    if company is not None:
        if company not in companies:
            raise Forbidden("you do not audit that company", field="company", rule="role")
        companies = {company}
    qs = AuditEvent.objects.filter(company_id__in=companies)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    if appraisal is not None:
        appeal_ids = _ids(
            Appeal.objects.filter(appraisal_id=appraisal).values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(object_type="appraisals.appraisal", object_id=str(appraisal))
            | Q(object_type="appeals.appeal", object_id__in=appeal_ids)
        )
    if appeal is not None:
        qs = qs.filter(object_type="appeals.appeal", object_id=str(appeal))
    if person is not None:
        emp = Employee.objects.filter(pk=person, company_id__in=companies).first()
        if emp is None:
            raise InvalidInput("no such person in your companies", field="person", rule="exists")
        apps = _ids(Appraisal.objects.filter(employee=emp).values_list("pk", flat=True))
        qs = qs.filter(
            Q(object_type="org.employee", object_id=str(emp.pk))
            | Q(object_type="appraisals.appraisal", object_id__in=apps)
            | Q(actor_id=emp.user_id)
        )
    if cycle is not None:
        apps = _ids(Appraisal.objects.filter(cycle_id=cycle).values_list("pk", flat=True))
        appeals = _ids(
            Appeal.objects.filter(appraisal__cycle_id=cycle).values_list("pk", flat=True)
        )
        qs = qs.filter(
            Q(object_type="appraisals.cycle", object_id=str(cycle))
            | Q(object_type="appraisals.appraisal", object_id__in=apps)
            | Q(object_type="appeals.appeal", object_id__in=appeals)
        )
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lte=until)
    if actor:
        users = Employee.objects.filter(company_id__in=companies).filter(
            Q(name__icontains=actor) | Q(number__iexact=actor)
        )
        qs = qs.filter(Q(actor_label=actor) | Q(actor_id__in=users.values("user_id")))
    if action:
        qs = qs.filter(Q(action=action) | Q(action__startswith=f"{action}:"))
    return qs.order_by("chain", "seq")
