"""The shapes of HR's API tokens (`/tokens/`): what HR reads of a token, never its
secret, and what creates one."""

from __future__ import annotations

from rest_framework import serializers

from engine.api.models import ApiToken


class TokenOut(serializers.Serializer):
    """An API token as HR reads it: never its secret (only a hash is kept)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    company = serializers.CharField()
    user = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    state = serializers.ChoiceField(choices=ApiToken.State.choices)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class TokenCreatedOut(TokenOut):
    """The new token with its secret: shown this once, never again."""

    token = serializers.CharField()


class TokenIn(serializers.Serializer):
    company = serializers.SlugField(max_length=40)
    user = serializers.RegexField(r"^[\w.@+-]{1,150}$", max_length=150)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiToken.SCOPES), min_length=1, max_length=4
    )
    expires_days = serializers.IntegerField(min_value=1, max_value=730, required=False, default=90)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
