"""Opening the steps that follow a published version (the `published` signal), on the
company's working-day calendar."""

from __future__ import annotations

import hashlib
import zoneinfo

from engine import clock
from engine.appraisals.models import Appraisal, ResultVersion
from engine.audit.canonical import dumps
from engine.audit.services import record_for
from engine.deadlines.due import moments
from engine.notifications.services import Message, notify_many
from engine.org.selectors import calendar_for, role_user_ids
from engine.plugins import registry
from engine.scoring.followup import steps_for

from .models import FollowUp

SEQ = {FollowUp.Kind.ACKNOWLEDGE: 1, FollowUp.Kind.INTERVIEW: 2}


def version_hash(version: ResultVersion) -> str:
    """sha256 over the canonical JSON of the published version: what the employee
    signs, so a signature names exactly the result it was given for."""
    payload = {
        "appraisal": version.appraisal_id,
        "number": version.number,
        "total": version.total,
        "grade": version.grade,
        "result": version.result,
        "at": version.at,
    }
    return hashlib.sha256(dumps(payload).encode()).hexdigest()


def _interview_holder(a: Appraisal) -> tuple[int | None, str]:
    """The direct supervisor holds the interview; without one, HR."""
    sup = a.employee.supervisor
    if sup is not None and sup.user_id != a.employee.user_id:
        return sup.user_id, ""
    return None, "hr"


def followups_open(*, appraisal: Appraisal, version: ResultVersion) -> list[FollowUp]:
    """The pack's steps after this version: a new acknowledgement (the open one of an
    older version is superseded) and, the first time, the interview. Inside the
    publishing transaction, with the appraisal locked."""
    a = appraisal
    declared = steps_for(registry.followup_steps(a.pack), a.role)
    if not declared:
        return []
    now = clock.now()
    company = a.company
    cal = calendar_for(company)
    zone = zoneinfo.ZoneInfo(company.time_zone)
    published_on = version.at.astimezone(zone).date()
    first = version.number == 1  # nothing to supersede, no interview yet: no query
    rows = []
    for step in declared:
        kind = FollowUp.Kind(step.kind)
        if kind == FollowUp.Kind.INTERVIEW:
            if not first and FollowUp.objects.filter(appraisal=a, kind=kind).exists():
                continue
            assignee, role = _interview_holder(a)
        else:
            if not first:
                FollowUp.objects.filter(appraisal=a, kind=kind, state=FollowUp.State.OPEN).update(
                    state=FollowUp.State.SUPERSEDED
                )
            assignee, role = a.employee.user_id, ""
        m = moments(cal.add_working_days(published_on, step.working_days), cal, company.time_zone)
        rows.append(
            FollowUp(
                appraisal=a,
                company_id=a.company_id,
                seq=version.number * 10 + SEQ[kind],
                code=kind.value,
                kind=kind,
                version=version.number,
                assignee_id=assignee,
                holder_role=role,
                due_date=m.due_date,
                due_at=m.due_at,
                remind_before_at=m.remind_before_at,
                remind_due_at=m.remind_due_at,
                opened_at=now,
                missed_event=step.missed_event,
            )
        )
    opened = FollowUp.objects.bulk_create(rows) if rows else []
    if opened:
        record_for(
            a,
            actor=None,
            role="system",
            action="followup_open",
            after={
                "version": version.number,
                "steps": [{"step": f.code, "due_date": f.due_date.isoformat()} for f in opened],
            },
        )
        _tell(a, opened)
    return opened


def _tell(a: Appraisal, opened: list[FollowUp]) -> None:
    hr = None
    messages = []
    for f in opened:
        users = [f.assignee_id] if f.assignee_id else None
        if users is None:
            hr = hr if hr is not None else role_user_ids(a.company_id, ["hr"]).get("hr", [])
            users = hr
        for u in users:
            messages.append(
                Message(
                    u,
                    a.company_id,
                    "followup_open",
                    f"考核结果之后/After the result: {a.employee.name} {a.cycle.period} "
                    f"{f.code}, due {f.due_date.isoformat()}",
                    f"followup_open:{f.appraisal_id}:{f.seq}",
                    a.pk,
                    {
                        "employee": a.employee.name,
                        "period": a.cycle.period,
                        "step": f.code,
                        "due": f.due_date.isoformat(),
                    },
                )
            )
    notify_many(messages)
