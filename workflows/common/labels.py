"""Words for what the engine stores as codes: steps, company roles, outcome keys and
their values, in the reader's language. Pack items (indicators, grades, events) carry
their own `name_zh`/`name_en`; `name()` picks the reader's."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from engine import lists
from engine.outcomes.words import OUTCOMES as OUTCOMES  # the one table, re-exported

STEPS = {
    "self": _("Self-review"),
    "supervisor": _("Supervisor's review"),
    "dept_head": _("Department head's review"),
    "hr": _("HR review"),
    "gm": _("General manager's approval"),
    "board": _("Board approval"),
    "mediation": _("Mediation"),
    "hr_intake": _("HR intake"),
    "investigation": _("Investigation"),
    "decision": _("Decision"),
    "acknowledge": _("Acknowledgement of the result"),
    "interview": _("Feedback interview"),
    "feedback": _("360° feedback"),
    "committee_score": _("Committee scoring of the self-report"),
    "committee_close": _("Closing of the committee review"),
}
ROLES = {
    "hr": _("HR"),
    "gm": _("General manager"),
    "board": _("Board of directors"),
    "auditor": _("Auditor"),
    "system": _("System"),
    "self": pgettext_lazy("who supplies an input", "Employee"),
    "supervisor": _("Supervisor"),
    "manager": _("Manager"),
    "dept_head": _("Department head"),
    "committee": _("Appraisal leadership group"),
    "admin": _("Administrator"),
    "employee": _("Employee"),
    "reviewer": _("Reviewer"),
    "api": _("API client"),
}
# Outcomes that repeat a figure the appraisal measured, named when no indicator of the
# template carries that code (the lead's team net revenue).
OUTCOMES_FALLBACK = {
    "net_revenue": _("Net revenue"),
    "team_net_revenue": _("Team net revenue"),
}
# The levels of a rating in English (packs give each level's Chinese label; the code is
# its English word). Chinese readers read the pack's own label.
LEVELS = {
    "excellent": pgettext_lazy("rating level", "Excellent"),
    "good": pgettext_lazy("rating level", "Good"),
    "fair": pgettext_lazy("rating level", "Fair"),
    "poor": pgettext_lazy("rating level", "Poor"),
    "high": pgettext_lazy("rating level", "Conscientious"),
    "adequate": pgettext_lazy("rating level", "Adequate"),
    "careless": pgettext_lazy("rating level", "Careless"),
    "insubordinate": pgettext_lazy("rating level", "Insubordinate"),
}
VALUES = {
    True: _("Yes"),
    False: _("No"),
    None: "—",
    "senior": _("Senior"),
    "intermediate": _("Intermediate"),
    "junior": _("Junior"),
    "confirm": _("Confirmed"),
    "confirm_early": _("May be confirmed early"),
    "extend_trial": _("Trial extended"),
    "dismiss": _("Dismissed"),
    "eligible": _("Eligible"),
    "may_apply": _("May apply"),
    "no": _("No"),
    "resignation_review": _("Flagged for resignation (HR decides)"),
    # flags of the population rules (engine/payroll/words.FLAGS says the same in files)
    "missing_input": _("Input missing: not computed (HR settles it)"),
    "best_agent": _("Best agent (the company decides the reward)"),
    "excellent_agent": _("Excellent agent (the company decides the reward)"),
    "award_tie": _("Tied beyond the places: HR decides"),
    "to_be_dismissed": _("Warned and placed on the list to be dismissed"),
    "fund_unshared": _("Nobody completed their task: HR decides"),
    "special_award": _("Special award (the company decides the amount)"),
    # a committee review's combination (engine.scoring.committee)
    "mean": _("The mean of every member's score"),
    "trimmed_mean": _("The highest and the lowest score are dropped and the rest averaged"),
}
ACTIONS = {
    "create": _("Created"),
    "invite": _("Invitation to set a password sent"),
    "update": _("Changed"),
    "delete": _("Removed"),
    "pack_activate": _("Rule pack activated"),
    "position_map": _("Position mapped to a role"),
    "grant_view": _("Read access granted"),
    "cycle_open": _("Cycle opened"),
    "cycle_cancel": _("Cycle cancelled"),
    "annual_compute": _("Annual inputs computed from the year's results"),
    "open": _("Appraisal opened"),
    "submit": _("Step handed in"),
    "return": _("Step returned"),
    "push": _("Overdue step pushed on"),
    "close": _("Step closed as not handed in: the employee left"),
    "late_penalty": _("Late penalty"),
    "awaiting_team": _("Waiting for the team's results"),
    "calibration": _("Grade calibrated"),
    "calibration_confirm": _("Department calibration confirmed"),
    "calibration_pooling": _("Pooling of small departments switched"),
    "publish": pgettext_lazy("audit action", "Result published"),
    "finalise": _("Result final"),
    "withdraw": _("Appraisal withdrawn"),
    "exempt": _("Appraisal exempted"),
    "inputs": _("System metrics loaded"),
    "access_denied": _("Access refused"),
    "remind_before": _("Reminder: due the next working day"),
    "remind_due": _("Reminder: due today"),
    "overdue": _("Step overdue"),
    "appeal_file": _("Appeal filed"),
    "appeal_mediation": _("Appeal mediated"),
    "appeal_intake": _("Appeal intake"),
    "appeal_investigation": _("Appeal investigated"),
    "appeal_decision": _("Appeal decided"),
    "appeal_remind_before": _("Appeal reminder: due the next working day"),
    "appeal_remind_due": _("Appeal reminder: due today"),
    "appeal_overdue": _("Appeal step overdue"),
    "event": _("Event recorded"),
    "payroll_export": _("Payroll exported"),
    "form_archived": _("Appraisal form (PDF) kept"),
    "population_outcome": _("Award or pay rule applied"),
    "special_bonus_propose": _("Special bonus proposed"),
    "special_bonus_decide": _("Special bonus decided"),
    "targets": _("Cycle targets set"),
    "remind": _("HR reminded the holder"),
    "reassign": _("Step moved to a new holder"),
    "account_closed": _("Account closed (left)"),
    "import": _("Imported from Excel"),
    "webhook_add": _("Webhook added"),
    "webhook_off": _("Webhook switched off"),
    "api_token_create": _("API token created"),
    "api_token_revoke": _("API token revoked"),
    "api_token_use": _("API token used"),
    "pack_customise": _("Company version of a pack role"),
    "trail_verify": _("Audit trail verified"),
    "followup_open": _("Acknowledgement and interview opened"),
    "acknowledge": _("Result acknowledged and signed"),
    "acknowledge_decline": _("Acknowledgement declined and signed"),
    "interview_schedule": _("Feedback interview scheduled"),
    "interview_record": _("Feedback interview recorded"),
    "interview_confirm": _("Interview record confirmed by the employee"),
    "interview_comment": _("Employee commented on the interview record"),
    "followup_remind_before": _("After the result: due the next working day"),
    "followup_remind_due": _("After the result: due today"),
    "followup_overdue": _("After the result: overdue, HR told"),
    "plan_open": _("Improvement plan opened"),
    "plan_goal_add": _("Improvement plan goal added"),
    "plan_check_in": _("Improvement plan check-in"),
    "plan_goal_edit": _("Improvement plan goal changed"),
    "plan_goal_withdraw": _("Improvement plan goal withdrawn"),
    "trail_restored": _("Audit trail restored from a backup"),
    "feedback_nominate": _("360° feedback: raters nominated"),
    "feedback_open": _("360° feedback: raters asked"),
    "feedback_add_raters": _("360° feedback: raters added"),
    "feedback_answer": _("360° feedback: answer given"),
    "feedback_aggregate": _("360° feedback: aggregate written as the indicator's value"),
    "feedback_close": _("360° feedback: closed without a value"),
    "feedback_remind_before": _("360° feedback: due the next working day"),
    "feedback_remind_due": _("360° feedback: due today"),
    "feedback_overdue": _("360° feedback: overdue"),
    "committee_form": _("Committee formed"),
    "committee_score": _("Committee member scored the self-report"),
    "committee_close": _("Committee review closed, combined score entered"),
    "report_draft": _("Self-report draft saved"),
    "report_submit": _("Self-report submitted"),
    "committee_remind_before": _("Committee review: due the next working day"),
    "committee_remind_due": _("Committee review: due today"),
    "committee_overdue": _("Committee review: overdue, HR told"),
    "committee_member_left": _("Committee member left: their scoring is cancelled"),
    "committee_chair_moved": _("Committee chair left: the closing moved on"),
    "committee_member_moved": _("Committee member left: the successor scores instead"),
}
OBJECTS = {
    "appraisals.appraisal": _("Appraisal"),
    "appraisals.cycle": _("Cycle"),
    "appraisals.packactivation": _("Rule pack"),
    "appraisals.positionmapping": _("Position mapping"),
    "appeals.appeal": _("Appeal"),
    "org.company": _("Company"),
    "org.department": _("Department"),
    "org.employee": _("Employee"),
    "org.position": _("Position"),
    "org.companyrole": _("Company role"),
    "org.calendaroverride": _("Calendar day"),
    "org.delegation": _("Delegation"),
    "notifications.webhook": _("Webhook"),
    "api.apitoken": _("API token"),
}
# The role someone acted in, as the trail's "Role" column names it (a noun, no article).
ACTING_ROLES = {
    "self": _("employee"),
    "employee": _("employee"),
    "supervisor": _("direct supervisor"),
    "manager": _("manager"),
    "dept_head": _("department head"),
    "committee": _("appraisal leadership group member"),
    "hr": _("HR"),
    "gm": _("general manager"),
    "board": _("board of directors"),
    "auditor": _("auditor"),
    "system": _("system"),
    "admin": _("administrator"),
    "reviewer": _("reviewer"),
    "rater": _("360° rater"),
    "api": _("API client"),
}
CYCLE_KINDS = {
    "month": _("monthly appraisal"),
    "quarter": _("quarterly appraisal"),
    "half": _("half-yearly appraisal"),
    "year": _("annual appraisal"),
}
# Reasons the engine itself writes into the trail (people's own reasons are shown as
# they typed them). Patterns with a step or a quoted reason are handled by reason_text().
REASONS = {
    "approved": _("final approval given"),
    "approved (team results complete)": _(
        "final approval given; published once the direct reports' results were final"
    ),
    "team management needs the direct reports' final results": _(
        "waiting: team management needs the direct reports' final results"
    ),
    "published after the department's calibration: fitted under the confirmed caps": _(
        "published after the department's calibration, fitted under the confirmed caps"
    ),
    "holder left": _("the holder left the company"),
    "handed over by HR": _("handed over by HR"),
}
# What became of a step after the result (HR's board, the person's page).
FOLLOWUP_STATUS = {
    "held": _("Held on time"),
    "late": _("Held late"),
    "missing": _("Missing: past its due day"),
    "pending": _("Not yet due"),
    "signed": _("Acknowledged and signed"),
    "declined": _("Declined and signed"),
}
DUE_TOMORROW = _("Due tomorrow")  # a day-before reminder when that day is tomorrow
NOTIFICATIONS = {
    "step_open": _("A step is yours"),
    "step_open_waiting": _("Reached you, not ready yet"),
    "approval_ready": _("Ready to approve"),
    "step_returned": _("Returned to you"),
    "delegation_started": _("You are a deputy"),
    "delegation_ended": _("Delegation ended"),
    "delegation_cancelled": _("Delegation cancelled"),
    "deputy_acted": _("Your deputy acted"),
    "remind_before": _("Due the next working day"),
    "remind_due": _("Due today"),
    "overdue": _("Overdue"),
    "hr_reminder": _("Reminder from HR"),
    "step_overdue_escalation": _("Overdue in your team"),
    "result_published": _("Result published"),
    "calibration_fitted": _("Grade fitted under the caps"),
    "appeal_step": _("An appeal step is yours"),
    "appeal_filed": _("Your appeal was received"),
    "appeal_moved": _("Your appeal moved on"),
    "appeal_closed": _("Appeal closed"),
    "appeal_remind_before": _("Appeal step due the next working day"),
    "appeal_remind_due": _("Appeal step due today"),
    "appeal_overdue": _("Appeal step overdue"),
    "followup_open": _("After the result: yours to do"),
    "followup_remind_before": _("After the result: due the next working day"),
    "followup_remind_due": _("After the result: due today"),
    "followup_overdue": _("After the result: overdue"),
    "feedback_open": _("360° feedback: you are asked"),
    "feedback_remind_before": _("360° feedback: due the next working day"),
    "feedback_remind_due": _("360° feedback: due today"),
    "feedback_overdue": _("360° feedback: overdue"),
    "committee_open": _("Committee review: yours to do"),
    "committee_report": _("Committee review: write your self-report"),
    "committee_remind_before": _("Committee review: due the next working day"),
    "committee_remind_due": _("Committee review: due today"),
    "committee_overdue": _("Committee review: overdue"),
    "committee_ready": _("Committee review: ready to close"),
    "interview_scheduled": _("Feedback interview scheduled"),
    "interview_recorded": _("Interview record to confirm"),
    "acknowledgement_declined": _("Result declined by the employee"),
    "interview_commented": _("Comment on the interview record"),
    "trail_refused": _("Audit trail failed its check"),
    "trail_failed": _("Audit trail not signed"),
}
RULES = {
    "required": _("This field is required."),  # the words of every form field too
    "min": _("It must not be negative."),
    "max": _("It is above what is allowed."),
    "range": _("It is outside the allowed range."),
    "integer": _("Enter a whole number."),
    "type": _("Enter a number."),
    "decimal_point": _("Use a decimal point, e.g. 3.5."),
    "choices": _("Choose one of the options."),
    "has_password": _("This person has a password already; they can use “Forgot your password?”."),
    "calendar_already_working": _(
        "This day is a working day already; a company day changes a day the country gives."
    ),
    "calendar_already_off": _(
        "This day is a day off already; a company day changes a day the country gives."
    ),
    "format": _("The format is not right."),
    "incomplete": _("The sheet is all or nothing: fill in every item."),
    "reason": _("Every deduction needs a written reason."),
    "open": _("This step cannot be handed in now: it may just have been handled by someone else."),
    "left": _(
        "The employee has left: their self-review cannot be returned to them. Score what "
        "you have, or note what is missing in your comment."
    ),
    "holder": _("You do not hold this step."),
    "own": _("Nobody acts on their own appraisal here."),
    "last_hr": _("The company's last HR holder cannot be removed: grant HR to someone else first."),
    "not_held": _("This person does not hold this role any more."),
    "deputy_reports": _(
        "The deputy reports to you: a deputy may not review their peers or themselves."
    ),
    "self_deputy": _("Nobody is their own deputy."),
    "own_scores": _("This appeal contests scores you gave: another HR colleague handles it."),
    "deputy_reviews": _(
        "The deputy is your own reviewer: they review your team's appraisals at a later "
        "step and would review them twice."
    ),
    "deputy_role": _(
        "The deputy is HR, the general manager or on the board: they hold a later step of "
        "your team's appraisals and would review them twice."
    ),
    "overlap": _("This period overlaps another of your delegations: one delegation at a time."),
    "already_reviewed": _(
        "They hold or already did another review of this appraisal: one person never "
        "reviews it twice."
    ),
    "order": _("The period ends before it starts."),
    "past_period": _("The period is over already: choose dates from today on."),
    "not_future": _(
        "The last day cannot be after today; record the departure on or after the last day."
    ),
    "too_far": _("A delegation lasts at most a year: choose an earlier last day."),
    "own_appraisal": _("Nobody may hold a step of their own appraisal."),
    "reviews_manager": _(
        "They report to the person appraised: nobody may review their own manager."
    ),
    "peer": _("They have the same supervisor as the person appraised: nobody scores a peer."),
    "self_review": _("A self-review stays with its employee."),
    "holds_already": _("They hold this step already."),
    "role:hr": _("Only HR of this company may do this."),
    "role:audit": _("Only auditors, HR and the general manager read the audit trail."),
    "role:audit_company": _("You do not audit that company."),
    "appellant": _("Only the person appraised may appeal their result."),
    "reviewer": _("Only a reviewer of this appraisal may propose bonus points."),
    "exists": _("This does not exist, or it is not yours to see."),
    "overdue": _("This step is not overdue yet."),
    "first": _("The first step has nothing to return to."),
    "not_yet": _("This appraisal has not reached your approval step yet; nothing was done."),
    "confirmed": _("HR has not confirmed this department's calibration yet."),
    "caps": _(
        "Some grades are still over their caps: apply the proposals or decide the ties first."
    ),
    "unscored": _("Someone in the department is not scored yet."),
    "provisional": _("Only a scored result awaiting the GM's approval can be calibrated."),
    "team_final": _("The direct reports' results are needed first."),
    "relation": _("You may not see this appraisal."),
    "transition": _("This cannot be done in the appraisal's present state."),
    "window": _("The appeal window has closed."),
    "once": _("This has been done already; it can be done once."),
    "published": _("Only a published result can be appealed."),
    "unknown": _("This item is not part of the appraisal."),
    "template": _(
        "The changed rules do not hold together (for example weights that do not add up, or grade bands with a gap)."
    ),
    "file_type": _("Attach a PDF, PNG, JPEG or text file whose content matches its name."),
    "file_size": _("A file may be at most 5 MB."),
    "source": _("This step does not enter that item."),
    "own_result": _("Only the person appraised signs or answers here."),
    "superseded": _("A corrected version was published: read it and sign that one."),
    "current": _("The result changed since you opened the page: read it again before signing."),
    "password": _("The password is not right: signing needs your own password."),
    "signed": _("This version is signed already."),
    "recorded": _("The interview has not been recorded yet."),
    "interview_done": _("The interview is recorded already."),
    "max_length": _("The text is too long."),
    "busy": _(
        "Someone changed the same records at the same moment, so nothing was saved. "
        "Please try again."
    ),
}


def name(obj: Any, attr: str = "name") -> str:
    """`obj.name_zh` or `obj.name_en` (or the dict keys) in the reader's language.

    Packs write English names in lower case ("e-commerce agent", "efficiency") so they
    read well inside a sentence; a name shown on its own is in sentence case."""
    en = (get_language() or "zh-hans").startswith("en")
    key = f"{attr}_{'en' if en else 'zh'}"
    if isinstance(obj, dict):
        words = str(obj.get(key) or obj.get(f"{attr}_zh") or "")
    else:
        words = str(getattr(obj, key, "") or getattr(obj, f"{attr}_zh", ""))
    return words[:1].upper() + words[1:] if en else words


def level_label(level) -> str:
    """A rating level in the reader's language: the pack's Chinese label, or in English
    the level's own English label where the pack gives one, else the words for its code."""
    if not (get_language() or "zh-hans").startswith("en"):
        return level.label_zh
    own = getattr(level, "label_en", "")
    return str(own or LEVELS.get(level.code) or level.code.replace("_", " ").capitalize())


