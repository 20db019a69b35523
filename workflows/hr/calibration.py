"""HR's calibration page: each department's distribution against the caps, the
engine's proposals, overrides with a reason, and confirmation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans, override_breaks_cap, tie_places
from engine.errors import Conflict, DomainError, Forbidden, InvalidInput
from engine.org.models import Department
from engine.org.selectors import is_hr
from workflows.common.confirm import confirmed
from workflows.common.error_summary import line
from workflows.common.labels import error_text, joined, name
from workflows.common.numbers import by_unit
from workflows.common.total_moves import total_moves
from workflows.hr.calibration_confirm import ask_confirm


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
CARD_FIELDS = {"appraisal", "grade", "reason", "keep"}
CARD_ACTIONS = ("override", "apply", "drop_ties", "confirm")


def card_key(p) -> str:
    """A card's name in its forms: its first department and grade scheme (a department
    can be on two cards, a pooled one and one of another scheme)."""
    return f"{p.department_id}:{'.'.join(p.grades)}"


def _posted(request, exc: DomainError | None = None) -> dict | None:
    """What a card form held, to show it again on that card with the error at its
    field (a grade set with no reason says so under the reason, the reason typed kept)."""
    action = request.POST.get("action")
    if action not in CARD_ACTIONS:
        return None
    field = (getattr(exc, "field", "") or "") if exc else ""
    return {
        "action": action,
        "card": request.POST.get("card", ""),
        "department": request.POST.get("department", ""),
        "appraisal": request.POST.get("appraisal", ""),
        "grade": request.POST.get("grade", ""),
        "reason": request.POST.get("reason", ""),
        "keep": request.POST.getlist("keep"),
        "field": field if field in CARD_FIELDS else "form",
        "rule": getattr(exc, "rule", "") if exc else "",
        "message": error_text(exc) if exc else "",
    }


def _card_of(posted: dict, rows: list[dict]) -> dict | None:
    """The card the form came from: by its card name, else (an older page) the first
    card of its department that lists the person for a grade set."""
    for row in rows:
        if posted["card"]:
            if row["key"] == posted["card"]:
                return row
            continue
        if str(row["p"].department_id) != posted["department"]:
            continue
        if posted["action"] == "override" and posted["appraisal"] not in {
            str(a.pk) for a, _who in row["members"]
        }:
            continue
        return row
    return None


def _place(posted: dict | None, rows: list[dict], over_cap: dict | None = None) -> list[dict]:
    """Put the form on its card (with the over-cap question, if any) and return the
    page's error summary linking to the field."""
    if posted is None:
        return []
    row = _card_of(posted, rows)
    if row is None:
        return [line("", posted["message"], "")] if posted["message"] else []
    row["posted"], row["over_cap"] = posted, over_cap
    if not posted["message"]:
        return []
    i, action = row["index"], posted["action"]
    if posted["rule"] == "tie_places":
        n = next((places for code, _g, _p, places, _w in row["ties"] if code == posted["grade"]), 0)
        posted["message"] = ngettext(
            "The cap leaves %(n)s place: keep at most %(n)s of them.",
            "The cap leaves %(n)s places: keep at most %(n)s of them.",
            n,
        ) % {"n": n}
    if action == "override":
        target = {"appraisal": "who", "grade": "grade", "reason": "why"}.get(posted["field"], "why")
        target = f"{target}-{i}"
    elif action == "drop_ties":
        target = f"{'keep' if posted['field'] == 'keep' else 'tie'}-{i}-{posted['grade']}"
    elif action == "apply":
        target = f"apply-reason-{i}"
    else:
        target = f"confirm-{i}"
    labels = {
        "appraisal": _("Employee"),
        "grade": _("Grade"),
        "reason": _("Reason"),
        "keep": _("Who keeps the grade"),
    }
    return [line(labels.get(posted["field"], ""), posted["message"], target)]


