"""What the header shows on every page: how many tasks wait and how many
notifications are unread, counted only when a page actually shows them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from engine.notifications.models import Notification
from engine.org.display import person_name
from engine.org.selectors import company_roles, signed_in_employee
from engine.trail.selectors import READERS
from workflows.common.tasks import task_counts


def _counts(user) -> dict[str, int | str]:
    roles = company_roles(user).values()
    signed_in_employee(user)  # one read of the reader's row: their name, team and log line
    return {
        # who is signed in, in words (never the login name)
        "me": person_name(user),
        # the steps the user can act on now (workflows.common.tasks), as the inbox counts
        "tasks": task_counts(user)[0],
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        # the GM's overview in the menu (the roles are read once per request already)
        "gm": any("gm" in r for r in roles),
        # HR's desk (cycle board, appeals, people, imports) one click from every page
        "hr": any("hr" in r for r in roles),
        # "My team" only for someone with a team: a supervisor or a department head
        "team": has_team(user),
        # the audit trail in the menu of those who may read it (auditors, HR, the GM)
        "audit": any(r & READERS for r in roles),
    }


def has_team(user) -> bool:
    """Whether the user supervises someone or heads a department (an auditor or a
    plain employee has nobody to review: the menu does not offer them a team); asked
    with the reader's own employee row, read once per request."""
    emp = signed_in_employee(user)
    return bool(emp is not None and emp.has_team)


def header_counts(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"header": SimpleLazyObject(lambda: _counts(user))}
