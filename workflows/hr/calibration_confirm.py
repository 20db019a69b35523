"""The step before HR confirms a calibration card: confirming fixes the grades the
GM approves, so HR first reads the distribution against the caps and who changes
grade, for every card the confirmation covers (a pool is confirmed as a whole)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.calibration import services as calibration
from engine.org.models import Department
from workflows.common.confirm import ask
from workflows.common.labels import joined, name
from workflows.common.numbers import by_unit


def _line(ln, label: dict) -> str:
    words = {"grade": label.get(ln.code, ""), "n": ln.count, "cap": ln.cap}
    if ln.cap is None:
        return _("%(grade)s: %(n)s (no cap)") % words
    return _("%(grade)s: %(n)s of a cap of %(cap)s") % words


def _changes(cycle: Cycle, covered) -> list[str]:
    """Everyone whose grade HR changed, from and to, by total (highest first)."""
    out = []
    for a in (
        Appraisal.objects.filter(cycle=cycle, department_id__in=covered)
        .exclude(calibrated_grade="")
        .select_related("employee")
        .order_by("-total", "employee__name")
    ):
        if a.calibrated_grade == a.grade:
            continue
        label = {g.code: name(g) for g in template_for(a).grades}
        out.append(
            _("%(name)s %(total)s: %(before)s → %(after)s")
            % {
                "name": a.employee.name,
                "total": by_unit(a.total, "score"),
                "before": label.get(a.grade, ""),
                "after": label.get(a.calibrated_grade, ""),
            }
        )
    return out


def ask_confirm(request, cycle: Cycle, department: Department):
    """The summary page; refuses (Conflict, said at the card) what cannot be confirmed."""
    covered, plans, _done = calibration.confirm_check(cycle, department)
    names = {d.pk: str(d) for d in Department.objects.filter(pk__in=covered)}
    facts = []
    for i, p in enumerate(plans, 1):
        label = {g.code: name(g) for g in p.template.grades}
        card = " + ".join(names.get(d, "") for d in p.departments)
        facts.append(
            (
                _("%(card)s, %(n)s people") % {"card": card, "n": p.plan.headcount},
                "\n".join(_line(ln, label) for ln in p.plan.lines),
                f"confirm-distribution-{i}",
            )
        )
    changes = _changes(cycle, covered)
    facts.append(
        (
            _("Grades HR changed"),
            "\n".join(changes) if changes else _("None: every grade follows its total."),
            "confirm-changes",
        )
    )
    url = reverse("hr:calibration", kwargs={"cycle_id": cycle.pk})
    return ask(
        request,
        title=_("Confirm the calibration"),
        summary=[
            _(
                "Confirming fixes these grades for the general manager's approval of "
                "%(departments)s; the card cannot be changed afterwards."
            )
            % {"departments": joined(sorted(names.values()))},
        ]
        + ([_("Every grade is within its cap.")] if all(p.plan.within_caps for p in plans) else []),
        facts=facts,
        action=url,
        button=_("Confirm the calibration"),
        back=url,
        back_text=_("Back to the calibration"),
        form_id="calibration-confirm",
        company=cycle.company,
        nav="hr/_nav.html",
    )
