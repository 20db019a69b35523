"""Separation of duties for everyone who is given a step to hold (docs/architecture.md,
"Permissions"), in one place: a delegation, HR's hand-over on the cycle board, the API's
reassignment and a leaver's successor all ask here, so no path can put a step of an
appraisal in the hands of someone who must not hold it.

The rules, for a step of the appraisal of `subject` given to `holder`:
- nobody holds a step of their own appraisal (`own_appraisal`);
- nobody reviews their own manager: a person below the subject in the line
  (`reviews_manager`);
- nobody scores a peer: two people with the same supervisor (`peer`);
- four eyes: nobody holds two reviewing steps of one appraisal — whoever holds or
  acted on another of its reviewing steps (`reviewers`, named by the caller, who
  knows the appraisal) is refused (`already_reviewed`).
And for a deputy, who holds the delegator's steps for a period: the deputy is
neither the delegator (`self_deputy`), nor below them in the line (`deputy_reports`:
they would hold their peers' reviews and their own), nor above them (`deputy_reviews`:
the delegator's own reviewer reviews the delegator's team at a later step already, and
would review those appraisals twice), nor a holder of a reviewing company role
(`deputy_role`: HR, the GM or the board hold their own later steps of the team's
appraisals, so as deputy they would hold two reviews of each). When a deputy acts (`deputy_act_refusal`), a
self-review is never theirs (`self_review`) and every holder rule applies to them as
if the step had been handed to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from engine.errors import InvalidInput

from .models import Delegation, Employee
from .selectors import company_line, line_managers, reviewing_role_holders, reviewing_roles


def holder_refusal(
    *, holder_id: int, subject_id: int, field: str = "user", reviewers: Collection[int] = ()
) -> InvalidInput | None:
    """Why the user `holder_id` may not hold a review step of the appraisal of the user
    `subject_id` (None when they may). `reviewers`: the users who hold or acted on the
    appraisal's other reviewing steps. The error names the field the holder came from."""
    if holder_id == subject_id:
        return InvalidInput(
            "nobody holds a step of their own appraisal", field=field, rule="own_appraisal"
        )
    if subject_id in line_managers(holder_id):
        return InvalidInput(
            "they report to the appraised person: nobody reviews their own manager",
            field=field,
            rule="reviews_manager",
        )
    sups = dict(
        Employee.objects.filter(user_id__in=[holder_id, subject_id]).values_list(
            "user_id", "supervisor_id"
        )
    )
    mine, theirs = sups.get(holder_id), sups.get(subject_id)
    if mine is not None and mine == theirs:
        return InvalidInput(
            "they are the appraised person's peer: nobody scores a peer",
            field=field,
            rule="peer",
        )
    if holder_id in reviewers:
        return InvalidInput(
            "they hold or already did another review of this appraisal: "
            "one person never reviews it twice",
            field=field,
            rule="already_reviewed",
        )
    return None


def deputy_refusal(
    *, delegator_id: int, deputy_id: int, field: str = "to_user"
) -> InvalidInput | None:
    """Why `deputy_id` may not hold the steps of `delegator_id` for a while (None when
    they may). The delegated steps concern the delegator's reports: a deputy among them
    would score their peers and hold a review of their own appraisal."""
    if deputy_id == delegator_id:
        return _deputy_refused("self_deputy", field)
    if delegator_id in line_managers(deputy_id):
        return _deputy_refused("deputy_reports", field)
    if deputy_id in line_managers(delegator_id):
        return _deputy_refused("deputy_reviews", field)
    if reviewing_roles(deputy_id):
        return _deputy_refused("deputy_role", field)
    return None


def deputy_refusals(
    *, delegator_id: int, company_id: int, deputy_ids: Collection[int], field: str = "to_user"
) -> dict[int, InvalidInput | None]:
    """`deputy_refusal` for many colleagues at once (the delegation form lists the
    whole company): the same rules, in the same order, over the company's line read
    once."""
    line = company_line(company_id)
    above_me = line.above(delegator_id)
    roles = reviewing_role_holders(company_id)
    out: dict[int, InvalidInput | None] = {}
    for deputy_id in deputy_ids:
        rule = None
        if deputy_id == delegator_id:
            rule = "self_deputy"
        elif delegator_id in line.above(deputy_id):
            rule = "deputy_reports"
        elif deputy_id in above_me:
            rule = "deputy_reviews"
        elif deputy_id in roles:
            rule = "deputy_role"
        out[deputy_id] = None if rule is None else _deputy_refused(rule, field)
    return out


DEPUTY_RULES = {
    "self_deputy": "nobody is their own deputy",
    "deputy_reports": "the deputy reports to you: they would review their peers and themselves",
    "deputy_reviews": (
        "the deputy is your own reviewer: they review your team's appraisals at a "
        "later step and would review them twice"
    ),
    "deputy_role": (
        "the deputy is HR, the general manager or on the board: they hold a later "
        "step of your team's appraisals and would review them twice"
    ),
}


def _deputy_refused(rule: str, field: str) -> InvalidInput:
    return InvalidInput(DEPUTY_RULES[rule], field=field, rule=rule)


def deputy_act_refusal(
    *,
    deputy_id: int,
    delegator_id: int,
    subject_id: int,
    code: str,
    reviewers: Collection[int] = (),
    field: str = "step",
) -> InvalidInput | None:
    """Why the deputy `deputy_id` may not act, for `delegator_id`, on the `code` step of
    the appraisal of `subject_id` (None when they may): asked when they act and when
    their inbox and the appraisals they may read are listed. A self-review is the
    employee's own; the delegation must be one that could be made now; and the deputy
    must be someone the step could be handed to."""
    if code == "self":
        return InvalidInput(
            "a self-review is the employee's own: no deputy writes it",
            field=field,
            rule="self_review",
        )
    why = deputy_refusal(delegator_id=delegator_id, deputy_id=deputy_id, field=field)
    if why is not None:
        return why
    return holder_refusal(
        holder_id=deputy_id, subject_id=subject_id, field=field, reviewers=reviewers
    )


def delegation_overlapping(
    *, from_user_id: int, starts_on: dt.date, ends_on: dt.date
) -> Delegation | None:
    """The delegation of the same person whose period meets the one given: one deputy at
    a time, so whose steps a deputy holds on a day is never in doubt. One ended early,
    or one to a deputy the rules refuse (recorded before the rule: it gives nothing),
    leaves its days free."""
    meeting = (
        Delegation.objects.filter(
            from_user_id=from_user_id,
            revoked_at__isnull=True,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .select_related("to_user__employee")
        .order_by("starts_on", "pk")
    )
    for d in meeting:
        if deputy_refusal(delegator_id=from_user_id, deputy_id=d.to_user_id) is None:
            return d
    return None
