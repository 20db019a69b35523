"""Irreversible and bulk actions on HR's desk ask once, with a summary of what they
will do: the first post renders this page, the second (with `confirm=1`) acts. A page
rather than a script: the Content-Security-Policy forbids inline scripts, and the step
must work without JavaScript."""

from __future__ import annotations

from django.shortcuts import render

SHOWN = 20  # names listed before "and N more"


def confirmed(request) -> bool:
    return request.POST.get("confirm") == "1"


def ask(request, *, title, summary, action, button, back, form_id, names=(), company=None):
    """The confirmation page: every posted field sent again with `confirm=1`."""
    names = list(names)
    hidden = [
        (k, v)
        for k, values in request.POST.lists()
        if k not in ("csrfmiddlewaretoken", "confirm")
        for v in values
    ]
    return render(
        request,
        "hr/confirm.html",
        {
            "title": title,
            "summary": summary,
            "names": names[:SHOWN],
            "more": max(0, len(names) - SHOWN),
            "action": action,
            "hidden": hidden,
            "button": button,
            "back": back,
            "form_id": form_id,
            "company": company,
        },
    )
