"""The words of each outcome key a pack's result carries (pay coefficient, warning,
commission …), in one table: the result page and the appraisal form name an outcome
the same way."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

OUTCOMES = {
    "pay_coefficient": _("Pay coefficient"),
    "grade_coefficient": _("Grade coefficient"),
    "base_performance_pay": _("Base performance pay"),
    "performance_pay": _("Performance pay"),
    "performance_pay_cut": _("Performance pay cut"),
    "trial": _("Trial period"),
    "agent_level": _("Agent level"),
    "warning": _("Warning and interview"),
    "dismissal": _("Dismissal"),
    "feedback_interview_within_working_days": _("Feedback interview within (working days)"),
    "improvement_plan_required": _("Improvement plan required"),
    "allowance_cut": _("Allowance cut"),
    "incentive": _("Incentive"),
    "to_be_dismissed_list": _("On the list to be dismissed"),
    "behaviour_score": _("Behaviour sheet score"),
    "monthly_grade": _("Month's grade"),
    "monthly_coefficient": _("Month's coefficient"),
    "commission_rate": _("Commission rate"),
    "commission": _("Commission"),
    "commission_paid": _("Commission paid now (70%)"),
    "risk_reserve": _("Risk reserve held (30%)"),
    "bonus_factor": _("Bonus achievement factor"),
    "late_payment_penalty": _("Late payment penalty"),
    "bad_debt_penalty": _("Bad debt penalty"),
    "complaint_penalty": _("Complaint penalty"),
    "advancement_training": _("Advancement training"),
    "fitness_training_required": _("Fitness-for-post training required"),
    "annual_total": _("Annual total"),
    "salary_grade_change": _("Salary grade change"),
    "new_salary_grade": _("New salary grade"),
    "evaluator_breach_deduction": _("Deducted for breaking the appraisal rules"),
}
