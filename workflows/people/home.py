"""The person-facing pages. Thin: they read through selectors and write through services.

The home page answers "what is my month?" for whoever logs in: an employee sees their
current appraisal's step, who holds it and when it is due, what they must do next, and
their latest published result with its grade and where their appeal stands; whoever
holds steps (appraisal and appeal steps alike) sees how many wait;
a general manager sees what waits for their approval and what is late; every company
role is named in words, never by its code."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engine import clock
from engine.appraisals.completeness import own_inputs
from engine.appraisals.models import AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.selectors import inbox_steps, overdue_steps, own_month
from engine.followup.selectors import followup_inbox
from engine.org.display import person_name
from engine.org.models import Company
from engine.org.selectors import LineRoles, company_roles, employee_of, line_roles
from workflows.common import labels
from workflows.common.tasks import split_waiting, task_counts

from .appeal_panel import own_appeal_rows
from .board_home import board_summary
from .hr_home import hr_summary
from .step_page import lateness

# The order roles are listed in, and who may open which desk.
ROLE_ORDER = ("gm", "hr", "board", "auditor", "admin")


def _holder(step: AppraisalStep) -> str:
    if step.assignee_id:
        return person_name(step.assignee)
    return str(labels.ROLES.get(step.holder_role, _("the company")))


def _grade(a) -> str:
    code = a.calibrated_grade or a.grade
    g = next((g for g in template_for(a).grades if g.code == code), None)
    return labels.name(g) if g else "—"


def line_role_names(line: LineRoles | None) -> list[str]:
    """The line roles in words: "Head of Customer service", "Supervisor of 4 people",
    "Deputy for 王芳 until 2026-11-30"."""
    if not line:
        return []
    out = [_("Head of %(department)s") % {"department": d} for d in line.heads]
    if line.reports:
        out.append(
            ngettext("Supervisor of %(n)s person", "Supervisor of %(n)s people", line.reports)
            % {"n": line.reports}
        )
    out += [
        _("Deputy for %(name)s until %(day)s") % {"name": who, "day": day.isoformat()}
        for who, day in line.deputy_for
    ]
    return out


def own_summary(user, employee) -> dict[str, Any] | None:
    """The employee's month in words: the current appraisal's step, its due date and
    holder, what to do next, and the latest published result."""
    if employee is None:
        return None
    month = own_month(employee)
    out: dict[str, Any] = {"current": None, "latest": None}
    a, step = month.current, month.open_step
    if a is not None:
        cur: dict[str, Any] = {"a": a, "cycle": labels.cycle_name(a.cycle), "link": ""}
        if step is not None:
            due = localtime(step.due_at).strftime("%Y-%m-%d %H:%M")
            mine = step.assignee_id == user.pk
            overdue = clock.now() > step.due_at
            cur.update(
                step=labels.step_label(step),
                holder=_holder(step),
                due=due,
                overdue=overdue,
                mine=mine,
                link=reverse("people:detail", args=[a.pk]),
            )
            words = {"who": _holder(step), "step": labels.step_label(step), "due": due}
            if mine and overdue:
                # never "by" a moment already past: say since when, and what it costs
                cur["next"] = (
                    _(
                        "Your %(step)s is overdue since %(due)s: open your appraisal and hand it in now."
                    )
                    % words
                )
                cur["penalty"] = lateness(a, step, template_for(a), user)["penalty"]
            elif mine:
                cur["next"] = _("Open your appraisal and hand in the %(step)s by %(due)s.") % words
            elif overdue:
                cur["next"] = (
                    _("Nothing to do for now: %(who)s holds the %(step)s, overdue since %(due)s.")
                    % words
                )
            else:
                cur["next"] = (
                    _("Nothing to do for now: %(who)s holds the %(step)s, due %(due)s.") % words
                )
        else:
            cur["next"] = _("Nothing to do for now: the result is being prepared.")
        out["current"] = cur
    b = month.latest
    if b is not None:
        out["latest"] = {
            "a": b,
            "cycle": labels.cycle_name(b.cycle),
            "total": b.total,
            "grade": _grade(b),
            "link": reverse("people:detail", args=[b.pk]),
        }
    out["appeals"] = own_appeal_rows(user, b.pk if b is not None else None)
    out["after"] = own_after(user)
    return out


def own_after(user) -> dict[str, Any] | None:
    """What waits for the employee after a result (sign it, answer the interview's
    record): how many, and where to do it (the one after page, else the inbox)."""
    rows = list(
        followup_inbox(user)
        .filter(appraisal__employee__user_id=user.pk)
        .values_list("appraisal_id", flat=True)[:50]
    )
    if not rows:
        return None
    ids = set(rows)
    one = reverse("people:after", args=[rows[0]]) if len(ids) == 1 else None
    return {"n": len(rows), "link": one or reverse("people:inbox")}


def gm_summary(user, gm_companies: set[int]) -> dict[str, Any] | None:
    """What waits for the general manager's approval, and how much of it is late."""
    if not gm_companies:
        return None
    # the same definition as the inbox and the overview's "ready": what the GM can
    # approve now; those waiting on HR's calibration are counted apart
    waiting, held = split_waiting(inbox_steps(user).filter(code="gm", company_id__in=gm_companies))
    now = clock.now()
    late_elsewhere = (
        overdue_steps(now)
        .filter(company_id__in=gm_companies, appraisal__cycle__status=Cycle.Status.OPEN)
        .exclude(code="gm")
    )
    # the overview's "ready" are those the GM may approve in bulk; a step where the GM
    # scores or deducts themselves (the head of finance's) is opened on its own page
    own = sum(
        1
        for s in waiting.select_related("appraisal")
        if own_inputs(template_for(s.appraisal), s.appraisal.values, s.code)
    )
    n = waiting.count()
    return {
        "waiting": n,
        "own": own,
        "rest": n - own,  # for the overview to approve; "the others" only when there are any
        "held": len(held),
        "late": waiting.filter(due_at__lt=now).count(),
        "late_elsewhere": late_elsewhere.count(),
        "link": reverse("people:gm_overview"),
    }


@login_required
def home(request):
    roles_by_company = company_roles(request.user)
    employee = employee_of(request.user)
    # every company the user belongs to (companies_of), from what is read already
    company_ids = set(roles_by_company) | ({employee.company_id} if employee else set())
    lines = line_roles(request.user, employee)
    companies = []
    for c in Company.objects.filter(pk__in=company_ids):
        codes = roles_by_company.get(c.pk, set())
        ordered = [r for r in ROLE_ORDER if r in codes] + sorted(codes - set(ROLE_ORDER))
        line = lines.get(c.pk)
        names = [str(labels.ROLES.get(r, r.replace("_", " "))) for r in ordered]
        names += line_role_names(line)
        if employee and employee.company_id == c.pk:
            names.append(str(labels.ROLES["employee"]))  # they have their own appraisal
        companies.append({"company": c, "roles": ordered, "role_names": names, "line": bool(line)})
    hr_companies = [row["company"] for row in companies if "hr" in row["roles"]]
    gm_companies = {cid for cid, roles in roles_by_company.items() if "gm" in roles}
    board_companies = {cid for cid, roles in roles_by_company.items() if "board" in roles}
    return render(
        request,
        "people/home.html",
        {
            "employee": employee,
            "companies": companies,
            "own": own_summary(request.user, employee),
            "tasks": task_counts(request.user)[0],
            "gm": gm_summary(request.user, gm_companies),
            "board": board_summary(request.user, board_companies),
            "hr": hr_summary(request.user, hr_companies),
        },
    )
