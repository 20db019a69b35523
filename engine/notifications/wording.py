"""What a notification says, in the reader's language: the sentence is made when it is
read (the page) or sent (the e-mail, in the recipient's language), from the kind and
the stored params — who, which step, which period, which day — never from a code."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.lists import rejoined

STEPS = {
    "self": gettext_lazy("Self-review"),
    "supervisor": gettext_lazy("Supervisor's review"),
    "dept_head": gettext_lazy("Department head's review"),
    "hr": gettext_lazy("HR review"),
    "gm": gettext_lazy("General manager's approval"),
    "board": gettext_lazy("Board approval"),
    "mediation": gettext_lazy("Mediation"),
    "hr_intake": gettext_lazy("HR intake"),
    "investigation": gettext_lazy("Investigation"),
    "decision": gettext_lazy("Decision"),
}


def _step(code: str) -> str:
    return str(STEPS.get(code, code))


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "—"


def sentence(kind: str, params: dict, fallback: str = "") -> str:
    """The notification as one sentence in the active language."""
    if not params:
        return fallback
    english = (translation.get_language() or "").startswith("en")
    p = _Params(params)
    p["step"] = _step(params.get("step", ""))
    if english and params.get("grade_en"):
        p["grade"] = params["grade_en"]
    if kind == "step_open":
        return _("%(employee)s, %(period)s: the %(step)s is yours, due %(due)s.") % p
    if kind == "step_returned":
        return _("%(employee)s, %(period)s: the %(step)s was returned to you: %(comment)s") % p
    if kind == "remind_before" and params.get("day") == "next_working_day":
        # sent on Friday for Monday: "tomorrow" would be Saturday
        return (
            _("%(employee)s, %(period)s: the %(step)s is due the next working day (%(due)s).") % p
        )
    if kind == "delegation_started":
        return (
            _(
                "%(delegator)s made you their deputy from %(starts)s to %(ends)s: in that "
                "period you act on the reviews they hold, on their behalf (%(reason)s)."
            )
            % p
        )
    if kind == "deputy_acted" and params.get("action") == "return":
        return (
            _(
                "%(deputy)s, on your behalf, returned the %(step)s of %(employee)s, "
                "%(period)s: %(comment)s"
            )
            % p
        )
    if kind == "deputy_acted":
        return (
            _("%(deputy)s, on your behalf, handed in the %(step)s of %(employee)s, %(period)s.") % p
        )
    if kind == "remind_before":
        return _("%(employee)s, %(period)s: the %(step)s is due tomorrow (%(due)s).") % p
    if kind == "remind_due":
        return _("%(employee)s, %(period)s: the %(step)s is due today (%(due)s).") % p
    if kind == "hr_reminder":
        return (
            _("%(employee)s, %(period)s: HR asks you to complete the %(step)s (due %(due)s).") % p
        )
    if kind == "overdue":
        return _("%(employee)s, %(period)s: the %(step)s is overdue (it was due %(due)s).") % p
    if kind == "step_overdue_escalation":
        p["names"] = rejoined(str(params.get("names") or "—"))  # stored joined with "、"
        return _("%(count)s steps in your team are overdue: %(names)s") % p
    if kind == "result_published":
        return _("Your result for %(period)s is published: %(total)s, %(grade)s.") % p
    if kind == "calibration_fitted":
        return _("%(employee)s, %(period)s: the grade was fitted under the caps.") % p
    if kind == "appeal_step":
        return _("%(employee)s's appeal: the %(step)s is yours, due %(due)s.") % p
    if kind == "appeal_moved":
        return _("Your appeal for %(period)s moved on: the %(step)s, due %(due)s.") % p
    if kind == "appeal_closed":
        return _("Your appeal for %(period)s is closed.") % p
    if kind == "trail_refused":
        return (
            _(
                "The audit trail no longer holds to its last signed checkpoint, so no "
                "checkpoint was signed: %(detail)s. Ask whoever runs the installation to investigate."
            )
            % p
        )
    if kind == "trail_failed":
        return _("Signing the audit trail's checkpoint failed: %(detail)s.") % p
    if kind.startswith("appeal_"):
        return _("%(employee)s's appeal: the %(step)s is due %(due)s.") % p
    return fallback


def sentence_in(language: str, kind: str, params: dict, fallback: str = "") -> str:
    with translation.override(language):
        return sentence(kind, params, fallback)
