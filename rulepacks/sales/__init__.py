"""`sales`: export sales representatives, assistants and leads (seed 004: 篇3, 篇8)."""

from decimal import Decimal as D

from engine.plugins.hookspecs import hookimpl
from engine.scoring import Grade, RoleTemplate, Section
from engine.scoring.pack import RulePack
from rulepacks.general.base import APPEAL, CHAIN, EVENTS, FOLLOWUP, LATE, ind, levels
from rulepacks.sales.population import RULES as POPULATION_RULES

NAME, VERSION = "sales", "1.2.0"

GRADES = (
    Grade("excellent", "优", "excellent", D(91), D(100), D("1.3")),
    Grade("good", "良", "good", D(81), D(91), D("1.1")),
    Grade("fair", "中", "fair", D(71), D(81), D("1.0")),
    Grade("basic", "基本合格", "basic", D(61), D(71), D("0.8")),
    Grade("fail", "不合格", "fail", D(0), D(61), D("0.4")),
)
RATERS = {"self": D("0.20"), "supervisor": D("0.50"), "manager": D("0.30")}
BEHAVIOUR_RATERS = ("self", "supervisor", "manager")


def _b(code, zh, en, points, section):
    return ind(
        code,
        zh,
        en,
        points[0],
        "rating",
        section=section,
        sources=BEHAVIOUR_RATERS,
        **levels(*points),
    )


def _bm(code, zh, en, points, section):
    return ind(code, zh, en, points, "manual", section=section, sources=BEHAVIOUR_RATERS)


# The monthly behaviour sheet (业务系统月度考核表): optional, reported beside the
# main sheet, rated by self 20% / supervisor 50% / manager 30%. [resolved] Its
# printed points do not add up per group (工作能力 35 for 30, 工作表现 15 for 20), so
# each group is scaled to its printed total, as the R&D ability section is.
BEHAVIOUR_SECTIONS = (
    Section(
        "behaviour_conduct",
        "品德",
        "conduct",
        D(1),
        None,
        RATERS,
        optional=True,
        counts=False,
        sheet="behaviour",
    ),
    Section(
        "behaviour_ability",
        "工作能力",
        "ability",
        D(1),
        D(30),
        RATERS,
        optional=True,
        counts=False,
        sheet="behaviour",
    ),
    Section(
        "behaviour_performance",
        "工作表现",
        "performance",
        D(1),
        D(20),
        RATERS,
        optional=True,
        counts=False,
        sheet="behaviour",
    ),
    Section(
        "behaviour_results",
        "工作成绩",
        "results",
        D(1),
        None,
        RATERS,
        optional=True,
        counts=False,
        sheet="behaviour",
    ),
)
SMALL = (D("2.5"), D(2), D("1.5"), D(1))
BEHAVIOUR = (
    _b("b_loyalty", "忠于公司,维护公司利益", "loyalty", (6, 5, 4, 3), "behaviour_conduct"),
    _b("b_harmony", "团结友爱,互相帮助", "harmony", (5, 4, 3, 2), "behaviour_conduct"),
    _b("b_sincerity", "待人坦诚,诚实可靠", "sincerity", (4, 3, 2, 1), "behaviour_conduct"),
    _b("b_dedication", "奉献精神", "dedication", (5, 4, 3, 2), "behaviour_conduct"),
    _b("b_planning", "计划性", "planning", (D("3.5"), D("2.5"), 2, 1), "behaviour_ability"),
    _b(
        "b_responsibility",
        "责任感",
        "responsibility",
        (D("4.5"), D("3.5"), 3, 2),
        "behaviour_ability",
    ),
    # The seed prints 3.5/4/3/2; a "good" worth more than "very good" is a misprint.
    _b("b_organising", "组织能力", "organising", (D("3.5"), D("2.5"), 2, 1), "behaviour_ability"),
    _b(
        "b_problem_solving",
        "处理问题",
        "problem solving",
        (D("3.5"), D("2.5"), 2, 1),
        "behaviour_ability",
    ),
    _b("b_knowledge", "知识面", "breadth of knowledge", SMALL, "behaviour_ability"),
    _b("b_public_relations", "公关能力", "public relations", SMALL, "behaviour_ability"),
    _b("b_coordination", "协调沟通能力", "coordination", SMALL, "behaviour_ability"),
    _b("b_judgement", "判断能力", "judgement", SMALL, "behaviour_ability"),
    _b("b_comprehension", "理解能力", "comprehension", SMALL, "behaviour_ability"),
    _b("b_expression", "表达能力", "expression", SMALL, "behaviour_ability"),
    _b("b_teamwork", "团队合作", "team spirit", SMALL, "behaviour_ability"),
    _b("b_principle", "原则性", "principle", SMALL, "behaviour_ability"),
    _b("b_initiative", "积极性", "initiative", (4, 3, 2, 1), "behaviour_performance"),
    _b("b_obedience", "服从性", "obedience", (D("4.5"), 4, 3, 2), "behaviour_performance"),
    _b("b_rules", "规章制度", "rules", (D("6.5"), D("5.5"), 4, 3), "behaviour_performance"),
    # Work results are printed as point ranges (10~11, 8~9, 0~7): the rater enters points.
    _bm("b_target_volume", "工作目标完成量", "target volume", 12, "behaviour_results"),
    _bm("b_work_quality", "工作质量", "work quality", 10, "behaviour_results"),
    _bm("b_work_efficiency", "工作效率", "work efficiency", 8, "behaviour_results"),
)
MAIN = (Section("results", "考核指标", "appraisal sheet"),)


