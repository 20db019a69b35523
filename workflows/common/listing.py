"""Paging for every list people read: a page of the rows, the range shown and the
links that keep the filters, so no list stops at a cap without saying so."""

from __future__ import annotations

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def page_of(request: HttpRequest, rows, per_page: int | None = None) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest."""
    return Paginator(rows, per_page or PER_PAGE).get_page(request.GET.get("page"))


def kept_query(request: HttpRequest) -> str:
    """The filters of the current list as a query string, without the page number."""
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


class FilterForm(forms.Form):
    """A list's filters: read from the query string, labels without a colon."""

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)


def page_numbers(page: Page) -> list:
    """The page numbers to link around the current page, the first and last always
    among them; a gap is `None` (shown as "…"), so 29 pages are not prev/next only."""
    if page.paginator.num_pages <= 1:
        return []
    return [
        n if isinstance(n, int) else None
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
