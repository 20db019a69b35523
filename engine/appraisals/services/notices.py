"""What the holders of a step are told, in one shape for opening, routing and the sweep."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils import timezone

from engine import clock
from engine.deadlines.due import reminder_day
from engine.deadlines.holding import holders_of
from engine.deadlines.sweep import NEXT_WORKING_DAY_TEXT
from engine.notifications.services import Message
from engine.org.display import person_name
from engine.org.models import Delegation
from engine.org.selectors import delegators_of

from ..four_eyes import deputy_step_refusal
from ..models import Appraisal, AppraisalStep, StepSubmission


def step_messages(
    steps: Iterable[AppraisalStep],
    kind: str,
    text: str,
    company_id: int,
    *,
    appraisal: Appraisal | None = None,
    **extra,
) -> list[Message]:
    """One message per holder; a role-held step tells every holder of the role. The
    message names the person and the period (one query for all the steps, none when
    the caller holds their one `appraisal` with its employee and cycle)."""
    steps = list(steps)
    if appraisal is not None:
        about = {appraisal.pk: (appraisal.employee.name, appraisal.cycle.period)}
    else:
        about = {
            pk: (name, period)
            for pk, name, period in Appraisal.objects.filter(
                pk__in={s.appraisal_id for s in steps}
            ).values_list("pk", "employee__name", "cycle__period")
        }
    out = []
    for s, users in holders_of(steps, company_id):
        if kind in OPENING_KINDS:
            users = [*users, *(u for u in deputies_of(s) if u not in users)]
        employee, period = about.get(s.appraisal_id, ("", ""))
        params = {
            "employee": employee,
            "period": period,
            "step": s.code,
            # names the step: the GM step of the GM's own appraisal is the board's
            "holder_role": s.holder_role,
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
                f"{kind}:{s.appraisal_id}:{s.seq}:{s.rounds}:{_occasion(kind, s)}",
                s.appraisal_id,
                params,
            )
            for u in users
        ]
    return out


# Notices about a step opening: one per opening. The others (the sweep's reminders and
# overdue marks) are one per due day: a step a return gave a new due day is reminded
# again, the same due day never twice. A step reopened when the form it returned comes
# back keeps its round, so the round alone would swallow the second "a step is yours".
OPENING_KINDS = ("step_open", "step_open_waiting", "step_returned")


def _occasion(kind: str, s: AppraisalStep) -> str:
    """The part of a notice's key that tells one occasion of a step from the next
    (`HOLDER_NOTICES` in engine/appraisals/deadlines.py builds the sweep's the same)."""
    if kind in OPENING_KINDS and s.opened_at is not None:
        return s.opened_at.strftime("%Y%m%d%H%M%S%f")
    return s.due_date.isoformat()


def delegated() -> Exists:
    """Whether a step's holder has a delegation running today, to annotate steps read
    anyway as `delegated`: `deputies_of` then reads the deputies only when there are."""
    day = timezone.localdate(clock.now())
    return Exists(
        Delegation.objects.filter(
            from_user_id=OuterRef("assignee_id"),
            starts_on__lte=day,
            ends_on__gte=day,
            revoked_at__isnull=True,
        )
    )


def deputies_of(step: AppraisalStep) -> list[int]:
    """The deputies standing in today for the step's holder who may act on it (the four
    eyes rules of `deputy_step_refusal`): a step opening is theirs to do as well, so
    they are told as the holder is."""
    if not step.assignee_id or step.code == "self" or not getattr(step, "delegated", True):
        return []
    day = timezone.localdate(clock.now())
    running = Delegation.objects.filter(
        from_user_id=step.assignee_id, starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True
    ).select_related("to_user")
    return [d.to_user_id for d in running if d.to_user.is_active and _may_act(d.to_user, step)]


def _may_act(user, step: AppraisalStep) -> bool:
    return step.assignee_id in delegators_of(user) and deputy_step_refusal(user, step) is None


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
