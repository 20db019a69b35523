"""A deputy is told when a delegation naming them is made (`engine.org.services`
sends `delegation_started`): whose steps they hold, from when to when, and why — so a
step does not sit in an inbox its new holder never looks at. They are told as well when
it is ended early or cancelled (`delegation_revoked`), so they do not plan on a period
that will not come."""

from __future__ import annotations

from django.utils import timezone

from engine.org.display import person_name

from .services import Message, notify_many


def tell_deputy(sender, *, delegation, **kwargs) -> None:
    """One notice to the deputy, in the creating transaction."""
    name = person_name(delegation.from_user)
    starts, ends = delegation.starts_on.isoformat(), delegation.ends_on.isoformat()
    notify_many(
        [
            Message(
                delegation.to_user_id,
                delegation.company_id,
                "delegation_started",
                f"代理/Deputy: {name} {starts}–{ends}",
                f"delegation_started:{delegation.pk}",
                None,
                {"delegator": name, "starts": starts, "ends": ends, "reason": delegation.reason},
            )
        ]
    )


def tell_deputy_revoked(sender, *, delegation, **kwargs) -> None:
    """One notice to the deputy: cancelled when it had not begun, else ended early."""
    name = person_name(delegation.from_user)
    starts, ends = delegation.starts_on.isoformat(), delegation.ends_on.isoformat()
    cancelled = timezone.localdate(delegation.revoked_at) < delegation.starts_on
    kind = "delegation_cancelled" if cancelled else "delegation_ended"
    notify_many(
        [
            Message(
                delegation.to_user_id,
                delegation.company_id,
                kind,
                f"代理/Deputy: {name} {starts}–{ends} ✕",
                f"{kind}:{delegation.pk}",
                None,
                {"delegator": name, "starts": starts, "ends": ends},
            )
        ]
    )
