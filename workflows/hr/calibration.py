"""HR's calibration page: each department's distribution against the caps, the
engine's proposals, overrides with a reason, and confirmation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.appraisals.models import Appraisal, Cycle
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans
from engine.errors import DomainError, Forbidden, InvalidInput
from engine.org.models import Department
from engine.org.selectors import is_hr
from workflows.common.labels import error_text, joined, name


class PoolingForm(forms.Form):
    """The company's switch for pooling small departments (policies.md §4.1)."""

    calibration_pooling = forms.BooleanField(
        required=False, label=gettext_lazy("Pool departments too small for a capped grade")
    )


def _pooling(request, cycle: Cycle) -> None:
    form = PoolingForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, anything present means on
    company = calibration.company_calibration_pooling_set(
        actor=request.user,
        company=cycle.company,
        enabled=bool(form.cleaned_data.get("calibration_pooling")),
    )
    messages.success(
        request,
        _("Small departments are now calibrated with their parent department.")
        if company.calibration_pooling
        else _("Each department is now calibrated on its own."),
    )


def _hr(request, cycle: Cycle) -> None:
    if not is_hr(request.user, cycle.company_id):
        raise Forbidden("HR only", field="actor", rule="role:hr")


@login_required
def calibration_page(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    error = None
    try:
        _hr(request, cycle)
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    if request.method == "POST" and request.POST.get("action") == "pooling":
        try:
            _pooling(request, cycle)
            return redirect("hr:calibration", cycle_id=cycle.pk)
        except DomainError as exc:
            error = exc
    elif request.method == "POST":
        dept = Department.objects.filter(
            company_id=cycle.company_id, pk=request.POST.get("department") or 0
        ).first()
        try:
            if dept is None:
                raise InvalidInput("no such department", field="department", rule="exists")
            action = request.POST.get("action")
            if action == "apply":
                n = calibration.calibration_apply_proposals(
                    actor=request.user,
                    cycle=cycle,
                    department=dept,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("%(n)s grades lowered as proposed.") % {"n": n})
            elif action == "override":
                a = Appraisal.objects.filter(
                    cycle=cycle, pk=request.POST.get("appraisal") or 0
                ).first()
                if a is None:
                    raise InvalidInput(
                        "no such appraisal in this cycle", field="appraisal", rule="exists"
                    )
                calibration.calibration_override(
                    actor=request.user,
                    appraisal=a,
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Grade set."))
            elif action == "drop_ties":
                n = calibration.calibration_drop_ties(
                    actor=request.user,
                    cycle=cycle,
                    department=dept,
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("%(n)s grades lowered as proposed.") % {"n": n})
            elif action == "confirm":
                calibration.calibration_confirm(actor=request.user, cycle=cycle, department=dept)
                messages.success(request, _("Calibration confirmed."))
            else:
                raise InvalidInput("unknown action", field="action", rule="choices")
            return redirect("hr:calibration", cycle_id=cycle.pk)
        except DomainError as exc:
            error = exc
    plans = department_plans(cycle)
    names = {d.pk: str(d) for d in Department.objects.filter(company_id=cycle.company_id)}
    people = {a.pk: a for a in Appraisal.objects.filter(cycle=cycle).select_related("employee")}
    confirmed = set(Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    rows = []
    for p in plans:
        label = {g.code: name(g) for g in p.template.grades}
        rows.append(
            {
                "p": p,
                "name": " + ".join(names.get(d, "") for d in p.departments),
                "pooled": p.pooled,
                "too_small": any(ln.cap == 0 for ln in p.plan.lines),
                "roles": joined(name(p.template_of(r)) for r in p.roles),
                "confirmed": set(p.departments) <= confirmed,
                "lines": [
                    {
                        "grade": label.get(ln.code, ""),
                        "count": ln.count,
                        "cap": ln.cap,
                        "over": ln.cap is not None and ln.count > ln.cap,
                    }
                    for ln in p.plan.lines
                ],
                "grades": [(g.code, name(g)) for g in p.template.grades],
                "drops": [
                    (people[i], label.get(f, ""), label.get(t, ""))
                    for i, (f, t) in sorted(p.plan.drops.items())
                ],
                "ties": [
                    (g, label.get(g, ""), [people[i] for i in ids])
                    for g, ids in p.plan.ties.items()
                ],
                "members": sorted(
                    (
                        a
                        for a in people.values()
                        if a.department_id in p.departments
                        and a.total is not None
                        and a.state == "in_progress"
                        and a.role in p.roles
                    ),
                    key=lambda a: -a.total,
                ),
                "label": label,
            }
        )
    return render(
        request,
        "hr/calibration.html",
        {
            "cycle": cycle,
            "rows": rows,
            "error": error,
            "pooling": PoolingForm(
                initial={"calibration_pooling": cycle.company.calibration_pooling}
            ),
        },
        status=error.status if error else 200,
    )
