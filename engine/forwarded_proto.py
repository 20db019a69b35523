"""Django believes `X-Forwarded-Proto: https` (SECURE_PROXY_SSL_HEADER) from anyone,
so a client reaching gunicorn directly could call a plain-HTTP request secure: the
HTTPS redirect is skipped and CSRF's referer check for secure requests is chosen by
the client. The header is kept only when it came from a proxy this installation
trusts (engine.clientip.from_trusted_proxy); from anyone else it is dropped before
SecurityMiddleware reads it."""

from __future__ import annotations

from engine.clientip import from_trusted_proxy

HEADER = "HTTP_X_FORWARDED_PROTO"


class TrustedForwardedProtoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if HEADER in request.META and not from_trusted_proxy(request):
            del request.META[HEADER]
        return self.get_response(request)
