"""The deadline sweep (workflow.md §4): reminders one working day before and on the
due day, overdue marks with word to the holder and the holder's supervisor (or HR).

Set-based and idempotent: each pass claims a batch of due rows with
`SELECT … FOR UPDATE SKIP LOCKED`, stamps them, and writes notifications and audit
events in bulk. A second run finds nothing; two processes at once split the rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from engine import clock
from engine.appraisals.models import AppraisalStep
from engine.appraisals.services import _step_messages
from engine.audit.services import Entry, record_many
from engine.notifications.services import Message, notify_many
from engine.org.models import CompanyRole, Employee

KINDS = {
    # kind: (moment field, stamp field, notification text)
    "remind_before": ("remind_before_at", "reminded_before_at", "明天到期/Due tomorrow"),
    "remind_due": ("remind_due_at", "reminded_due_at", "今天到期/Due today"),
    "overdue": ("due_at", "overdue_at", "已逾期/Overdue"),
}


@dataclass
class SweepResult:
    remind_before: int = 0
    remind_due: int = 0
    overdue: int = 0
    notifications: int = 0
    by_company: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, int]:
        return {
            "remind_before": self.remind_before,
            "remind_due": self.remind_due,
            "overdue": self.overdue,
            "notifications": self.notifications,
        }


def _escalation_messages(steps: list[AppraisalStep], company_id: int) -> list[Message]:
    """Overdue: the holder's own supervisor hears of it (HR for role-held steps or
    holders without a supervisor)."""
    holders = {s.assignee_id for s in steps if s.assignee_id}
    sup_of = dict(
        Employee.objects.filter(user_id__in=holders, supervisor__isnull=False).values_list(
            "user_id", "supervisor__user_id"
        )
    )
    hr = list(
        CompanyRole.objects.filter(company_id=company_id, role="hr").values_list(
            "user_id", flat=True
        )
    )
    out = []
    for s in steps:
        to = [sup_of[s.assignee_id]] if s.assignee_id in sup_of else hr
        for u in to:
            out.append(
                Message(
                    u,
                    company_id,
                    "step_overdue_escalation",
                    f"下属逾期/Overdue under you: {s.code} (#{s.appraisal_id}), due {s.due_date}",
                    f"overdue_up:{s.appraisal_id}:{s.seq}:{s.rounds}",
                    s.appraisal_id,
                )
            )
    return out


def _claim(kind: str, now, batch: int) -> list[AppraisalStep]:
    moment, stamp, _ = KINDS[kind]
    qs = AppraisalStep.objects.filter(
        state=AppraisalStep.State.OPEN, **{f"{moment}__lte": now, f"{stamp}__isnull": True}
    )
    if kind != "overdue":  # a reminder after the due moment is pointless: overdue says it
        qs = qs.filter(due_at__gt=now)
    ids = list(
        qs.select_for_update(skip_locked=True).order_by("id").values_list("id", flat=True)[:batch]
    )
    if not ids:
        return []
    AppraisalStep.objects.filter(id__in=ids, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    return list(
        AppraisalStep.objects.filter(id__in=ids).only(
            "id",
            "appraisal_id",
            "company_id",
            "seq",
            "code",
            "assignee_id",
            "holder_role",
            "due_date",
            "rounds",
        )
    )


def sweep(*, batch: int = 5000) -> SweepResult:
    now = clock.now()
    result = SweepResult()
    for kind, (_, _, text) in KINDS.items():
        while True:
            with transaction.atomic():
                steps = _claim(kind, now, batch)
                if not steps:
                    break
                per_company: dict[int, list[AppraisalStep]] = defaultdict(list)
                for s in steps:
                    per_company[s.company_id].append(s)
                for company_id, group in per_company.items():
                    msgs = _step_messages(group, kind, text, company_id)
                    if kind == "overdue":
                        msgs += _escalation_messages(group, company_id)
                    result.notifications += notify_many(msgs)
                    record_many(
                        company=company_id,
                        actor=None,
                        role="system",
                        entries=[
                            Entry(
                                "appraisals.appraisal",
                                s.appraisal_id,
                                kind,
                                after={"step": s.code, "due_date": s.due_date, "at": now},
                            )
                            for s in group
                        ],
                    )
                    result.by_company[company_id] += len(group)
                setattr(result, kind, getattr(result, kind) + len(steps))
            if len(steps) < batch:
                break
    return result
