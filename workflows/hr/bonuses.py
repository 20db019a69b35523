"""HR decides special bonus points: each proposal with its points, what was done, the
witness and the evidence, approved or rejected with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.appraisals import services
from engine.appraisals.models import SpecialBonus
from engine.errors import DomainError
from workflows.common.labels import error_text
from workflows.common.listing import kept_query, page_of

from .views import _denied, _hr_company


class DecideForm(forms.Form):
    bonus = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))]
    )
    reason = forms.CharField(max_length=500)


@login_required
def bonuses(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    failed: dict = {}  # a refused decision: its error at its reason, the text kept
    if request.method == "POST":
        form = DecideForm(request.POST)
        typed = {"bonus": request.POST.get("bonus", ""), "reason": request.POST.get("reason", "")}
        if not form.is_valid():
            failed = {**typed, "error": _("Give the reason for the decision.")}
        else:
            d = form.cleaned_data
            try:
                services.special_bonus_decide(
                    actor=request.user,
                    bonus_id=d["bonus"],
                    approve=d["decision"] == "approve",
                    reason=d["reason"],
                )
                messages.success(request, _("Decided."))
                return redirect(f"{request.path}?company={company.code}")
            except DomainError as exc:
                failed = {**typed, "error": error_text(exc)}
    waiting = SpecialBonus.objects.filter(company=company, state=SpecialBonus.State.PROPOSED)
    decided = SpecialBonus.objects.filter(company=company).exclude(
        state=SpecialBonus.State.PROPOSED
    )
    page = page_of(
        request,
        decided.select_related("appraisal__employee", "appraisal__cycle").order_by("-decided_at"),
    )
    return render(
        request,
        "hr/bonuses.html",
        {
            "company": company,
            "waiting": waiting.select_related(
                "appraisal__employee", "appraisal__cycle", "proposed_by__employee"
            ).order_by("proposed_at"),
            "page": page,
            "decided": page,
            "kept": kept_query(request),
            "failed": failed,
        },
        status=400 if failed else 200,
    )
