"""HR's list of the company's appeals: every appeal, its state in words, who holds it
now and until when, filterable by state; each links to the appraisal page where its
step is handled. Only HR of the company sees it (the selector answers nothing to
anyone else)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from engine import clock
from engine.appeals.models import Appeal
from engine.appeals.selectors import STEP_STATES, company_appeals
from workflows.common.labels import step_label
from workflows.common.listing import FilterForm, kept_query, page_numbers, page_of

from .views import _denied, _hr_company


def _state_choices() -> list[tuple[str, str]]:
    closed = [(v, lbl) for v, lbl in Appeal.Outcome.choices if v]
    return [
        ("", _("All")),
        ("open", _("Open (any step)")),
        *((code, step_label(code)) for code in STEP_STATES),
        *((v, _("Closed: %(outcome)s") % {"outcome": lbl}) for v, lbl in closed),
    ]


class AppealFilter(FilterForm):
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["state"].choices = _state_choices()


def _row(appeal: Appeal) -> dict:
    step = appeal.open_steps[0] if appeal.open_steps else None
    if step is None:
        words = _("Closed: %(outcome)s") % {"outcome": appeal.get_outcome_display()}
    else:
        words = step_label(step.code)
    return {"appeal": appeal, "a": appeal.appraisal, "state": words, "step": step}


@login_required
def appeals_list(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    form = AppealFilter(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = page_of(request, company_appeals(request.user, company_id=company.pk, state=state))
    return render(
        request,
        "hr/appeals.html",
        {
            "company": company,
            "form": form,
            "page": page,
            "rows": [_row(x) for x in page],
            "numbers": page_numbers(page),
            "kept": kept_query(request),
            "nav": "appeals",
            "now": clock.now(),  # a step past its due moment is marked
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )
