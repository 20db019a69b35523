"""One place that turns domain errors into answers: JSON with the field and the rule
for the API, a message on the page for people."""

from __future__ import annotations

import functools
import json

from django.http import JsonResponse

from engine.errors import DomainError, InvalidInput


def json_errors(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return JsonResponse(exc.as_dict(), status=exc.status)

    return wrapper


def json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the body is not JSON ({exc})", field="body", rule="json") from exc
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", field="body", rule="type")
    return data
