"""What the header shows on every page: how many tasks wait and how many
notifications are unread, counted only when a page actually shows them."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from engine.appeals.selectors import appeal_inbox_steps
from engine.appraisals.selectors import inbox_steps
from engine.notifications.models import Notification
from engine.org.selectors import company_roles
from engine.trail.selectors import READERS


def _counts(user) -> dict[str, int]:
    roles = company_roles(user).values()
    return {
        "tasks": inbox_steps(user).count() + appeal_inbox_steps(user).count(),
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        # the GM's overview in the menu (the roles are read once per request already)
        "gm": any("gm" in r for r in roles),
        # the audit trail in the menu of those who may read it (auditors, HR, the GM)
        "audit": any(r & READERS for r in roles),
    }


def header_counts(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"header": SimpleLazyObject(lambda: _counts(user))}
