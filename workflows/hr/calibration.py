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
from workflows.common.error_summary import line
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


# The fields of the card forms an error can be said at; anything else is said above
# the form's button.
CARD_FIELDS = {"appraisal", "grade", "reason"}


def _posted(request, exc: DomainError) -> dict | None:
    """What a refused card form held, to show it again with the error at its field
    (a grade set with no reason says so under the reason, the reason typed kept)."""
    action = request.POST.get("action")
    if action not in ("override", "apply", "drop_ties"):
        return None
    field = getattr(exc, "field", "") or ""
    return {
        "action": action,
        "department": request.POST.get("department", ""),
        "appraisal": request.POST.get("appraisal", ""),
        "grade": request.POST.get("grade", ""),
        "reason": request.POST.get("reason", ""),
        "field": field if field in CARD_FIELDS else "form",
        "message": error_text(exc),
    }


def _place(posted: dict | None, rows: list[dict]) -> list[dict]:
    """Put the refused form on its card (the card of its department that lists the
    person, for a grade set) and return the page's error summary linking to the field."""
    if posted is None:
        return []
    for i, row in enumerate(rows, 1):
        if str(row["p"].department_id) != posted["department"]:
            continue
        if posted["action"] == "override" and posted["appraisal"] not in {
            str(a.pk) for a in row["members"]
        }:
            continue
        row["posted"] = posted
        prefix = {"override": "why", "apply": "apply-reason", "drop_ties": "tie"}[posted["action"]]
        if posted["action"] == "override":
            target = {"appraisal": "who", "grade": "grade", "reason": "why"}.get(
                posted["field"], "why"
            )
            target = f"{target}-{i}"
        elif posted["action"] == "drop_ties":
            target = f"{prefix}-{i}-{posted['grade']}"
        else:
            target = f"{prefix}-{i}"
        labels = {"appraisal": _("Employee"), "grade": _("Grade"), "reason": _("Reason")}
        return [line(labels.get(posted["field"], ""), posted["message"], target)]
    return []


def _counts(p) -> str:
    """Everyone the card's caps count, in words, so that the numbers on it add up: the
    scored (in the table), the not yet scored, and those scored only at the final
    approval (a lead waiting for the team's results, scores the approver enters)."""
    total = p.plan.headcount
    scored = total - p.unscored - p.waiting
    parts = [_("%(n)s scored (in the table)") % {"n": scored}]
    if p.unscored:
        parts.append(_("%(n)s not scored yet") % {"n": p.unscored})
    if p.waiting:
        parts.append(
            _(
                "%(n)s scored only at the final approval (the approver enters the "
                "scores, or a lead's total waits for the team's results), fitted under "
                "the caps then"
            )
            % {"n": p.waiting}
        )
    return _("The caps count %(n)s: %(parts)s.") % {"n": total, "parts": joined(parts)}


def _hr(request, cycle: Cycle) -> None:
    if not is_hr(request.user, cycle.company_id):
        raise Forbidden("HR only", field="actor", rule="role:hr")


@login_required
def calibration_page(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    error = over_cap = posted = None
    try:
        _hr(request, cycle)
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "pooling":
        try:
            _pooling(request, cycle)
            return redirect("hr:calibration", cycle_id=cycle.pk)
        except DomainError as exc:
            error, status = exc, exc.status
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
            posted = _posted(request, exc) if dept is not None else None
            error = exc if posted is None else None
            status = exc.status
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
                "counts": _counts(p),
            }
        )
    summary = _place(posted, rows)
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
            "error_summary": summary,
        },
        status=status if (error or posted) else 200,
    )
