"""A page address typed or followed that only a form's button may use (a POST-only
action: hand a step in, export the payroll): instead of a blank 405, the reader is
taken to the page the action belongs to, told why. The page is found from the address
itself: `payroll.xlsx` belongs to `payroll/`; otherwise the nearest address above it
that is a page (`/appraisals/5/steps/7/submit/` → `/appraisals/5/`). The API keeps its
405 (a machine reads the Allow header)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _


def _page(path: str) -> str | None:
    """The nearest address that a GET may open, derived from a POST-only one."""
    head, _slash, last = path.rstrip("/").rpartition("/")
    candidates = []
    if "." in last:  # an export: payroll.xlsx → payroll/
        candidates.append(f"{head}/{last.partition('.')[0]}/")
    parts = path.strip("/").split("/")
    for n in range(len(parts) - 1, 0, -1):
        candidates.append("/" + "/".join(parts[:n]) + "/")
    for candidate in candidates:
        try:
            resolve(candidate)
        except Resolver404:
            continue
        # A POST-only address above is walked past on the next request (shorter each
        # time, so never a loop).
        return candidate
    return None


class PostOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or request.path.startswith("/api/")
        ):
            return response
        target = _page(request.path)
        if target is None or target == request.path:
            return response
        if hasattr(request, "_messages"):
            messages.info(
                request, _("That address is a button's action, not a page: here is its page.")
            )
        return HttpResponseRedirect(target)
