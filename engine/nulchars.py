"""A NUL character in a query or form value is never something a person typed, and
PostgreSQL refuses it in text (a 500 deep inside a filter). One check at the edge
answers 400 naming the field, before any view or query sees the value."""

from __future__ import annotations

from django.utils.translation import gettext as _

from engine.edge_refusal import edge_refusal


def _field_with_nul(request) -> str | None:
    for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _field_with_nul(request)
        if field is not None:
            text = _("The field %(field)s holds a null character, which is not allowed.") % {
                "field": field
            }
            return edge_refusal(
                request.path, status=400, kind="invalid", text=text, field=field, rule="no_nul"
            )
        return self.get_response(request)
