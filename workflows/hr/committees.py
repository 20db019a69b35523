"""HR's page of a cycle's committee reviews (述职报告评议): which appraisals are reviewed
by the appraisal leadership group, whether the self-report is in, the committee formed,
how many have scored and the combined score; and one form to form the same committee
for every appraisal that has none. Thin: the form parses, `engine.committee` decides."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.appraisals.models import Cycle
from engine.committee.cycles import committee_form_for_cycle, cycle_committees
from engine.errors import DomainError
from engine.lists import joined
from engine.org.models import Employee
from engine.org.selectors import is_hr
from workflows.common.labels import error_text

from .views import _denied


class CycleCommitteeForm(forms.Form):
    members = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Members of the appraisal leadership group"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    chair = forms.TypedChoiceField(label=gettext_lazy("Chair"), coerce=int)

    def __init__(self, *args, people, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["members"].choices = people
        self.fields["chair"].choices = [("", "—"), *people]


def _people(cycle: Cycle) -> list[tuple[int, str]]:
    return [
        (e.user_id, f"{e.name} · {e.department.name}")
        for e in Employee.objects.filter(company_id=cycle.company_id, user__is_active=True)
        .select_related("department")
        .order_by("department__name", "name")
    ]


def _render(request, cycle: Cycle, form, status=200, error=None):
    rows = cycle_committees(cycle.pk)
    return render(
        request,
        "hr/committees.html",
        {
            "cycle": cycle,
            "rows": rows,
            "form": form if any(r.committee is None for r in rows) else None,
            "error": error,
        },
        status=status,
    )


@login_required
def committees_page(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return _denied(request)
    people = _people(cycle)
    if request.method != "POST":
        return _render(request, cycle, CycleCommitteeForm(people=people))
    form = CycleCommitteeForm(request.POST, people=people)
    if not form.is_valid():
        return _render(request, cycle, form, status=400)
    try:
        formed, skipped = committee_form_for_cycle(
            actor=request.user,
            cycle_id=cycle.pk,
            members=form.cleaned_data["members"],
            chair=form.cleaned_data["chair"],
        )
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, error_text(exc))
        return _render(request, cycle, form, status=exc.status, error=exc)
    messages.success(request, _("Committees formed: %(n)s.") % {"n": len(formed)})
    if skipped:
        names = joined(a.employee.name for a, _why in skipped)
        messages.warning(
            request,
            _("Not formed, a member is the appraised person: %(names)s. Form theirs apart.")
            % {"names": names},
        )
    return redirect("hr:committees", cycle_id=cycle.pk)