def _fin(code, zh, en, w, **params):
    return ind(code, zh, en, w, "ratio", section="results", sources=("system",), **params)


def _scale(code, zh, en, w):
    return ind(code, zh, en, w, "scale", section="results", n=5)


def _role(code, zh, en, indicators, *, behaviour_sheet=True, reviews=()):
    """The sheet of the role; the monthly behaviour sheet is for the people who earn
    commission, the lead excepted (组长除外)."""
    return RoleTemplate(
        pack=NAME,
        version=VERSION,
        role=code,
        name_zh=zh,
        name_en=en,
        # [resolved] the sheets are quarterly/annual; quarterly is the default cycle.
        period="quarter",
        sections=MAIN + (BEHAVIOUR_SECTIONS if behaviour_sheet else ()),
        indicators=tuple(indicators) + (BEHAVIOUR if behaviour_sheet else ()),
        grades=GRADES,
        events=EVENTS,
        chain=CHAIN,
        late_penalties=LATE,
        appeal=APPEAL,
        outcomes="rulepacks.sales.outcomes:sales_outcomes",
        reviews=reviews,
    )


REP = _role(
    "sales_rep",
    "外贸业务员",
    "sales representative",
    (
        _fin("orders", "销售开单数量", "orders", 10, unit="count"),
        # [resolved] the seed prints 55, which breaks its own 65% subtotal.
        _fin(
            "net_revenue",
            "净营业额",
            "net revenue",
            45,
            allow_negative=True,
            unit="money",
            description_zh="回收款项 − 成本；可为负数，为负时本项得 0 分",
            description_en="collected payments − cost; may be negative, which scores 0",
        ),
        _fin("collection", "应收款/赊销", "receivables collected", 10, unit="rate"),
        _scale("new_customers", "新开发客户", "new customers", 5),
        _scale("customer_satisfaction", "顾客满意度", "customer satisfaction", 10),
        _scale("customer_churn", "客户流失率", "customer churn", 5),
        _scale("information", "信息管理与反馈", "information and feedback", 5),
        _scale("teamwork", "团队协作配合", "teamwork", 5),
        _scale("discipline", "组织纪律性", "discipline", 5),
    ),
)
ASSISTANT = _role(
    "sales_assistant",
    "业务助理",
    "sales assistant",
    (
        _fin("orders", "销售开单", "orders", 5, unit="count"),
        _fin(
            "net_revenue",
            "净营业额",
            "net revenue",
            20,
            allow_negative=True,
            unit="money",
            description_zh="回收款项 − 成本；可为负数，为负时本项得 0 分",
            description_en="collected payments − cost; may be negative, which scores 0",
        ),
        _fin("collection", "应收款/赊销", "receivables collected", 5, unit="rate"),
        _scale("customer_satisfaction", "顾客满意度", "customer satisfaction", 10),
        _scale("information", "信息管理/反馈", "information and feedback", 10),
        _scale("rep_cooperation", "与业务员配合度", "cooperation with representatives", 20),
        _scale("staff_satisfaction", "内部员工满意度", "staff satisfaction", 10),
        _scale("teamwork", "团队协作配合", "teamwork", 10),
        _scale("discipline", "组织纪律性", "discipline", 10),
    ),
)
LEAD = _role(
    "sales_lead",
    "业务组长",
    "sales lead",
    (
        _fin(
            "team_net_revenue",
            "部门净营业额",
            "team net revenue",
            35,
            allow_negative=True,
            unit="money",
        ),
        _fin(
            "personal_net_profit",
            "个人销售净利润",
            "personal net profit",
            15,
            allow_negative=True,
            unit="money",
        ),
        _fin("collection", "应收款/赊销", "receivables collected", 5, unit="rate"),
        _scale("sales_planning", "销售计划与组织", "sales planning", 5),
        _scale("customer_satisfaction", "顾客满意度", "customer satisfaction", 5),
        _scale("new_customers", "新开发客户", "new customers", 5),
        _scale("information", "信息管理/反馈", "information and feedback", 5),
        _scale("legacy_issues", "遗留问题处理", "legacy issues", 5),
        _scale("staff_satisfaction", "员工满意度", "staff satisfaction", 5),
        _scale("coaching", "对下属培训/指导", "coaching", 5),
        _scale("teamwork", "团队协作配合", "teamwork", 5),
        _scale("discipline", "组织纪律性", "discipline", 5),
    ),
    behaviour_sheet=False,
    reviews=("supervisor",),
)

PACK = RulePack(NAME, VERSION, "外贸业务考核", "Export sales", (REP, ASSISTANT, LEAD))


# The rules of policies.md §6 (rules over a population and over time) this pack
# declares: the seed code of the spec's table → what declares it here
# ("population:<rule>", "indicator:<role>.<code>", "event:<role>.<code>",
# "outcome:<role>.<key>"). tests/golden/test_spec_rules.py checks that every code of
# the spec has a declaring pack and that each declaration names something real.
SEED_RULES = {
    "004 篇8 1.4": ("population:pay_table",),
    "004 篇8 1.5": ("population:pay_table",),
    "004 篇8 2.2": ("population:lead_quarterly_commission", "population:annual_commission"),
    "004 篇8 3.3": ("population:collections",),
    "004 篇8 3.4": ("population:collections",),
    "004 篇8 奖励": (
        "population:quarterly_rank_award",
        "population:annual_rank_award",
        "population:best_newcomer",
        "population:best_leader",
        "population:team_award",
    ),
}


@hookimpl
def jixiao_population_rules():
    return POPULATION_RULES


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_followup_steps():
    return FOLLOWUP