def level_with_points(level) -> str:
    """A rating level as the form offers it and every summary of it repeats: "优 · 6"."""
    return f"{level_label(level)} · {level.points.normalize():f}"


def joined(items) -> str:
    """A list in a sentence: "甲、乙" for Chinese readers, "a, b" for English ones."""
    return lists.joined(items)


# the GM's approval of the GM's own appraisal is held by the board (policies: nobody
# approves their own): "General manager's approval · Board" read as a contradiction
GM_BY_BOARD = _("Board approval (the general manager's own appraisal)")


def step_label(step) -> str:
    """A step's name from its code, or from the step itself: the GM step of the GM's
    own appraisal, held by the board, is named as the board's approval."""
    code = getattr(step, "code", step)
    if code == "gm" and getattr(step, "holder_role", "") == "board":
        return str(GM_BY_BOARD)
    return str(STEPS.get(code, code))


def position_words(a) -> str:
    """Who the appraised person is at work, as a page names them beside their
    department: their position (总经理 / General manager), else the role their
    appraisal pinned. Several positions share a pack's role — the GM and the HR
    officer are appraised on the general pack's staff role — so the role's title
    (职员) would call the general manager an employee."""
    from engine.appraisals.pinned_templates import template_for

    position = getattr(a.employee, "position", None)
    return name(position) if position is not None else name(template_for(a))


