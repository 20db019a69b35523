"""The refusal page of a company role's pages (HR's, the GM's): someone who holds the
role in another company is told the page is another company's, never that the page
is "for HR only" when they are HR."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from engine.lists import joined
from engine.org.models import Company
from engine.org.selectors import company_roles


def role_denied(request, role: str, message: str) -> HttpResponse:
    """403 with `message`, or, for a holder of `role` elsewhere, which companies their
    role is for."""
    ids = [cid for cid, roles in company_roles(request.user).items() if role in roles]
    if ids:
        names = joined(
            Company.objects.filter(pk__in=ids).order_by("code").values_list("name", flat=True)
        )
        message = _(
            "This page belongs to another company: you may open these pages for %(companies)s only."
        ) % {"companies": names}
    return render(request, "people/denied.html", {"message": message}, status=403)
