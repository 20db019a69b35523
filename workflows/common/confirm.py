"""The one confirmation step of every irreversible or bulk action (HR's desk, the
step submission, the approval that publishes): the first post renders this page with
a summary of what will happen, the second (with the confirmation field set) acts. A
page rather than a script: the Content-Security-Policy forbids inline scripts, and the
step must work without JavaScript.

Going back never throws away what was typed: with `back_post` the back control is a
button of the same form that posts every typed value to that address (the step's draft,
or the page's form re-shown with them) instead of a link that reloads an empty form."""

from __future__ import annotations

from collections.abc import Iterable

from django.shortcuts import render

SHOWN = 20  # names listed before "and N more"


def confirmed(request, key: str = "confirm") -> bool:
    """True on the second post: the person saw the summary and confirmed."""
    return request.POST.get(key) == "1"


def ask(
    request,
    *,
    title: str,
    summary: Iterable[str],
    action: str,
    button: str,
    back: str,
    form_id: str,
    names: Iterable[str] = (),
    facts: Iterable[tuple] = (),
    company=None,
    nav: str = "",
    key: str = "confirm",
    card_id: str = "confirm-summary",
    back_text: str = "",
    back_post: str = "",
    hidden: Iterable[tuple[str, str]] | None = None,
):
    """The confirmation page: sentences, then facts (label, value[, element id]) and the
    people concerned; every posted field is sent again with `key=1` (or `hidden`, when
    the page replaces some, e.g. a file kept as a token). `back_post`: where the back
    button's own form posts them, with `back=1`."""
    names = list(names)
    if hidden is None:
        hidden = [
            (k, v)
            for k, values in request.POST.lists()
            if k not in ("csrfmiddlewaretoken", key, "back")
            for v in values
        ]
    return render(
        request,
        "common/confirm.html",
        {
            "title": title,
            "summary": list(summary),
            "facts": [(f[0], f[1], f[2] if len(f) > 2 else "") for f in facts],
            "names": names[:SHOWN],
            "more": max(0, len(names) - SHOWN),
            "action": action,
            "hidden": hidden,
            "button": button,
            "back": back,
            "back_text": back_text,
            "back_post": back_post,
            "form_id": form_id,
            "card_id": card_id,
            "key": key,
            "company": company,
            "nav": nav,
        },
    )