def outcome_value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(VALUES[value])
    return str(VALUES.get(value, value))


def error_text(exc) -> str:
    """A domain error in the reader's language: the words for its rule, or its own
    message when no words exist for the rule yet."""
    words = RULES.get(getattr(exc, "rule", None) or "")
    if words is not None:
        return str(words)
    # Its own message, through the catalogue when the message is one of its entries
    # ("this supervisor would make a cycle of supervisors"); as it is otherwise.
    text, params = getattr(exc, "text", None), getattr(exc, "params", None)
    if isinstance(text, str) and params:  # an English template filled with its params
        try:
            return gettext(text) % params
        except (KeyError, TypeError, ValueError):
            pass
    message = str(getattr(exc, "message", str(exc)))
    return gettext(message) if message else message


# what an API token may do (engine.api's scopes), as HR's tokens page and the trail say it
TOKEN_SCOPES = {
    "read": _("Read: packs, cycles, appraisals and people, as the person sees them"),
    "metrics:write": _("Load targets and system metrics"),
    "results:read": _("Read final results (for payroll)"),
    "audit:read": _("Read the audit trail"),
}

# what an Excel import brought in (`import:metrics`), as the import page names it
IMPORT_KINDS = {
    "people": _("people, departments and positions"),
    "targets": _("targets of a cycle"),
    "metrics": _("system metrics of a cycle"),
}


