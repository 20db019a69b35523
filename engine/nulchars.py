"""A NUL or another control character in a query or form value is never something a
person typed: PostgreSQL refuses NUL in text (a 500 deep inside a filter), and the
others cannot be written into a spreadsheet cell (an export that fails long after the
value was stored). One check at the edge answers 400 naming the field, before any view
or query sees the value. Tab, line feed and carriage return are text; the line breaks
of a form post are then written as one "\n" each (engine/linebreaks.py), so every
length check counts them as the browser did."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from engine.edge_refusal import edge_refusal
from engine.linebreaks import normalised

# C0 controls but tab, LF and CR; DEL; the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _field_with_control(request) -> str | None:
    for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for key, values in data.lists():
            if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
                return CONTROL.sub("", key)
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _field_with_control(request)
        if field is not None:
            text = _(
                "The field %(field)s holds a null or control character, which is not allowed."
            ) % {"field": field}
            return edge_refusal(
                request.path, status=400, kind="invalid", text=text, field=field, rule="no_nul"
            )
        if request.method == "POST":
            request.POST = normalised(request.POST)
        return self.get_response(request)