def _who(a: Appraisal, label: dict) -> str:
    """A person on the card with their grade now, and the grade before HR changed it."""
    now = a.calibrated_grade or a.grade
    words = {
        "name": a.employee.name,
        "total": by_unit(a.total, "score"),
        "grade": label.get(now, ""),
    }
    if a.calibrated_grade and a.calibrated_grade != a.grade:
        words["before"] = label.get(a.grade, "")
        return _("%(name)s %(total)s · %(grade)s (calibrated from %(before)s)") % words
    return _("%(name)s %(total)s · %(grade)s") % words


def _grade_now(a: Appraisal, label: dict) -> str:
    """A person's grade now, and the grade before HR changed it."""
    now = label.get(a.calibrated_grade or a.grade, "")
    if a.calibrated_grade and a.calibrated_grade != a.grade:
        return _("%(grade)s (calibrated from %(before)s)") % {
            "grade": now,
            "before": label.get(a.grade, ""),
        }
    return now


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


def _tie_words(p, grade: str, tied: int, label: dict) -> str:
    """What deciding the tie does, in numbers: how many places the cap leaves, and
    where the others go; nobody ticked means everyone tied goes down."""
    places = tie_places(p, grade)
    codes = list(p.grades)
    lower = codes[codes.index(grade) + 1] if codes.index(grade) + 1 < len(codes) else grade
    words = {"n": tied, "grade": label.get(grade, ""), "lower": label.get(lower, "")}
    head = (
        ngettext("%(n)s person tied at %(grade)s.", "%(n)s people tied at %(grade)s.", tied) % words
    )
    rest = ngettext(
        "The cap leaves %(places)s place: tick who keeps %(grade)s; the others go to "
        "%(lower)s (nobody ticked: all of them).",
        "The cap leaves %(places)s places: tick up to %(places)s who keep %(grade)s; the "
        "others go to %(lower)s (nobody ticked: all of them).",
        places,
    ) % dict(words, places=places)
    return _("%(first)s %(then)s") % {"first": head, "then": rest}


def _rows(cycle: Cycle) -> list[dict]:
    """One card per department plan, with everything its forms and tables show."""
    plans = department_plans(cycle)
    names = {d.pk: str(d) for d in Department.objects.filter(company_id=cycle.company_id)}
    people = {a.pk: a for a in Appraisal.objects.filter(cycle=cycle).select_related("employee")}
    confirmed_ids = set(
        Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True)
    )
    # what moved each total (deductions, events, late penalties), from the results
    # already read: no query per person
    moves = {pk: total_moves(a, template_for(a)) for pk, a in people.items() if a.result}
    rows = []
    for i, p in enumerate(plans, 1):
        label = {g.code: name(g) for g in p.template.grades}
        ties = {g: [people[x] for x in ids] for g, ids in p.plan.ties.items()}
        members = sorted(
            (
                a
                for a in people.values()
                if a.department_id in p.departments
                and a.total is not None
                and a.state == Appraisal.State.IN_PROGRESS
                and a.role in p.roles
            ),
            key=lambda a: -a.total,
        )
        rows.append(
            {
                "p": p,
                "index": i,
                "key": card_key(p),
                "name": " + ".join(names.get(d, "") for d in p.departments),
                "pooled": p.pooled,
                "too_small": any(ln.cap == 0 for ln in p.plan.lines),
                "roles": joined(name(p.template_of(r)) for r in p.roles),
                "confirmed": set(p.departments) <= confirmed_ids,
                "over": any(ln.over_now for ln in p.plan.lines),
                "lines": [
                    {
                        "grade": label.get(ln.code, ""),
                        "count": ln.count,
                        "cap": ln.cap,
                        "code": ln.code,
                        "now": ln.now,
                        "over": ln.over_now,
                        # after the proposals the tied still hold the grade: said, and
                        # over the cap until HR decides the tie
                        "tied": len(ties.get(ln.code, [])),
                        "over_after": ln.cap is not None and ln.count > ln.cap,
                    }
                    for ln in p.plan.lines
                ],
                "grades": [(g.code, name(g)) for g in p.template.grades],
                "drops": [
                    (people[x], label.get(f, ""), label.get(t, ""), moves.get(x, ""))
                    for x, (f, t) in sorted(p.plan.drops.items())
                ],
                "ties": [
                    (
                        g,
                        label.get(g, ""),
                        [(a, _who(a, label), moves.get(a.pk, "")) for a in tied],
                        tie_places(p, g),
                        _tie_words(p, g, len(tied), label),
                    )
                    for g, tied in ties.items()
                ],
                "members": [(a, _who(a, label)) for a in members],
                "people": [(a, _grade_now(a, label), moves.get(a.pk, "")) for a in members],
                "label": label,
                "counts": _counts(p),
            }
        )
    return rows