def action_label(action: str) -> str:
    """`submit:supervisor` → "step handed in · Supervisor's review"."""
    head, _sep, tail = action.partition(":")
    words = str(ACTIONS.get(head, head.replace("_", " ")))
    if not tail:
        return words
    if head == "import" and tail in IMPORT_KINDS:
        return f"{words} · {IMPORT_KINDS[tail]}"
    return f"{words} · {step_label(tail) if tail in STEPS else tail.replace('_', ' ')}"


def cycle_name(cycle) -> str:
    """`2026-11 monthly appraisal` / `2026-11 月度考核`: a cycle as people name it."""
    kind = CYCLE_KINDS.get(cycle.kind)
    return f"{cycle.period} {kind}" if kind else str(cycle.period)


HOLDER = re.compile(r"^you do not hold the (\w+) step of this appraisal$", re.I)


def reason_text(reason: str) -> str:
    """A trail reason in the reader's language when the engine wrote it (`approved`,
    `late supervisor penalty`, `appeal 3 upheld: …`); a person's own words unchanged."""
    if not reason:
        return ""
    if reason in REASONS:
        return str(REASONS[reason])
    head, sep, rest = reason.partition(" upheld: ")
    if sep and head.startswith("appeal ") and head[7:].isdigit():
        return str(_("appeal upheld: %(reason)s") % {"reason": rest})
    held = HOLDER.match(reason)
    if held:  # a refused step (access_denied): the rule in words, with the step's title
        return str(
            _("not the holder of this appraisal's step: %(step)s") % {"step": step_label(held[1])}
        )
    words = reason.split(" ")
    if len(words) == 3 and words[0] == "late" and words[2] == "penalty":
        return str(_("late penalty: %(step)s") % {"step": step_label(words[1])})
    return reason
