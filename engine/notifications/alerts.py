"""The audit trail's alarms told to people (engine/audit/signing.py sends `alert`): a
chain refused a signature — it no longer holds to its last signed checkpoint — or a
signing after a commit that failed. The company's HR and auditors are told in the app
and through the outbox (e-mail, plugin channels, the company's webhooks), once per
incident. The log line at CRITICAL is the alarm that does not live in the database."""

from __future__ import annotations

from django.db import transaction

from engine.org.models import Company
from engine.org.selectors import role_user_ids

from .services import Message, notify_many

TEXT = {
    "refused": "审计链校验失败，未签名检查点/The audit trail failed its check; no checkpoint was signed",
    "failed": "审计链检查点签名失败/Signing the audit trail's checkpoint failed",
}


def trail_alert(sender, *, chain: int, kind: str, detail: str, key: str, **kwargs) -> None:
    """Tell the company's HR and auditors; the installation's own chain (0) has no
    company, so its alarm is the log alone."""
    if not chain or kind not in TEXT or not Company.objects.filter(pk=chain).exists():
        return
    users = sorted({u for ids in role_user_ids(chain, ["hr", "auditor"]).values() for u in ids})
    with transaction.atomic():
        notify_many(
            Message(
                u,
                chain,
                f"trail_{kind}",
                f"{TEXT[kind]}: {detail}"[:2000],
                f"trail:{key}",
                None,
                {"detail": detail[:500]},
            )
            for u in users
        )
