"""Bearer tokens: created by HR (or `manage.py api_token create`), checked on every
call (hash compared in constant time, expiry, revocation, the company's scope), their
first use each day audited, and each token rate-limited on its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from engine import clock
from engine.audit.services import record, record_refusal
from engine.clientip import client_ip
from engine.errors import Forbidden, InvalidInput
from engine.org.models import Company, Employee
from engine.org.selectors import company_roles, require_hr
from engine.trail.selectors import auditable_companies

from .models import ApiToken

PREFIX = "jx_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scopes_within_rights(user, company_id: int) -> set[str]:
    """The scopes `user` could use in the company with their own session: a token is
    never more than its person (read: anyone of the company; results and metrics: its
    HR; the trail: those who read it on the pages)."""
    roles = company_roles(user).get(company_id, set())
    allowed = {"read"}
    if "hr" in roles:
        allowed |= {"metrics:write", "results:read"}
    if company_id in auditable_companies(user):
        allowed.add("audit:read")
    return allowed


def company_tokens(company_id: int):
    """A company's tokens, newest first, with the person each acts as."""
    return (
        ApiToken.objects.filter(company_id=company_id)
        .select_related("user__employee", "created_by__employee")
        .order_by("-created_at", "-pk")
    )


def token_state(token: ApiToken, now=None) -> ApiToken.State:
    """Active, expired or revoked (revoked wins: it was someone's decision)."""
    now = now or clock.now()
    if token.revoked_at is not None:
        return ApiToken.State.REVOKED
    return ApiToken.State.EXPIRED if token.expires_at <= now else ApiToken.State.ACTIVE


def api_token_create(
    *, actor, company: Company, user, scopes: list[str], days: int = 90, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token acting as `user` in `company`; the secret is returned once."""
    if actor is not None:
        require_hr(actor, company.pk)
    unknown = sorted(set(scopes) - set(ApiToken.SCOPES))
    if not scopes or unknown:
        raise InvalidInput(
            f"scopes are some of {list(ApiToken.SCOPES)}", field="scopes", rule="choices"
        )
    beyond = sorted(set(scopes) - scopes_within_rights(user, company.pk))
    if beyond:
        raise Forbidden(
            f"{user.get_username()} may not use {', '.join(beyond)} with their own rights",
            field="scopes",
            rule="rights",
        )
    if not 1 <= days <= 730:
        raise InvalidInput("a token lasts 1 to 730 days", field="expires", rule="range")
    if not Employee.objects.filter(user=user, company=company).exists() and not (
        user.company_roles.filter(company=company).exists()
    ):
        raise InvalidInput("the user does not work for this company", field="user", rule="company")
    body = secrets.token_urlsafe(32)
    while body.startswith("-"):  # `api_token revoke -xyz…` would read as an option
        body = secrets.token_urlsafe(32)
    prefix = body[:8]
    secret = f"{PREFIX}{prefix}.{body[8:]}"
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            company=company,
            user=user,
            name=name or f"token for {user.get_username()}",
            prefix=prefix,
            digest=_digest(secret),
            scopes=sorted(set(scopes)),
            created_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        record(
            company=company,
            actor=actor,
            role="hr",
            action="api_token_create",
            object_type="api.apitoken",
            object_id=token.pk,
            after={
                "user_id": user.pk,
                "name": token.name,
                "scopes": token.scopes,
                "expires": token.expires_at,
            },
        )
    return token, secret


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """HR (or the operator's command, `actor` None) ends a token at once; a token
    revoked already stays as it is (nothing more to audit)."""
    if actor is not None:
        require_hr(actor, token.company_id)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(
            company=token.company_id,
            actor=actor,
            role="hr",
            action="api_token_revoke",
            object_type="api.apitoken",
            object_id=token.pk,
        )
    return token


def _refused(token: ApiToken, attempt: str) -> None:
    """A known token refused (revoked, expired, its person gone) is a refusal on the
    trail like any other: on the token, as its person, coalesced per hour."""
    record_refusal(
        company=token.company_id,
        actor=token.user,
        object_type="api.apitoken",
        object_id=token.pk,
        after={"attempt": attempt},
    )


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer jx_<prefix>.<rest>`; a bad token is refused, not ignored."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.lower().startswith("bearer "):
            return None
        secret = header[7:].strip()
        prefix = secret[len(PREFIX) : len(PREFIX) + 8] if secret.startswith(PREFIX) else ""
        token = ApiToken.objects.select_related("user", "company").filter(prefix=prefix).first()
        now = clock.now()
        if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
            raise exceptions.AuthenticationFailed("the token is not valid")
        if token.revoked_at is not None or token.expires_at <= now:
            _refused(token, "api_revoked" if token.revoked_at is not None else "api_expired")
            raise exceptions.AuthenticationFailed("the token has expired or was revoked")
        if not token.user.is_active:
            _refused(token, "api_left")
            raise exceptions.AuthenticationFailed("the token's user has left")
        today = timezone.localdate(now)
        if token.last_used_at is None or timezone.localdate(token.last_used_at) != today:
            with transaction.atomic():
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                record(
                    company=token.company_id,
                    actor=token.user,
                    role="api",
                    action="api_token_use",
                    object_type="api.apitoken",
                    object_id=token.pk,
                )
        speak_as(request, token.user)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="jixiao"'


def speak_as(request, user) -> None:
    """The language of a token's answers (its reasons): the request's Accept-Language
    when it sends one (LocaleMiddleware chose it already), else the language its person
    chose on the pages (Employee.language), else the installation's default."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE", "").strip():
        return
    chosen = Employee.objects.filter(user=user).values_list("language", flat=True).first()
    if chosen and chosen in dict(settings.LANGUAGES):
        translation.activate(chosen)
        getattr(request, "_request", request).LANGUAGE_CODE = translation.get_language()


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class HasScope(permissions.BasePermission):
    """A token reaches only its company, with the view's scope; a session (the pages'
    own calls) is limited by the person's own rights instead."""

    message = "the token lacks the scope this needs"

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return True
        needed = getattr(view, "scope_needed", "read")
        if isinstance(needed, dict):  # per method: reading and writing differ
            needed = needed.get(request.method)
        # A write never passes on a reading scope (nor on a method no scope names).
        if needed is None or (needed == "read" and request.method not in permissions.SAFE_METHODS):
            return False
        return needed in token.scopes


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Each token (or signed-in person) has its own budget of calls per minute."""

    scope = "api"

    def get_rate(self):
        """Read when asked, so a changed setting takes effect without a restart."""
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        """The caller's address as engine/clientip.py trusts it: DRF's own reads the
        whole X-Forwarded-For, which a caller may write."""
        return client_ip(request)

    def get_cache_key(self, request, view):
        token = token_of(request)
        ident = (
            f"t{token.pk}"
            if token
            else (
                f"u{request.user.pk}"
                if request.user and request.user.is_authenticated
                else self.get_ident(request)
            )
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BearerScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names the token: an HTTP bearer scheme."""

    target_class = "engine.api.tokens.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "jx_… token created by HR"}
