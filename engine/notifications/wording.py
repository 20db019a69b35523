"""What a notification says, in the reader's language: the sentence is made when it is
read (the page) or sent (the e-mail, in the recipient's language), from the kind and
the stored params — who, which step, which period, which day — never from a code."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import capfirst
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
    "acknowledge": gettext_lazy("Acknowledgement of the result"),
    "interview": gettext_lazy("Feedback interview"),
    "feedback": gettext_lazy("360° feedback"),
    "committee_score": gettext_lazy("Committee scoring of the self-report"),
    "committee_close": gettext_lazy("Closing of the committee review"),
}


# who holds an appeal step, when a company role holds it
ROLES = {
    "hr": gettext_lazy("HR"),
    "gm": gettext_lazy("General manager"),
    "board": gettext_lazy("Board of directors"),
    "dept_head": gettext_lazy("Department head"),
}


# The GM step of the GM's own appraisal is held by the board: named as the pages name it.
GM_BY_BOARD = gettext_lazy("Board approval (the general manager's own appraisal)")


def _step(code: str, holder_role: str = "") -> str:
    if code == "gm" and holder_role == "board":
        return str(GM_BY_BOARD)
    return str(STEPS.get(code, code))


def holder_words(names: str, role: str) -> str:
    """The holder as the reader should meet them: the people by name, with the company
    role in words when a role holds the step ("赵敏（人事）"); the role alone when
    nobody holds it yet."""
    role_words = str(ROLES.get(role, "")) if role else ""
    if names and role_words:
        return _("%(names)s (%(role)s)") % {"names": rejoined(names), "role": role_words}
    return rejoined(names) or role_words or "—"


def _appeal_closed(p: _Params, english: bool) -> str:
    """The outcome in words, and what the result is now."""
    outcome = p.get("outcome")
    if english and p.get("grade_before_en"):
        p["grade_before"] = capfirst(p["grade_before_en"])
    if outcome == "upheld" and "total_before" in p:
        text = (
            _(
                "Your appeal for %(period)s was upheld and the result corrected: "
                "%(total_before)s (%(grade_before)s) became %(total)s (%(grade)s)."
            )
            % p
        )
    elif outcome == "upheld":
        text = (
            _("Your appeal for %(period)s was upheld: the result is now %(total)s, %(grade)s.") % p
        )
    elif outcome == "rejected":
        text = (
            _("Your appeal for %(period)s was rejected: the result stays %(total)s, %(grade)s.") % p
        )
    elif outcome == "not_accepted":
        text = (
            _(
                "HR did not accept your appeal for %(period)s: the result stays %(total)s, %(grade)s."
            )
            % p
        )
    elif outcome == "resolved_in_mediation":
        text = (
            _(
                "Your appeal for %(period)s was resolved in mediation: the result stays "
                "%(total)s, %(grade)s."
            )
            % p
        )
    else:
        return _("Your appeal for %(period)s is closed.") % p
    if p.get("reason"):
        text = _("%(text)s Reason given: %(reason)s") % {"text": text, "reason": p["reason"]}
    return text


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "—"


# kind → its sentence, when the params fill it in as they are
SENTENCES = {
    "step_open_waiting": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s has reached you (due %(due)s). It "
        "cannot be approved yet: it waits for HR's calibration or for other "
        "appraisals; its page says which."
    ),
    "approval_ready": gettext_lazy(
        "%(employee)s, %(period)s: HR confirmed the calibration: the %(step)s can be "
        "approved now (due %(due)s)."
    ),
    "step_open": gettext_lazy("%(employee)s, %(period)s: the %(step)s is yours, due %(due)s."),
    "step_returned": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s was returned to you: %(comment)s"
    ),
    "delegation_started": gettext_lazy(
        "%(delegator)s made you their deputy from %(starts)s to %(ends)s: in that "
        "period you act on the reviews they hold, on their behalf (%(reason)s)."
    ),
    "delegation_cancelled": gettext_lazy(
        "%(delegator)s cancelled the delegation to you from %(starts)s to %(ends)s: "
        "you will not act on their behalf in that period."
    ),
    "delegation_ended": gettext_lazy(
        "%(delegator)s ended the delegation to you (%(starts)s to %(ends)s) early: "
        "from now on their steps are theirs again."
    ),
    "remind_due": gettext_lazy("%(employee)s, %(period)s: the %(step)s is due today (%(due)s)."),
    "hr_reminder": gettext_lazy(
        "%(employee)s, %(period)s: HR asks you to complete the %(step)s (due %(due)s)."
    ),
    "overdue": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is overdue (it was due %(due)s)."
    ),
    "result_published": gettext_lazy(
        "Your result for %(period)s is published: %(total)s, %(grade)s."
    ),
    "calibration_fitted": gettext_lazy(
        "%(employee)s, %(period)s: the grade was fitted under the caps."
    ),
    "appeal_step": gettext_lazy("%(employee)s's appeal: the %(step)s is yours, due %(due)s."),
    "followup_open": gettext_lazy("%(employee)s, %(period)s: the %(step)s is yours, due %(due)s."),
    "followup_remind_due": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is due today (%(due)s)."
    ),
    "followup_overdue": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is overdue (it was due %(due)s); HR is told."
    ),
    "feedback_open": gettext_lazy(
        "%(employee)s, %(period)s: you are asked for 360° feedback, due %(due)s."
    ),
    "feedback_remind_due": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is due today (%(due)s)."
    ),
    "feedback_overdue": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is overdue (it was due %(due)s)."
    ),
    "committee_open": gettext_lazy("%(employee)s, %(period)s: the %(step)s is yours, due %(due)s."),
    "committee_report": gettext_lazy(
        "%(employee)s, %(period)s: the appraisal leadership group is formed; write and submit "
        "your self-report (述职报告) before its members score, by %(due)s."
    ),
    "committee_remind_due": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is due today (%(due)s)."
    ),
    "committee_overdue": gettext_lazy(
        "%(employee)s, %(period)s: the %(step)s is overdue (it was due %(due)s); HR is told."
    ),
    "committee_ready": gettext_lazy(
        "%(employee)s, %(period)s: %(n)s members have scored; you may close the committee review."
    ),
    "interview_scheduled": gettext_lazy(
        "Your feedback interview for %(period)s: %(when)s, %(place)s."
    ),
    "interview_recorded": gettext_lazy(
        "Your feedback interview for %(period)s is recorded: read it and confirm or comment."
    ),
    "acknowledgement_declined": gettext_lazy(
        "%(employee)s, %(period)s: declined to acknowledge the result: %(reason)s"
    ),
    "interview_commented": gettext_lazy(
        "%(employee)s, %(period)s: commented on the feedback interview's record: %(reason)s"
    ),
    "trail_refused": gettext_lazy(
        "The audit trail no longer holds to its last signed checkpoint, so no "
        "checkpoint was signed: %(detail)s. Ask whoever runs the installation to investigate."
    ),
    "trail_failed": gettext_lazy("Signing the audit trail's checkpoint failed: %(detail)s."),
}


def _remind_before(p: _Params, english: bool) -> str:
    if p.get("day") == "next_working_day":
        # sent on Friday for Monday: "tomorrow" would be Saturday
        return (
            _("%(employee)s, %(period)s: the %(step)s is due the next working day (%(due)s).") % p
        )
    return _("%(employee)s, %(period)s: the %(step)s is due tomorrow (%(due)s).") % p


def _deputy_acted(p: _Params, english: bool) -> str:
    if p.get("action") == "return":
        return (
            _(
                "%(deputy)s, on your behalf, returned the %(step)s of %(employee)s, "
                "%(period)s: %(comment)s"
            )
            % p
        )
    return _("%(deputy)s, on your behalf, handed in the %(step)s of %(employee)s, %(period)s.") % p


def _overdue_escalation(p: _Params, english: bool) -> str:
    p["names"] = rejoined(str(p.get("names") or "—"))  # stored joined with "、"
    return _("%(count)s steps in your team are overdue: %(names)s") % p


def _appeal_filed(p: _Params, english: bool) -> str:
    p["holder"] = holder_words(p.get("holder", ""), p.get("holder_role", ""))
    p["items"] = rejoined(str(p.get("items_en" if english else "items") or "—"))
    return (
        _(
            "Your appeal for %(period)s was received (contested: %(items)s). "
            "%(holder)s holds the %(step)s and must answer by %(due)s."
        )
        % p
    )


def _appeal_moved(p: _Params, english: bool) -> str:
    if "holder" not in p and "holder_role" not in p:
        return _("Your appeal for %(period)s moved on: the %(step)s, due %(due)s.") % p
    p["holder"] = holder_words(p.get("holder", ""), p.get("holder_role", ""))
    return _("Your appeal for %(period)s moved on: %(holder)s holds the %(step)s, due %(due)s.") % p


# kind → how its sentence reads, when the params choose it or need words first
SENTENCE_MAKERS = {
    "remind_before": _remind_before,
    "followup_remind_before": _remind_before,
    "feedback_remind_before": _remind_before,
    "committee_remind_before": _remind_before,
    "deputy_acted": _deputy_acted,
    "step_overdue_escalation": _overdue_escalation,
    "appeal_filed": _appeal_filed,
    "appeal_moved": _appeal_moved,
    "appeal_closed": _appeal_closed,
}


def sentence(kind: str, params: dict, fallback: str = "") -> str:
    """The notification as one sentence in the active language."""
    if not params:
        return fallback
    english = (translation.get_language() or "").startswith("en")
    p = _Params(params)
    p["step"] = _step(params.get("step", ""), params.get("holder_role", ""))
    if english and params.get("grade_en"):
        p["grade"] = capfirst(params["grade_en"])  # a grade's name: "Pass", not "pass"
    if kind in SENTENCE_MAKERS:
        return SENTENCE_MAKERS[kind](p, english)
    if kind in SENTENCES:
        return SENTENCES[kind] % p
    if kind.startswith("appeal_"):
        return _("%(employee)s's appeal: the %(step)s is due %(due)s.") % p
    return fallback


def sentence_in(language: str, kind: str, params: dict, fallback: str = "") -> str:
    with translation.override(language):
        return sentence(kind, params, fallback)
