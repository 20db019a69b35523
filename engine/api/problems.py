"""Every error of `/api/` as `application/problem+json` (RFC 9457): a type, a title,
the status, and the field and rule at fault — from a domain error, a DRF error, or
anything unexpected (logged; the client still gets JSON, never an HTML page)."""

from __future__ import annotations

import logging

from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response

from engine.busy import busy_conflict, is_busy
from engine.errors import DomainError

log = logging.getLogger(__name__)
TYPE = "https://jixiao.invalid/problems/"


def problem(status: int, code: str, detail: str, field: str | None = None, rule: str | None = None):
    body = {
        "type": f"{TYPE}{code}",
        "title": code.replace("_", " "),
        "status": status,
        "detail": detail,
        "field": field,
        "rule": rule,
    }
    return Response(body, status=status, content_type="application/problem+json")


def _first(detail) -> tuple[str | None, str]:
    """The first field and message of a DRF validation error; an item of a list of
    objects is named by its index (`rows[3].value`), as the domain errors name it."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            sub_field, message = _first(value)
            name = key if key != "non_field_errors" else None
            if isinstance(key, int):  # DRF keys a list's bad items by their index
                name = f"[{key}]"
            if name and sub_field and sub_field.startswith("["):
                return f"{name}{sub_field}", message
            return (f"{name}.{sub_field}" if name and sub_field else name or sub_field), message
    if isinstance(detail, list) and detail:
        for i, item in enumerate(detail):
            if isinstance(item, dict):
                if item:
                    sub_field, message = _first(item)
                    return (f"[{i}].{sub_field}" if sub_field else f"[{i}]"), message
            else:
                return _first(item)
        return None, str(detail)
    return None, str(detail)


def words(exc: DomainError) -> str:
    """A domain error's reason in the caller's language (the request's, engine/api/
    language.py): its template translated, then filled; the English when the catalogue
    has no words for it yet."""
    text = getattr(exc, "text", exc.message)
    params = getattr(exc, "params", None) or {}
    said = gettext(text) if text else exc.message
    try:
        return said % params if params else said
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return exc.message


def problem_handler(exc, context):
    if isinstance(exc, DomainError):
        return problem(exc.status, exc.code, words(exc), exc.field, exc.rule)
    if is_busy(exc):  # a deadlock no writer retried away: 409 in words, never a 500
        e = busy_conflict()
        return problem(e.status, e.code, e.message, e.field, e.rule)
    if isinstance(exc, Http404):
        return problem(404, "not_found", gettext("no such resource"), None, "exists")
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first(exc.detail)
        return problem(400, "invalid", message, field, "schema")
    if isinstance(exc, exceptions.Throttled):
        response = problem(
            429, "throttled", gettext("too many calls; try again later"), None, "rate"
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = problem(
            401, "unauthenticated", gettext(str(exc.detail)), "authorization", "token"
        )
        response["WWW-Authenticate"] = 'Bearer realm="jixiao"'
        return response
    if isinstance(exc, exceptions.APIException):
        code = getattr(exc, "default_code", "error")
        return problem(exc.status_code, str(code), gettext(str(exc.detail)), None, str(code))
    log.exception("unexpected error in the API", exc_info=exc)
    return problem(500, "server_error", gettext("something went wrong on our side"), None, None)


@csrf_exempt  # it only ever answers 404, whatever the method
def json_not_found(request, exception=None):
    """404 for any `/api/` address that does not exist, as problem+json."""
    return JsonResponse(
        {
            "type": f"{TYPE}not_found",
            "title": "not found",
            "status": 404,
            "detail": gettext("no such address"),
            "field": None,
            "rule": "exists",
        },
        status=404,
        content_type="application/problem+json",
    )
