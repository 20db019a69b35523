"""HR's payroll export: a deliberate action (a POST), the file labelled in the reader's
language; a refusal comes back to the page that asked, in words."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.appraisals.models import Appraisal, Cycle
from engine.archive.selectors import departments_with_forms
from engine.errors import DomainError, Forbidden
from engine.org.selectors import is_hr
from engine.payroll.models import PayrollExport
from engine.payroll.selectors import no_pay, payroll_preview
from engine.payroll.services import TYPES, payroll_export
from engine.payroll.words import glossary
from workflows.common.confirm import ask, confirmed
from workflows.common.denied import role_denied
from workflows.common.labels import STEPS, error_text, name
from workflows.common.zones import zone_words


@login_required
@require_GET
def payroll_page(request, cycle_id: int):
    """What the file will hold, before HR exports it: rows, the people left out (not
    final yet) and each row whose pay cannot be given, with the reason in words."""
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return role_denied(request, "hr", _("HR only"))
    english = (get_language() or "zh-hans").startswith("en")
    preview = payroll_preview(cycle, english=english)
    with timezone.override(cycle.company.time_zone):
        return render(
            request,
            "hr/payroll.html",
            {
                "cycle": cycle,
                "company": cycle.company,
                "zone": zone_words(cycle.company.time_zone),
                "p": preview,
                "no_pay_rows": sum(g.count for g in preview.no_pay),
                # HR's own words for the pay terms, with a short help (the file says the same)
                "glossary": glossary(english),
                "form_departments": [
                    (d.pk, name({"name_zh": d.name, "name_en": d.name_en}), n)
                    for d, n in departments_with_forms(cycle)
                ],
                "not_final": [
                    (a, STEPS.get(a.current_step, "—") if a.current_step else "—")
                    for a in preview.not_final
                ],
            },
        )


def _ask(request, cycle: Cycle, fmt: str):
    """What the file will hold, and what it leaves out, before it is recorded."""
    apps = Appraisal.objects.filter(cycle=cycle).exclude(
        state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT]
    )
    final = apps.filter(state=Appraisal.State.FINAL).count()
    left_out = apps.exclude(state=Appraisal.State.FINAL)
    previous = PayrollExport.objects.filter(cycle=cycle).order_by("-at").first()
    summary = [
        _("%(n)s final results of %(period)s go to payroll.")
        % {"n": final, "period": cycle.period},
        _("The export is recorded in the audit trail; the next one lists corrections since."),
    ]
    english = (get_language() or "zh-hans").startswith("en")
    unpaid = sum(g.count for g in no_pay(cycle, english=english))
    if unpaid:
        summary.append(
            ngettext(
                "%(n)s row has no performance pay: the payroll page says what is missing.",
                "%(n)s rows have no performance pay: the payroll page says what is missing.",
                unpaid,
            )
            % {"n": unpaid}
        )
    waiting = left_out.count()
    if waiting:
        summary.append(
            ngettext(
                "%(n)s appraisal is not final yet and is left out.",
                "%(n)s appraisals are not final yet and are left out.",
                waiting,
            )
            % {"n": waiting}
        )
    if previous is not None:
        when = localtime(previous.at).strftime("%Y-%m-%d %H:%M")
        summary.append(_("Last exported at %(time)s.") % {"time": when})
    return ask(
        request,
        nav="hr/_nav.html",
        title=_("Export %(period)s for payroll?") % {"period": cycle.period},
        summary=summary,
        names=left_out.order_by("employee__name").values_list("employee__name", flat=True),
        action=request.path,
        button=_("Export"),
        back=reverse("hr:payroll_page", args=[cycle.pk]),
        form_id="payroll-confirm",
        company=cycle.company,
    )


@login_required
@require_POST
def payroll(request, cycle_id: int, fmt: str):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if fmt in TYPES and not confirmed(request) and is_hr(request.user, cycle.company_id):
        return _ask(request, cycle, fmt)
    try:
        export = payroll_export(
            actor=request.user, cycle=cycle, fmt=fmt, language=get_language() or "zh-hans"
        )
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("hr:payroll_page", cycle_id=cycle.pk)
    resp = HttpResponse(export.content, content_type=export.content_type)
    resp["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return resp
