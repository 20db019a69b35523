"""Four eyes on one appraisal, and what a deputy may do with it: the appraisal side of
`engine.org.holders` (which holds the rules). Here the people who hold or acted on an
appraisal's reviewing steps are read, and a deputy's step is asked about, so the act
itself, the inbox, the appraisals a deputy may read and every hand-over answer alike."""

from __future__ import annotations

from collections.abc import Iterable

from engine.errors import InvalidInput
from engine.org.holders import deputy_act_refusal
from engine.org.selectors import delegators_of, role_user_ids

from .models import AppraisalStep, StepSubmission

LIVE = ("open", "pending")


def reviewers_of(appraisal_id: int, *, besides: int | None = None) -> set[int]:
    """User ids who hold or acted on a reviewing step (any step but the self-review) of
    the appraisal, other than the step `besides`: its assignee while it runs, whoever
    handed it in or returned it (and for whom, when a deputy did), and a company role's
    holder when they are the only one who can take it (the GM)."""
    steps = AppraisalStep.objects.filter(appraisal_id=appraisal_id).exclude(code="self")
    if besides is not None:
        steps = steps.exclude(pk=besides)
    out: set[int] = set()
    roles: dict[int, set[str]] = {}
    subject = None
    for s in steps.select_related("appraisal__employee"):
        subject = s.appraisal.employee.user_id
        if s.state in LIVE and s.assignee_id:
            out.add(s.assignee_id)
        elif s.state in LIVE and s.holder_role:
            roles.setdefault(s.company_id, set()).add(s.holder_role)
        if s.state == AppraisalStep.State.DONE:
            out.update(i for i in (s.assignee_id, s.completed_by_id) if i)
    for company_id, wanted in roles.items():
        for users in role_user_ids(company_id, wanted).values():
            only = set(users) - {subject}
            if len(only) == 1:
                out |= only
    subs = StepSubmission.objects.filter(step__in=steps).exclude(kind=StepSubmission.Kind.PUSH)
    for by, for_whom in subs.values_list("by_id", "on_behalf_of_id"):
        out.update(i for i in (by, for_whom) if i)
    return out


def deputy_step_refusal(user, step: AppraisalStep) -> InvalidInput | None:
    """Why `user`, as a deputy of the step's holder, may not act on it (None when they
    may, or when they are not standing in for its holder at all: then they simply do
    not hold it)."""
    if not step.assignee_id or step.assignee_id == user.pk:
        return None
    if step.assignee_id not in delegators_of(user):
        return None
    return deputy_act_refusal(
        deputy_id=user.pk,
        delegator_id=step.assignee_id,
        subject_id=step.appraisal.employee.user_id,
        code=step.code,
        reviewers=reviewers_of(step.appraisal_id, besides=step.pk),
    )


def deputy_steps(user, states: Iterable[str] = ("open",)) -> list[int]:
    """Ids of the steps `user` holds today as a deputy and may act on: the delegators'
    steps in `states`, without self-reviews and without those the rules refuse them."""
    deputy_for = delegators_of(user)
    if not deputy_for:
        return []
    steps = (
        AppraisalStep.objects.filter(assignee_id__in=deputy_for, state__in=list(states))
        .exclude(code="self")
        .select_related("appraisal__employee")
    )
    return [s.pk for s in steps if deputy_step_refusal(user, s) is None]


def acting_for(actor, step: AppraisalStep) -> int | None:
    """The holder `actor` acts for when they are not the step's holder themselves (a
    deputy): recorded with what they hand in and in the trail."""
    pk = getattr(actor, "pk", None)
    if pk is None or not step.assignee_id or step.assignee_id == pk:
        return None
    return step.assignee_id
