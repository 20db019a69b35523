"""Single sign-on by OpenID Connect (mozilla-django-oidc), on when the settings name a
provider (`JIXIAO_OIDC_*`, docs/install.md, "Single sign-on").

The provider says who the person is; jixiao decides whether that person has an
account: the one HR made (import, the person form, `company create`) with the same
e-mail address, else the same username as the provider's `preferred_username`. No
account is ever created by signing in — who works where is HR's to say — and a leaver
(an inactive account) is refused like a wrong password. Password sign-in stays.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)


def enabled() -> bool:
    """Whether a provider is configured: its views answer 404 otherwise."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class Backend(OIDCAuthenticationBackend):
    """The account a provider's person signs in to: matched, never created."""

    def verify_claims(self, claims: dict) -> bool:
        return bool(claims.get("email") or claims.get("preferred_username"))

    def filter_users_by_claims(self, claims: dict):
        return matching_accounts(
            email=claims.get("email"), username=claims.get("preferred_username")
        )


def matching_accounts(*, email, username):
    """The active accounts a provider's person signs in to: the same e-mail address
    (any case), else the same username; none when neither matches."""
    from django.contrib.auth import get_user_model

    active = get_user_model().objects.filter(is_active=True)
    email = str(email or "").strip()
    found = active.filter(email__iexact=email) if email else active.none()
    name = str(username or "").strip()
    if not found.exists() and name:
        found = active.filter(username=name)
    return found


def start(request: HttpRequest) -> HttpResponse:
    """To the provider's sign-in page (with the page to come back to)."""
    if not enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: signed in, or to the sign-in page saying it failed."""
    if not enabled():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
