"""Who holds a step: its assignee, or every holder of its company role. One answer
for appraisal and appeal steps alike, used by the permission checks, the
notifications and the sweep."""

from __future__ import annotations

from collections.abc import Iterable

from engine.org.selectors import company_roles, delegators_of, role_user_ids

from .models import HeldStep


def holds(user, step: HeldStep, roles: set[str] | None = None) -> bool:
    """`roles` are the user's roles in the step's company, when the caller has them."""
    if user is None:
        return False
    if step.assignee_id is not None:
        # the assignee, or their deputy while a delegation runs
        return step.assignee_id == user.pk or step.assignee_id in delegators_of(user)
    if roles is None:
        roles = company_roles(user).get(step.company_id, set())
    return step.holder_role in roles


def holders_of(steps: Iterable[HeldStep], company_id: int) -> list[tuple[HeldStep, list[int]]]:
    """Each step with the users who hold it, in one query for the role-held ones."""
    steps = list(steps)
    roles = {s.holder_role for s in steps if s.assignee_id is None}
    by_role = role_user_ids(company_id, roles) if roles else {}
    return [
        (s, [s.assignee_id] if s.assignee_id else by_role.get(s.holder_role, [])) for s in steps
    ]
