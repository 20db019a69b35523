"""A reviewer hands their steps to a deputy for a period (holiday, business trip) and
sees their delegations, running and past; one can be ended early."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from engine import clock
from engine.errors import DomainError
from engine.org import services as org
from engine.org.models import Delegation, Employee
from workflows.common.delegation import DelegationForm
from workflows.common.labels import error_text


@login_required
def delegate(request):
    me = Employee.objects.filter(user=request.user, status="active").first()
    if me is None:
        return render(request, "people/denied.html", {"message": _("Employees only")}, status=403)
    form = DelegationForm(
        request.POST or None, company_id=me.company_id, exclude_user_id=request.user.pk
    )
    error = None
    if (
        request.method == "POST"
        and request.POST.get("revoke", "").isascii()
        and request.POST.get("revoke", "").isdigit()
    ):
        d = Delegation.objects.filter(pk=int(request.POST["revoke"][:12]), from_user=request.user)
        if d.first():
            org.delegation_revoke(actor=request.user, delegation=d.first())
            messages.success(request, _("Delegation ended."))
        return redirect("people:delegate")
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
    today = timezone.localdate(clock.now())
    # Those I stand in for now or will: an ended or revoked delegation gives nothing.
    held = Delegation.objects.filter(
        to_user=request.user, revoked_at__isnull=True, ends_on__gte=today
    ).select_related("from_user__employee")
    return render(
        request,
        "people/delegate.html",
        {
            "form": form,
            "mine": mine.order_by("-starts_on")[:50],
            "held": held.order_by("-starts_on")[:50],
            "error": error,
            "today": today,
        },
        status=400 if (form.errors or error) else 200,
    )
