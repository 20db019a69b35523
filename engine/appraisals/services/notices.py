"""What the holders of a step are told, in one shape for opening, routing and the sweep."""

from __future__ import annotations

from collections.abc import Iterable

from engine.deadlines.due import reminder_day
from engine.deadlines.holding import holders_of
from engine.deadlines.sweep import NEXT_WORKING_DAY_TEXT
from engine.notifications.services import Message
from engine.org.display import person_name

from ..models import Appraisal, AppraisalStep, StepSubmission


def step_messages(
    steps: Iterable[AppraisalStep], kind: str, text: str, company_id: int, **extra
) -> list[Message]:
    """One message per holder; a role-held step tells every holder of the role. The
    message names the person and the period (one query for all the steps)."""
    steps = list(steps)
    about = {
        pk: (name, period)
        for pk, name, period in Appraisal.objects.filter(
            pk__in={s.appraisal_id for s in steps}
        ).values_list("pk", "employee__name", "cycle__period")
    }
    out = []
    for s, users in holders_of(steps, company_id):
        employee, period = about.get(s.appraisal_id, ("", ""))
        params = {
            "employee": employee,
            "period": period,
            "step": s.code,
            "due": s.due_date.isoformat(),
            **extra,
        }
        said = text
        if kind == "remind_before":
            # "明天" only when the due day is tomorrow: Friday's reminder for Monday says
            # "the next working day" (the set-based sweep decides the same in SQL)
            params["day"] = reminder_day(s.remind_before_at, s.remind_due_at)
            if params["day"] != "tomorrow":
                said = NEXT_WORKING_DAY_TEXT
        out += [
            Message(
                u,
                company_id,
                kind,
                f"{said}: {employee} {period} {s.code}, due {s.due_date}",
                f"{kind}:{s.appraisal_id}:{s.seq}:{s.rounds}",
                s.appraisal_id,
                params,
            )
            for u in users
        ]
    return out


def deputy_acted(
    a: Appraisal, step: AppraisalStep, actor, holder_id: int, action: str, comment: str = ""
) -> list[Message]:
    """The holder told that their deputy acted on one of their steps (`action`:
    "submit" or "return"): who, on which appraisal and step, and a return's comment."""
    name = person_name(actor)
    n = StepSubmission.objects.filter(step=step).count()
    params = {
        "deputy": name,
        "employee": a.employee.name,
        "period": a.cycle.period,
        "step": step.code,
        "action": action,
        **({"comment": comment[:500]} if comment else {}),
    }
    return [
        Message(
            holder_id,
            a.company_id,
            "deputy_acted",
            f"代理/Deputy {name} {action}: {a.employee.name} {a.cycle.period} {step.code}",
            f"deputy_acted:{step.pk}:{action}:{n}",
            a.pk,
            params,
        )
    ]
