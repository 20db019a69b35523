"""The deadline sweep (workflow.md §4): reminders one working day before and on the
due day, overdue marks with word to the holder and the holder's supervisor (or HR).

Set-based and idempotent: each pass claims a batch of due rows with
`SELECT … FOR UPDATE SKIP LOCKED`, stamps them, and writes notifications and audit
events in bulk. A second run finds nothing; two processes at once split the rows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db import transaction

from engine import clock
from engine.appeals.models import AppealStep
from engine.appeals.services import appraisals_finalise_due
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
    appeal_reminders: int = 0
    appeal_overdue: int = 0
    finalised: int = 0
    by_company: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "by_company"}


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
    # One digest per recipient and sweep, not one message per overdue step: a head of
    # twenty late reports is told once. The key names the steps it covers, so two
    # sweeps running at once can never swallow each other's digest.
    per_user: dict[int, list[AppraisalStep]] = {}
    for s in steps:
        for u in [sup_of[s.assignee_id]] if s.assignee_id in sup_of else hr:
            per_user.setdefault(u, []).append(s)
    out = []
    for u, mine in per_user.items():
        listed = ", ".join(f"{s.code} #{s.appraisal_id} (due {s.due_date})" for s in mine[:10])
        more = f" … +{len(mine) - 10}" if len(mine) > 10 else ""
        ids = ",".join(
            f"{s.appraisal_id}.{s.seq}.{s.rounds}" for s in sorted(mine, key=lambda x: x.pk)
        )
        digest = hashlib.sha1(ids.encode(), usedforsecurity=False).hexdigest()[:20]
        out.append(
            Message(
                u,
                company_id,
                "step_overdue_escalation",
                f"下属逾期/Overdue under you ({len(mine)}): {listed}{more}",
                f"overdue_up:{digest}",
                mine[0].appraisal_id if len(mine) == 1 else None,
            )
        )
    return out


def _claim(kind: str, now, batch: int, model=AppraisalStep) -> list:
    """Claim up to `batch` due rows of `model` (appraisal or appeal steps) and stamp them."""
    moment, stamp, _ = KINDS[kind]
    qs = model.objects.filter(state="open", **{f"{moment}__lte": now, f"{stamp}__isnull": True})
    if kind != "overdue":  # a reminder after the due moment is pointless: overdue says it
        qs = qs.filter(due_at__gt=now)
    ids = list(
        qs.select_for_update(skip_locked=True).order_by("id").values_list("id", flat=True)[:batch]
    )
    if not ids:
        return []
    model.objects.filter(id__in=ids, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    wanted = (
        "id",
        "appraisal_id",
        "appeal_id",
        "company_id",
        "seq",
        "code",
        "assignee_id",
        "holder_role",
        "due_date",
        "rounds",
    )
    names = {f.attname for f in model._meta.concrete_fields}
    return list(model.objects.filter(id__in=ids).only(*[f for f in wanted if f in names]))


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
    _sweep_appeals(now, batch, result)
    result.finalised = appraisals_finalise_due()
    return result


def _sweep_appeals(now, batch: int, result: SweepResult) -> None:
    """Appeal steps get the same reminders; an overdue one is escalated to the GM."""
    for kind, (_, _, text) in KINDS.items():
        while True:
            with transaction.atomic():
                steps = _claim(kind, now, batch, AppealStep)
                if not steps:
                    break
                for company_id in {s.company_id for s in steps}:
                    group = [s for s in steps if s.company_id == company_id]
                    roles: dict[str, list[int]] = {}
                    for role, user_id in CompanyRole.objects.filter(
                        company_id=company_id
                    ).values_list("role", "user_id"):
                        roles.setdefault(role, []).append(user_id)
                    msgs = []
                    for s in group:
                        to = [s.assignee_id] if s.assignee_id else roles.get(s.holder_role, [])
                        if kind == "overdue":
                            to = to + roles.get("gm", [])
                        msgs += [
                            Message(
                                u,
                                company_id,
                                f"appeal_{kind}",
                                f"{text}: appeal {s.appeal_id} {s.code}, due {s.due_date}",
                                f"appeal_{kind}:{s.appeal_id}:{s.seq}",
                            )
                            for u in to
                        ]
                    result.notifications += notify_many(msgs)
                    record_many(
                        company=company_id,
                        actor=None,
                        role="system",
                        entries=[
                            Entry(
                                "appeals.appeal",
                                s.appeal_id,
                                f"appeal_{kind}",
                                after={
                                    "step": s.code,
                                    "due_date": s.due_date,
                                    "escalated_to": "gm" if kind == "overdue" else None,
                                },
                            )
                            for s in group
                        ],
                    )
                if kind == "overdue":
                    result.appeal_overdue += len(steps)
                else:
                    result.appeal_reminders += len(steps)
            if len(steps) < batch:
                break
