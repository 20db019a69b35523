"""The append-only, hash-chained audit trail (docs/architecture.md, "The audit trail").

One chain per company (chain 0 holds installation-wide events). The chain head row is
locked while an event is appended, which serialises writers of one company and keeps
the sequence contiguous; database triggers refuse UPDATE and DELETE on events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .canonical import GENESIS, payload_of


class AuditChainHead(models.Model):
    chain = models.BigIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"chain {self.chain} @ {self.last_seq}"


class AuditEvent(models.Model):
    chain = models.BigIntegerField()
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    company = models.ForeignKey(
        "org.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=40, blank=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=60)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["company", "at"], name="audit_company_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]
        ordering = ["chain", "seq"]

    def __str__(self) -> str:
        return f"#{self.chain}.{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def payload(self) -> dict:
        """The hashed content: everything a reader relies on, nothing derived."""
        return payload_of(self)
