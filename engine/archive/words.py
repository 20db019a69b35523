"""The form's words, in English wrapped in gettext (the zh-Hans catalogue has each):
the form is put together under the reader's language (`translation.override`). The
outcome and value words repeat the msgids of workflows/common/labels.py, so one
translation serves the page and the form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from engine.outcomes.words import OUTCOMES as OUTCOME_WORDS

TITLE = _("Performance appraisal form")
HEADER = {
    "company": _("Company"),
    "employee": _("Appraised person"),
    "number": _("Employee number"),
    "department": _("Department"),
    "position": _("Position"),
    "period": _("Appraisal period"),
    "version": _("Result version"),
    "published": _("Published"),
}
KINDS = {
    "month": _("month"),
    "quarter": _("quarter"),
    "half": _("half-year"),
    "year": _("year"),
}
COLUMNS = {
    "no": _("No."),
    "indicator": _("Indicator"),
    "weight": _("Weight"),
    "target": _("Target"),
    "actual": _("Actual"),
    "score": _("Score"),
    "rater": _("Rated by"),
}
SUBTOTAL = _("Subtotal")
# an annual composite: one row per period of the year (the result page's words)
PERIODS = _("The year from its periodic results")
PERIODS_SUM = _("Sum of the contributions")
SECTION_WEIGHT = _("%(score)s × weight %(weight)s = %(points)s")
ROUNDING = _("Rounding %(value)s (shown to two places)")
NOT_COUNTED = _("reported beside the total, not counted in it")
SCORES_SUM = _("Sum of the indicator scores")
ADJUSTMENTS = _("Adjustments")
TOTAL = _("Total score")
GRADE = _("Grade")
CALIBRATED = _("calibrated from %(before)s")
OUTCOMES_TITLE = _("Outcomes")
CONFIRMATIONS = _("Confirmations")
CONFIRM_COLUMNS = {
    "what": _("Confirmation"),
    "who": _("Name"),
    "role": _("Role"),
    "when": _("Time"),
}
SIGNATURES = _("Signatures")
BY_HAND = {
    "employee": _("Appraised person's signature"),
    "rater": _("Appraiser's signature"),
    "date": _("Date"),
}
TRAIL = _("Audit trail")
TRAIL_LINES = {
    "event": _("Publication event"),
    "hash": _("Event hash"),
    "checkpoint": _("Signed checkpoint"),
    "none": _("not covered by a signed checkpoint yet"),
    "missing": _("no publication event found in the trail"),
}
EVENT_AT = _("chain %(chain)s, event %(seq)s")
CHECKPOINT_AT = _("chain %(chain)s up to event %(seq)s, signed %(at)s (key %(key)s)")
FOOTER = _("Generated %(at)s · page %(page)s of %(pages)s")
ON_BEHALF = _("%(who)s for %(holder)s")
PUSHED = _("not handed in; pushed on by %(who)s")
SYSTEM = _("System")
# an indicator value an upheld appeal changed: "依申诉更正：2 → 4", credited to the decision
CORRECTED = _("Corrected on appeal: %(before)s → %(after)s")
APPEAL_DECISION = _("Appeal decision (HR)")
BASE = _("Base score")

# The confirmation a completed step stands for, as the paper forms word it (seed 002:
# 被考核人确认 / 考核人确认 / 领导确认签字 / 人力资源部经理确认签字).
CONFIRM = {
    "self": _("Appraised person's confirmation (self-review)"),
    "supervisor": _("Appraiser's confirmation (supervisor)"),
    "dept_head": _("Appraiser's confirmation (department head)"),
    "hr": _("HR manager's confirmation"),
    "gm": _("Leader's confirmation (general manager)"),
    "board": _("Board's confirmation"),
}
STEP_ROLES = {
    "self": pgettext_lazy("who supplies an input", "Employee"),
    "supervisor": _("Supervisor"),
    "dept_head": _("Department head"),
    "hr": _("HR"),
    "gm": _("General manager"),
    "board": _("Board of directors"),
}
# the chain's steps (the same msgids as workflows/common/labels.STEPS)
STEPS = {
    "self": _("Self-review"),
    "supervisor": _("Supervisor's review"),
    "dept_head": _("Department head's review"),
    "hr": _("HR review"),
    "gm": _("General manager's approval"),
    "board": _("Board approval"),
}
# who supplies an indicator's value (a rater of the pack)
RATERS = {
    "self": pgettext_lazy("who supplies an input", "Employee"),
    "supervisor": _("Supervisor"),
    "manager": _("Manager"),
    "dept_head": _("Department head"),
    "hr": _("HR"),
    "gm": _("General manager"),
    "board": _("Board of directors"),
    "system": _("System"),
}
ADJUST = {
    "late": _("Late %(step)s: × %(factor)s"),
    "late_all": _("Late penalties together: × %(factor)s"),
    "falsified": _("Falsification found: × %(factor)s"),
    "clamp": _("Kept within the allowed range: %(value)s"),
    "event": _("%(event)s: %(value)s points"),
}
DEDUCTIONS = _("%(n)s deductions")
NO_DEDUCTIONS = _("No deductions")
# Outcome keys: the one table (engine/outcomes/words.py), and the inputs and holders an
# outcome line names on the form.
OUTCOMES = {
    **OUTCOME_WORDS,
    "net_revenue": _("Net revenue"),
    "team_net_revenue": _("Team net revenue"),
    "employee": _("Employee"),
    "reviewer": _("Reviewer"),
    "api": _("API client"),
}
VALUES = {
    True: _("Yes"),
    False: _("No"),
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
}
LEVELS = {
    "excellent": pgettext_lazy("rating level", "Excellent"),
    "good": pgettext_lazy("rating level", "Good"),
    "fair": pgettext_lazy("rating level", "Fair"),
    "poor": pgettext_lazy("rating level", "Poor"),
}
YUAN = _("yuan")
