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
from engine.appraisals.pinned_templates import template_for
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans, override_breaks_cap
from engine.errors import Conflict, DomainError, Forbidden, InvalidInput
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


def _over_cap(a: Appraisal, grade: str, reason: str) -> dict:
    """The warning before an override that breaks a cap, and what to post to confirm."""
    n, cap = override_breaks_cap(a, grade) or (0, 0)
    label = name(next((g for g in template_for(a).grades if g.code == grade), None) or {})
    return {
        "department": a.department_id,
        "appraisal": a.pk,
        "grade": grade,
        "reason": reason,
        "words": _(
            "Setting %(who)s to %(grade)s puts %(n)s people at %(grade)s, above its cap "
            "of %(cap)s: the card stays over the cap and cannot be confirmed until it "
            "holds. Set it anyway?"
        )
        % {"who": a.employee.name, "grade": label, "n": n, "cap": cap},
    }


def _hr(request, cycle: Cycle) -> None:
    if not is_hr(request.user, cycle.company_id):
        raise Forbidden("HR only", field="actor", rule="role:hr")


@login_required
def calibration_page(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    error = over_cap = None
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
                grade = request.POST.get("grade", "")
                try:
                    calibration.calibration_override(
                        actor=request.user,
                        appraisal=a,
                        grade=grade,
                        reason=request.POST.get("reason", ""),
                        over_cap=request.POST.get("over_cap") == "on",
                    )
                except Conflict as exc:
                    if exc.rule != "over_cap":
                        raise
                    # warn and ask again, with the reason kept (nothing set yet)
                    over_cap = _over_cap(a, grade, request.POST.get("reason", ""))
                else:
                    messages.success(request, _("Grade set."))
                    return redirect("hr:calibration", cycle_id=cycle.pk)
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
            if over_cap is None:
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
                "over": any(ln.over_now for ln in p.plan.lines),
                "lines": [
                    {
                        "grade": label.get(ln.code, ""),
                        "count": ln.count,
                        "cap": ln.cap,
                        "code": ln.code,
                        "now": ln.now,
                        "over": ln.over_now,
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
            "over_cap": over_cap,
            "pooling": PoolingForm(
                initial={"calibration_pooling": cycle.company.calibration_pooling}
            ),
        },
        status=error.status if error else 200,
    )
