"""API tokens for integrations: a company's payroll, CRM or call-centre system acts as
a user HR chose, within the scopes given, until the token expires or is revoked. Only
a hash is stored; the secret is shown once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    SCOPES = ("read", "metrics:write", "results:read", "audit:read")

    class State(models.TextChoices):
        """Said of a token, not stored: read from its dates (`engine.api.tokens.token_state`)."""

        ACTIVE = "active", _("in force")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)  # sha256 of the whole secret
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
