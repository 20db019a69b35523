"""`general`: the company-wide policy (seed 000 篇三 力同机械; seed 004 for appeals and
deadlines). Every other pack inherits its items unless it overrides them."""

from dataclasses import replace

from engine.plugins.hookspecs import hookimpl
from engine.scoring import RoleTemplate
from engine.scoring.pack import RulePack

from .base import ANNUAL_FROM_MONTHS, APPEAL, CHAIN, EVENTS, FOLLOWUP, GRADES_AE, LATE, ind
from .committee import COMMITTEE, MANAGER_SECTIONS, OFFICE_COMMITTEE, REPORT_REVIEW, SUPERIOR
from .population import ACTIVE_MANAGEMENT, runs_of_months

NAME, VERSION = "general", "1.2.0"

STAFF = RoleTemplate(
    pack=NAME,
    version=VERSION,
    role="staff",
    name_zh="职员",
    name_en="staff",
    period="month",
    # [resolved] the seed names four monthly items; 25 points each, supervisor scores.
    indicators=(
        ind("efficiency", "工作效率", "efficiency", 25, "manual"),
        ind("operation", "操作", "operation", 25, "manual"),
        ind("attitude", "工作态度", "attitude", 25, "manual"),
        ind("knowledge", "学识", "knowledge", 25, "manual"),
    ),
    grades=GRADES_AE,
    events=EVENTS,
    chain=CHAIN,
    late_penalties=LATE,
    appeal=APPEAL,
    outcomes="rulepacks.general.base:company_outcomes",
    # any member of staff may head a team and review their reports
    reviews=("supervisor",),
)

# 部门经理以上人员 (seed 004 篇6 三.1): every half-year, the self-report (述职报告) weighed
# by the appraisal leadership group, combined with the superior's assessment.
MANAGER = RoleTemplate(
    pack=NAME,
    version=VERSION,
    role="manager",
    name_zh="部门经理",
    name_en="department manager",
    period="half",
    indicators=(REPORT_REVIEW, SUPERIOR),
    sections=MANAGER_SECTIONS,
    grades=GRADES_AE,
    events=EVENTS,
    chain=CHAIN,
    late_penalties=LATE,
    appeal=APPEAL,
    outcomes="rulepacks.general.base:company_outcomes",
    reviews=("supervisor",),
)

# 外地办事处经理 (seed 004 篇6 三.2): the same method every quarter.
OFFICE_MANAGER = replace(
    MANAGER,
    role="office_manager",
    name_zh="外地办事处经理",
    name_en="branch office manager",
    period="quarter",
)

PACK = RulePack(
    NAME, VERSION, "公司通用考核", "Company-wide appraisal", (STAFF, MANAGER, OFFICE_MANAGER)
)


# The rules of policies.md §6 (rules over a population and over time) this pack
# declares: the seed code of the spec's table → what declares it here
# ("population:<rule>", "indicator:<role>.<code>", "event:<role>.<code>",
# "outcome:<role>.<key>"). tests/golden/test_spec_rules.py checks that every code of
# the spec has a declaring pack and that each declaration names something real.
SEED_RULES = {
    "004 篇1 第12条": ("population:first_three_months", "population:failing_three_months"),
    "004 篇8 奖励": ("population:active_management_award",),
    "000 篇三 八.5": ("event:staff.evaluator_breach",),
}


@hookimpl
def jixiao_population_rules():
    return [*runs_of_months(("e",)), ACTIVE_MANAGEMENT]


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_followup_steps():
    return FOLLOWUP


@hookimpl
def jixiao_annual_rules():
    """An annual cycle's result is the mean of the year's monthly results (policies)."""
    return (ANNUAL_FROM_MONTHS,)


@hookimpl
def jixiao_committee_reviews():
    return [COMMITTEE, OFFICE_COMMITTEE]
