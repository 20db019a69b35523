"""A reviewer hands their steps to a deputy for a period (holiday, business trip) and
sees their delegations with their status; a running one can be ended early and one not
begun cancelled, each after a confirmation naming the deputy and the period (one click
must not silently take the steps back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engine import clock
from engine.errors import DomainError
from engine.org import services as org
from engine.org.display import person_name
from engine.org.models import Delegation, Employee
from workflows.common.confirm import ask, confirmed
from workflows.common.delegation import STATUS_WORDS, DelegationForm, status
from workflows.common.error_summary import form_lines, line
from workflows.common.labels import error_text


@login_required
def delegate(request):
    me = Employee.objects.filter(user=request.user, status=Employee.Status.ACTIVE).first()
    if me is None:
        return render(request, "people/denied.html", {"message": _("Employees only")}, status=403)
    form = DelegationForm(
        request.POST or None, company_id=me.company_id, exclude_user_id=request.user.pk
    )
    error = None
    today = timezone.localdate(clock.now())
    if request.method == "POST" and "revoke" in request.POST:
        return _revoke(request, today)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org.delegation_create(
                actor=request.user,
                company=me.company,
                from_user=request.user,
                to_user=d["deputy"].user,
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                reason=d["reason"],
            )
            messages.success(
                request,
                _("Your steps go to %(name)s for that period.") % {"name": d["deputy"].name},
            )
            return redirect("people:delegate")
        except DomainError as exc:  # at its field when the form has one, else above it
            field = {"to_user": "deputy"}.get(exc.field or "", exc.field)
            if field in form.fields:
                form.add_error(field, error_text(exc))
            else:
                error = error_text(exc)
    mine = Delegation.objects.filter(from_user=request.user).select_related("to_user__employee")
    # Those I stand in for now or will: an ended or revoked delegation gives nothing.
    held = Delegation.objects.filter(
        to_user=request.user, revoked_at__isnull=True, ends_on__gte=today
    ).select_related("from_user__employee")
    return render(
        request,
        "people/delegate.html",
        {
            "form": form,
            "mine": [_row(d, today) for d in mine.order_by("-starts_on")[:50]],
            "held": held.order_by("-starts_on")[:50],
            "error": error,
            "today": today,
            # the top of the page says what to fix, each a link to its field
            "error_summary": form_lines(form, whole="delegate-form")
            + ([line("", error, "delegate-form")] if error else []),
        },
        status=400 if (form.errors or error) else 200,
    )


def _revoke(request, today):
    """End (running) or cancel (not begun) one of my delegations: first the confirmation
    naming the deputy and the period, then the act; one already over is left alone."""
    raw = request.POST.get("revoke", "")
    pk = int(raw[:12]) if raw.isascii() and raw.isdigit() else None
    d = (
        Delegation.objects.filter(pk=pk, from_user=request.user)
        .select_related("to_user__employee")
        .first()
    )
    state = status(d, today) if d else None
    if state not in ("running", "future"):
        messages.error(request, _("That delegation is already over: nothing to end."))
        return redirect("people:delegate")
    words = {
        "name": person_name(d.to_user),
        "starts": d.starts_on.isoformat(),
        "ends": d.ends_on.isoformat(),
    }
    future = state == "future"
    if not confirmed(request):
        if future:
            title = _("Cancel your delegation to %(name)s?") % words
            summary = _(
                "%(name)s will not act for you from %(starts)s to %(ends)s; your steps stay "
                "with you. They are told."
            )
        else:
            title = _("End your delegation to %(name)s now?") % words
            summary = _(
                "From now on %(name)s no longer acts for you (the delegation ran from "
                "%(starts)s to %(ends)s); your steps come back to you. They are told."
            )
        return ask(
            request,
            title=title,
            summary=[summary % words],
            facts=[
                (_("Deputy"), words["name"], "confirm-deputy"),
                (_("Period"), f"{words['starts']} – {words['ends']}", "confirm-period"),
            ],
            action=reverse("people:delegate"),
            button=_("Cancel the delegation") if future else _("End the delegation now"),
            back=reverse("people:delegate"),
            back_text=_("Back, keep it"),
            form_id="revoke-confirm",
        )
    org.delegation_revoke(actor=request.user, delegation=d)
    done = _("Delegation to %(name)s cancelled.") if future else _("Delegation to %(name)s ended.")
    messages.success(request, done % words)
    return redirect("people:delegate")


def _row(d, today) -> tuple:
    """One delegation, its state and the state's word: one ended by hand reads "Ended
    early" (its day beside it), not "Ended" followed by "ended early"."""
    state = status(d, today)
    if state == "ended" and d.revoked_at is not None:
        return d, state, _("Ended early")
    return d, state, STATUS_WORDS[state]
