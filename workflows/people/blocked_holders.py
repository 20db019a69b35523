"""Who must act before a final approval held by the calibration can go: the open steps
of the appraisals not scored yet, grouped by whoever holds them, with how many each
holds, which steps and the earliest due date. The GM or the board reading "16 not
scored yet" would otherwise not know whom to chase (fresh-eyes walk)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engine.appraisals.models import AppraisalStep
from engine.lists import joined
from engine.org.display import person_name
from engine.org.selectors import is_hr
from workflows.common.labels import ROLES, step_label

SHOWN = 6  # holders named before "and N more"


def _holder(s: AppraisalStep) -> str:
    if s.assignee_id:
        return person_name(s.assignee)
    return str(ROLES.get(s.holder_role, s.holder_role))


def who_must_act(unscored, *, reader=None, cycle=None) -> SafeString:
    """'Who must act: 陈强 holds 5 (supervisor's review), the first due 2026-12-07; …'
    and, for HR, a link to the calibration page."""
    steps = (
        AppraisalStep.objects.filter(
            appraisal__in=[a.pk for a in unscored], state=AppraisalStep.State.OPEN
        )
        .select_related("assignee__employee")
        .order_by("due_at", "pk")
    )
    groups: dict[str, dict] = {}
    for s in steps:
        g = groups.setdefault(_holder(s), {"n": 0, "steps": [], "due": s.due_at})
        g["n"] += 1
        label = step_label(s)
        if label not in g["steps"]:
            g["steps"].append(label)
    out = mark_safe("")
    if groups:
        ordered = sorted(groups.items(), key=lambda kv: (kv[1]["due"], kv[0]))
        parts = [
            ngettext(
                "%(who)s holds %(n)s (%(steps)s), due %(due)s",
                "%(who)s holds %(n)s (%(steps)s), the first due %(due)s",
                g["n"],
            )
            % {
                "who": who,
                "n": g["n"],
                "steps": joined(g["steps"]),
                "due": localtime(g["due"]).strftime("%Y-%m-%d"),
            }
            for who, g in ordered[:SHOWN]
        ]
        more = len(ordered) - SHOWN
        if more > 0:
            parts.append(_("%(n)s more people") % {"n": more})
        out = format_html(
            "{} {}{}",
            _("Who must act:"),
            format_html_join(_("; "), "{}", ((p,) for p in parts)),
            _("."),
        )
    if reader is not None and cycle is not None and is_hr(reader, cycle.company_id):
        link = reverse("hr:calibration", args=[cycle.pk])
        out = format_html('{} <a href="{}">{}</a>', out, link, _("Open the calibration"))
    return out
