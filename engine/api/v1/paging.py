"""The one way every growing list of the API pages: a cursor over a unique, rising key
(the primary key, or the audit chain's sequence number), so a client that follows
`next` gets every row once, in the same order, even while rows are being added — an
offset would repeat or skip rows. Every page is `{"results": [...], "next": URL|null,
"previous": URL|null}`, and drf-spectacular draws that envelope from this class."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from engine.errors import InvalidInput

MAX_PAGE = 200
# drf-spectacular draws the envelope from the paginator but, with the error responses
# listed beside the page, not its query parameters: each list names them with these
PAGE_PARAMS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, required=False, description="From `next`."),
    OpenApiParameter(
        "limit", OpenApiTypes.INT, required=False, description=f"Rows a page (50; <= {MAX_PAGE})."
    ),
]


class CursorPage(CursorPagination):
    """Oldest first by the view's `cursor_key` (`pk` unless it says otherwise); `limit`
    rows a page (50 by default, at most 200)."""

    ordering = "pk"
    page_size = 50
    max_page_size = MAX_PAGE
    page_size_query_param = "limit"
    cursor_query_description = "The `next` or `previous` link's cursor: follow the link."
    page_size_query_description = f"Rows a page (default 50, at most {MAX_PAGE})."

    def get_ordering(self, request, queryset, view):
        return (getattr(view, "cursor_key", self.ordering),)

    def decode_cursor(self, request):
        """A cursor the API did not write is the caller's mistake: 400 naming it (DRF
        answers 404, which reads as "no such list")."""
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise InvalidInput(
                "not a cursor this API gave: follow the next link", field="cursor", rule="cursor"
            ) from exc  # the words are translated where the problem is answered


def paged(
    view,
    request,
    queryset,
    serializer,
    shape: Callable[[object], object] | None = None,
) -> Response:
    """One page of `queryset` in the common envelope; each row through `shape` (the
    view's dict) before `serializer` (the schema's) when the view builds its rows."""
    paginator = view.pagination_class()
    rows: Iterable = paginator.paginate_queryset(queryset, request, view=view)
    if shape is not None:
        rows = [shape(r) for r in rows]
    return paginator.get_paginated_response(serializer(rows, many=True).data)
