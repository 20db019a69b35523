"""The API's JSON parser refuses control characters anywhere in a body, as
engine.nulchars refuses them in forms and queries: a `\\u0000` escape decodes to a NUL
that PostgreSQL will not store in text or jsonb (a 500 deep inside a write), and the
other controls cannot be written into a spreadsheet cell (an export that fails long
after the value was stored). Checking the parsed body once, before any serializer sees
it, covers free-form objects (step data, outcomes) that no field validator reaches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.parsers import JSONParser

from engine.errors import InvalidInput
from engine.linebreaks import one_newline
from engine.nulchars import CONTROL


def _path(parent: str, key: object) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def control_at(value: Any, path: str = "") -> str | None:
    """The path (`rows[3].comment`) of the first string or key holding a control
    character, or None. Iterative, so a deeply nested body cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if CONTROL.search(item):
                return where or _("body")
        elif isinstance(item, dict):
            for key, sub in item.items():
                if CONTROL.search(key):
                    return _path(where, CONTROL.sub("", key)) or _("body")
                stack.append((_path(where, key), sub))
        elif isinstance(item, list):
            stack.extend((_path(where, i), sub) for i, sub in enumerate(item))
    return None


def with_one_newline(value: Any) -> Any:
    """`value` with every string's line breaks written as one "\\n", as a form post's
    are (engine/linebreaks.py): a reason sent by a client counts and reads the same as
    one typed in a page."""
    if isinstance(value, str):
        return one_newline(value)
    if isinstance(value, list):
        return [with_one_newline(v) for v in value]
    if isinstance(value, dict):
        return {k: with_one_newline(v) for k, v in value.items()}
    return value


class TextJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        field = control_at(data)
        if field is not None:
            raise InvalidInput(
                _("The field %(field)s holds a null or control character, which is not allowed.")
                % {"field": field},
                field=field,
                rule="no_nul",
            )
        return with_one_newline(data)
