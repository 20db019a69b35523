"""HR's bulk download of a department's appraisal forms: one PDF per published
appraisal of the cycle, in one zip (a POST: forms not kept yet are generated and kept)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engine.appraisals.models import Cycle
from engine.archive.services import department_forms
from engine.errors import DomainError
from engine.org.models import Department
from engine.org.selectors import is_hr
from workflows.common.denied import role_denied
from workflows.common.labels import error_text


class DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label=gettext_lazy("Department"),
        error_messages={"invalid_choice": gettext_lazy("Choose a department of this company.")},
    )

    def __init__(self, *args, company_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(company_id=company_id)


@login_required
@require_POST
def department_forms_zip(request, cycle_id: int):
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return role_denied(request, "hr", _("HR only"))
    form = DepartmentForm(request.POST, company_id=cycle.company_id)
    if not form.is_valid():
        message = "; ".join(
            f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()
        )
        return render(
            request,
            "people/denied.html",
            {"message": message, "heading": _("Appraisal forms")},
            status=400,
        )
    try:
        bundle = department_forms(
            actor=request.user,
            cycle=cycle,
            department=form.cleaned_data["department"],
            language=get_language(),
        )
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    resp = HttpResponse(bundle.content, content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    resp["Cache-Control"] = "private, no-store"
    return resp
