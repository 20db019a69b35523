"""The answer a middleware gives when it stops a request before any view runs (a NUL
character, a database too busy to finish): problem+json on the API, like
engine.api.problems, and a one-line page in the reader's language elsewhere."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape


def edge_refusal(
    path: str, *, status: int, kind: str, text: str, field: str | None, rule: str
) -> HttpResponse:
    if path.startswith("/api/"):
        body = {
            "type": f"https://jixiao.invalid/problems/{kind}",
            "title": kind,
            "status": status,
            "detail": text,
            "field": field,
            "rule": rule,
        }
        return JsonResponse(body, status=status, content_type="application/problem+json")
    return HttpResponse(
        f"<!doctype html><title>{status}</title><p>{escape(text)}</p>",
        status=status,
        content_type="text/html; charset=utf-8",
    )
