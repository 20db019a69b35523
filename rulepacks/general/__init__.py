"""`general`: the company-wide policy (seed 000 篇三 力同机械; seed 004 for appeals and
deadlines). Every other pack inherits its items unless it overrides them."""

from engine.plugins.hookspecs import hookimpl
from engine.scoring import RoleTemplate
from engine.scoring.pack import RulePack

from .base import APPEAL, CHAIN, EVENTS, FOLLOWUP, GRADES_AE, LATE, ind
from .population import runs_of_months

NAME, VERSION = "general", "1.1.0"

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

PACK = RulePack(NAME, VERSION, "公司通用考核", "Company-wide appraisal", (STAFF,))


@hookimpl
def jixiao_population_rules():
    return runs_of_months(("e",))


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_followup_steps():
    return FOLLOWUP
