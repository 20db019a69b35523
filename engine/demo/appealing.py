"""An appeal walked through every step of its pack, as the demo and the simulator do:
mediation does not settle it, HR accepts it, the facts are checked, and the decision
upholds it (correcting one item to its full weight) or rejects it."""

from __future__ import annotations

from collections.abc import Callable

from engine.appeals import services as appeals
from engine.appeals.flow import scorers_of
from engine.appraisals.models import Appraisal
from engine.scoring import Indicator


def walk_appeal(
    a: Appraisal,
    item: Indicator,
    roles: dict[str, list],
    *,
    uphold: bool,
    advance: Callable[[], None],
) -> None:
    """File an appeal on `item` and take it to its decision; `advance()` moves the clock
    before each step."""
    appeal = appeals.appeal_file(
        actor=a.employee.user,
        appraisal_id=a.pk,
        items=[item.code],
        reason="评分依据不足，未参考我的工作记录",
    )
    # HR's steps go to an HR colleague who did not score the appraisal (engine/appeals/flow.py)
    scored = scorers_of(a.pk)
    for step in list(appeal.steps.order_by("seq")):
        step.refresh_from_db()
        actor = step.assignee or next(
            u for u in roles[step.holder_role] if u.pk != a.employee.user_id and u.pk not in scored
        )
        advance()
        if step.code == "mediation":
            appeals.appeal_mediate(
                actor=actor, appeal_id=appeal.pk, resolved=False, note="未能调解"
            )
        elif step.code == "hr_intake":
            appeals.appeal_intake(
                actor=actor, appeal_id=appeal.pk, accepted=True, reason="有客观事实依据"
            )
        elif step.code == "investigation":
            appeals.appeal_investigate(actor=actor, appeal_id=appeal.pk, findings="已核实相关记录")
        elif uphold:
            appeals.appeal_decide(
                actor=actor,
                appeal_id=appeal.pk,
                upheld=True,
                reason="记录属实",
                corrections=[
                    {
                        "field": f"values.{item.code}",
                        "value": str(item.weight),
                        "reason": "按记录更正",
                    }
                ],
            )
        else:
            appeals.appeal_decide(
                actor=actor, appeal_id=appeal.pk, upheld=False, reason="评分有据，维持原结果"
            )
