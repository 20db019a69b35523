"""Paging for every list people read: a page of the rows, the range shown and the
links that keep the filters, so no list stops at a cap without saying so."""

from __future__ import annotations

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.text import capfirst

PER_PAGE = 25


def page_of(
    request: HttpRequest, rows, per_page: int | None = None, count: int | None = None
) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest.
    `count`: the number of rows when the page counted them already (no second count)."""
    paginator = Paginator(rows, per_page or PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not asked again
    return paginator.get_page(request.GET.get("page"))


def kept_query(request: HttpRequest) -> str:
    """The filters of the current list as a query string, without the page number."""
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


class _SentenceCase:
    """A choice widget whose options start with a capital letter: the model's state
    words are lower case for use inside a sentence ("approved"), an option stands
    alone ("Approved")."""

    def create_option(self, name, value, label, *args, **kw):
        return super().create_option(name, value, capfirst(str(label)), *args, **kw)


_SENTENCE_WIDGETS: dict[type, type] = {}


def _sentence_case(widget: forms.Widget) -> None:
    cls = type(widget)
    if not isinstance(widget, forms.widgets.ChoiceWidget) or isinstance(widget, _SentenceCase):
        return
    if cls not in _SENTENCE_WIDGETS:
        _SENTENCE_WIDGETS[cls] = type(f"Sentence{cls.__name__}", (_SentenceCase, cls), {})
    widget.__class__ = _SENTENCE_WIDGETS[cls]


class FilterForm(forms.Form):
    """A list's filters: read from the query string, labels without a colon, options
    in sentence case."""

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        for field in self.fields.values():
            _sentence_case(field.widget)


def page_numbers(page: Page) -> list:
    """The page numbers to link around the current page, the first and last always
    among them; a gap is `None` (shown as "…"), so 29 pages are not prev/next only."""
    if page.paginator.num_pages <= 1:
        return []
    return [
        n if isinstance(n, int) else None
        for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