def _act(request, cycle: Cycle, dept: Department | None):
    """One card form's action; a response to send instead of the page (the
    confirmation's summary), or the over-cap question to ask on the card."""
    if dept is None:
        raise InvalidInput("no such department", field="department", rule="exists")
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    if action == "apply":
        n = calibration.calibration_apply_proposals(
            actor=request.user, cycle=cycle, department=dept, reason=reason
        )
        messages.success(
            request,
            ngettext("%(n)s grade lowered as proposed.", "%(n)s grades lowered as proposed.", n)
            % {"n": n},
        )
    elif action == "override":
        grade = request.POST.get("grade", "")
        # both start on "Choose…": a submit without choosing is said at the field
        if not request.POST.get("appraisal"):
            raise InvalidInput(_("Choose the employee."), field="appraisal", rule="choose")
        if not grade:
            raise InvalidInput(_("Choose the grade."), field="grade", rule="choose")
        a = Appraisal.objects.filter(cycle=cycle, pk=request.POST.get("appraisal")).first()
        if a is None:
            raise InvalidInput("no such appraisal in this cycle", field="appraisal", rule="exists")
        try:
            calibration.calibration_override(
                actor=request.user,
                appraisal=a,
                grade=grade,
                reason=reason,
                over_cap=request.POST.get("over_cap") == "on",
            )
        except Conflict as exc:
            if exc.rule != "over_cap":
                raise
            # warn and ask again on the same card, what was chosen kept (nothing set yet)
            return None, _over_cap(a, grade, reason)
        messages.success(request, _("Grade set."))
    elif action == "drop_ties":
        n = calibration.calibration_drop_ties(
            actor=request.user,
            cycle=cycle,
            department=dept,
            grade=request.POST.get("grade", ""),
            reason=reason,
            keep=request.POST.getlist("keep"),
        )
        messages.success(
            request,
            ngettext(
                "The tie is decided: %(n)s grade lowered.",
                "The tie is decided: %(n)s grades lowered.",
                n,
            )
            % {"n": n},
        )
    elif action == "confirm":
        if not confirmed(request):
            return ask_confirm(request, cycle, dept), None
        calibration.calibration_confirm(actor=request.user, cycle=cycle, department=dept)
        messages.success(request, _("Calibration confirmed."))
    else:
        raise InvalidInput("unknown action", field="action", rule="choices")
    return redirect("hr:calibration", cycle_id=cycle.pk), None


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
    elif request.method == "POST" and request.POST.get("back") == "1":
        posted = _posted(request)  # back from the confirmation: the page as it was
    elif request.method == "POST":
        dept = Department.objects.filter(
            company_id=cycle.company_id, pk=request.POST.get("department") or 0
        ).first()
        try:
            response, over_cap = _act(request, cycle, dept)
            if response is not None:
                return response
            posted = _posted(request)
        except DomainError as exc:
            posted = _posted(request, exc) if dept is not None else None
            error = exc if posted is None else None
            status = exc.status
    rows = _rows(cycle)
    summary = _place(posted, rows, over_cap)
    # the cards over a cap (or asking about one), named first thing on the page
    over_cap_rows = [r for r in rows if (r["over"] or r.get("over_cap")) and not r["confirmed"]]
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
            "error_summary": summary,
            "over_cap_rows": over_cap_rows,
        },
        status=status if (error or (posted and posted["message"])) else 200,
    )
