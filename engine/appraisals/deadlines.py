"""What the deadline sweep does with an appraisal's due steps: tell the holders, and
when a step is overdue, tell the holder's own supervisor (HR for role-held steps or
holders without one), as one digest per recipient and sweep."""

from __future__ import annotations

import hashlib

from engine.audit.services import Entry
from engine.deadlines.sweep import StepKind
from engine.notifications.services import Message
from engine.org.models import Employee
from engine.org.selectors import role_user_ids

from .models import Appraisal, AppraisalStep
from .services.lifecycle import appraisals_finalise_due
from .services.notices import step_messages


def _escalation_messages(steps: list[AppraisalStep], company_id: int) -> list[Message]:
    holders = {s.assignee_id for s in steps if s.assignee_id}
    sup_of = dict(
        Employee.objects.filter(user_id__in=holders, supervisor__isnull=False).values_list(
            "user_id", "supervisor__user_id"
        )
    )
    hr = role_user_ids(company_id, ["hr"]).get("hr", [])
    # One digest per recipient and sweep, not one message per overdue step: a head of
    # twenty late reports is told once. The key names the steps it covers, so two
    # sweeps running at once can never swallow each other's digest.
    per_user: dict[int, list[AppraisalStep]] = {}
    for s in steps:
        for u in [sup_of[s.assignee_id]] if s.assignee_id in sup_of else hr:
            per_user.setdefault(u, []).append(s)
    names = dict(
        Appraisal.objects.filter(pk__in={s.appraisal_id for s in steps}).values_list(
            "pk", "employee__name"
        )
    )
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
                {
                    "count": len(mine),
                    "names": "、".join(names.get(s.appraisal_id, "") for s in mine[:10])
                    + (" …" if len(mine) > 10 else ""),
                },
            )
        )
    return out


def _messages(kind: str, text: str, steps: list, company_id: int) -> list[Message]:
    msgs = step_messages(steps, kind, text, company_id)
    if kind == "overdue":
        msgs += _escalation_messages(steps, company_id)
    return msgs


def _entries(kind: str, steps: list, now) -> list[Entry]:
    return [
        Entry(
            "appraisals.appraisal",
            s.appraisal_id,
            kind,
            after={"step": s.code, "due_date": s.due_date, "at": now},
        )
        for s in steps
    ]


APPRAISAL_STEPS = StepKind(
    model=AppraisalStep,
    messages=_messages,
    entries=_entries,
    counts={"remind_before": "remind_before", "remind_due": "remind_due", "overdue": "overdue"},
)
FINALISE_DUE = ("finalised", appraisals_finalise_due)
