"""The payroll file's words: column headers, outcome codes, the inputs that fired a
rule and the reasons a pay cell is empty, in Chinese and English. Kept beside the
export (not in the site's catalogue) so the file reads the same from the page, the
CLI and the demo, whatever the process's active language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine import lists

# key, Chinese, English; numbers are written as numbers
COLUMNS = [
    ("employee_no", "工号", "Employee number"),
    ("employee", "姓名", "Employee"),
    ("department", "部门", "Department"),
    ("role", "岗位角色", "Role"),
    ("total", "总分", "Total"),
    ("grade", "等级", "Grade"),
    ("coefficient", "绩效系数", "Pay coefficient"),
    ("base_performance_pay", "绩效工资基数（元）", "Base performance pay (yuan)"),
    ("performance_pay", "绩效工资（元）", "Performance pay (yuan)"),
    ("commission", "提成（元）", "Commission (yuan)"),
    ("commission_paid", "本月发放提成（元）", "Commission paid now (yuan)"),
    ("risk_reserve", "风险金（元）", "Risk reserve held (yuan)"),
    ("allowance_cut", "补贴扣减比例", "Allowance cut (share)"),
    ("result_version", "结果版本", "Result version"),
    ("notes", "说明", "Notes"),
]
CORRECTION_COLUMNS = [
    ("employee_no", "工号", "Employee number"),
    ("employee", "姓名", "Employee"),
    ("version", "版本", "Version"),
    ("total", "总分", "Total"),
    ("grade", "等级", "Grade"),
    ("reason", "原因", "Reason"),
    ("at", "时间（{zone}）", "Time ({zone})"),
]
OUTCOME_COLUMNS = [
    ("employee_no", "工号", "Employee number"),
    ("employee", "姓名", "Employee"),
    ("rule", "规则", "Rule"),
    ("outcome", "结果", "Outcome"),
    ("amount", "金额（元）", "Amount (yuan)"),
    ("flag", "标记", "Flag"),
    ("inputs", "依据", "Based on"),
]
MISSING_COLUMNS = [
    ("employee_no", "工号", "Employee number"),
    ("employee", "姓名", "Employee"),
    ("state", "状态", "State"),
    ("step", "当前步骤", "Current step"),
]
ABOUT_COLUMNS = [("item", "项目", "Item"), ("value", "内容", "Value")]
SHEETS = {
    "payroll": ("绩效工资", "Payroll"),
    "corrections": ("更正", "Corrections"),
    "outcomes": ("群体规则", "Population rules"),
    "missing": ("未包含", "Not in this file"),
    "about": ("说明", "About this file"),
}
TITLES = {
    "corrections": ("上次导出以来的更正", "Corrections since the previous export"),
    "outcomes": ("群体规则结果", "Outcomes over the population"),
    "missing": ("未包含的考核", "Appraisals not in this file"),
}
ABOUT = {
    "company": ("公司", "Company"),
    "cycle": ("考核周期", "Cycle"),
    "exported_at": ("导出时间", "Exported at"),
    "zone": ("时区", "Time zone"),
    "by": ("导出人", "Exported by"),
    "rows": ("本文件人数", "People in this file"),
    "missing": ("未定稿、未包含的人数", "Not final yet, not in this file"),
    "corrections": ("上次导出以来的更正", "Corrections since the previous export"),
    "audit_head": ("审计链头哈希", "Audit chain head hash"),
    "checkpoint": ("签名检查点", "Signed checkpoint"),
    "refused": (
        "未签名：审计链未通过与上一个签名检查点的核对，已通知人力资源和审计员",
        "Not signed: the audit trail fails its check against the last signed checkpoint; "
        "HR and the auditors were told",
    ),
    "glossary": ("用语说明", "What the words mean"),
}
WARNING = (
    "注意：还有 {n} 份考核尚未定稿，未包含在本文件中（见“未包含”表）",
    "Warning: {n} appraisals are not final yet and are not in this file (see “Not in this file”)",
)
STEPS = {
    "self": ("自评", "Self-review"),
    "supervisor": ("直属上司复评", "Supervisor's review"),
    "dept_head": ("部门负责人评分", "Department head's review"),
    "hr": ("人事审核", "HR review"),
    "gm": ("总经理核定", "General manager's approval"),
    "board": ("董事会审批", "Board approval"),
}
# outcome codes of the population rules (rulepacks/*/population.py)
OUTCOMES = {
    "base_pay": ("基本工资", "Base pay"),
    "floating_pay": ("浮动工资", "Floating pay"),
    "allowance": ("补贴", "Allowance"),
    "proposed_tier": ("建议职等", "Proposed pay level (职等)"),
    "quarterly_commission": ("季度提成", "Quarterly commission"),
    "monthly_instalment": ("本月发放（季度提成 × 0.33）", "Paid this month (quarterly × 0.33)"),
    "annual_commission": ("年度提成", "Annual commission"),
    "annual_commission_paid": ("年度提成发放（70%）", "Annual commission paid (70%)"),
    "annual_risk_reserve": ("年度风险金（30%）", "Annual risk reserve (30%)"),
    "early_collection_reward": ("提前回款奖励", "Early collection reward"),
    "overdue_loss_borne": ("逾期损失承担", "Overdue loss borne"),
    "quarterly_rank_award": ("季度个人奖", "Quarterly ranking award"),
    "annual_rank_award": ("年度个人奖", "Annual ranking award"),
    "best_newcomer": ("最佳新人奖", "Best newcomer"),
    "best_leader": ("优秀领导者奖", "Best leader"),
    "base_pay_cut": ("扣减底薪", "Base pay cut"),
    "profit_commission": ("利润提成（8%）", "Profit commission (8%)"),
    "suggestion_award": ("合理化建议奖", "Adopted suggestion award"),
    "service_star": ("服务之星", "Service star"),
    "first_three_months": ("连续三个月第一", "First three months running"),
    "failing_three_months": ("连续三个月不合格", "Failing three months running"),
    "best_agent": ("最佳客服专员", "Best agent"),
    "excellent_agent": ("优秀客服专员", "Excellent agent"),
    "full_quarter_award": ("季度达成奖励", "Full quarter at the standard"),
    "bottom_ranked": ("季度末位", "Bottom of the quarter's ranking"),
    "department_annual_commission": ("部门年度提成", "Department's annual commission"),
    "team_award": ("优秀团队奖", "Best team award"),
    "special_growth_award": ("特殊性奖励（净营业额增长）", "Special award for growth"),
    "active_management_award": ("积极管理奖", "Active management award"),
}
# the inputs a population rule reports (OutcomeLine.inputs)
INPUTS = {
    "position": ("岗位", "Position"),
    "tier": ("职等", "Pay level (职等)"),
    "current_tier": ("现职等", "Current pay level (职等)"),
    "attendance_days": ("出勤天数", "Days attended"),
    "share": ("发放比例", "Share paid"),
    "net_revenue": ("净营业额（元）", "Net revenue (yuan)"),
    "team_net_revenue": ("团队净营业额（元）", "Team net revenue (yuan)"),
    "in_10k_yuan": ("折合万元", "In 10,000 yuan"),
    "rate": ("提成比例", "Rate"),
    "department_mean_total": ("部门平均总分", "Department's mean total"),
    "department_coefficient": ("部门系数", "Department coefficient"),
    "coefficient": ("系数", "Coefficient"),
    "sales_task": ("销售任务（元）", "Sales task (yuan)"),
    "target_task": ("目标任务（元）", "Target task (yuan)"),
    "items": ("明细", "Items"),
    "amount": ("金额（元）", "Amount (yuan)"),
    "months_early": ("提前月数", "Months early"),
    "months_overdue": ("逾期月数", "Months overdue"),
    "rank": ("名次", "Rank"),
    "total": ("总分", "Total"),
    "minimum": ("最低分", "Minimum total"),
    "achievement": ("完成率", "Achievement"),
    "confirmed_on": ("转正日期", "Confirmed on"),
    "basic_quota_met": ("完成基本任务", "Basic quota met"),
    "incentive_quota_met": ("完成激励任务", "Incentive quota met"),
    "profit": ("利润（元）", "Profit (yuan)"),
    "adopted": ("采纳条数", "Suggestions adopted"),
    "nominated": ("提名人数", "Nominated"),
    "periods": ("期间", "Periods"),
    "grades": ("等级", "Grades"),
    "missing": ("缺少的输入", "Inputs missing"),
    "headcount": ("人数", "Headcount"),
    "cap": ("名额上限", "Places at most"),
    "tied": ("同分人数", "Tied"),
    "places_left": ("剩余名额", "Places left"),
    "ranked": ("参与排名人数", "Ranked"),
    "totals": ("各月总分", "Monthly totals"),
    "department_net_revenue": ("部门年度净营业额（元）", "Department's annual net revenue (yuan)"),
    "department_sales_task": ("部门销售任务（元）", "Department's sales task (yuan)"),
    "department_target_task": ("部门目标任务（元）", "Department's target task (yuan)"),
    "department_annual_commission": ("部门年度提成（元）", "Department's annual commission (yuan)"),
    "team_net_profit": ("团队年度净利润（元）", "Team's net profit of the year (yuan)"),
    "fund": ("发展基金（元）", "Development fund (yuan)"),
    "completed": ("完成任务人数", "People who completed their task"),
    "growth": ("超出销售任务的净营业额（元）", "Net revenue above the sales task (yuan)"),
    "previous_growth": ("上年度超出销售任务（元）", "Previous year above the sales task (yuan)"),
    "one_year": ("一年增长标准（元）", "One year's growth needed (yuan)"),
    "two_years": ("两年增长标准（元）", "Two years' growth needed (yuan)"),
}
POSITIONS = {
    "sales_rep": ("外贸业务员", "Sales representative"),
    "junior_rep": ("初级业务员", "Junior sales representative"),
    "sales_assistant": ("业务助理", "Sales assistant"),
    "sales_lead": ("业务组长", "Sales lead"),
}
FLAGS = {
    "resignation_review": ("请辞审查", "Resignation review"),
    "missing_input": (
        "缺少输入，未计算（由人事处理）",
        "Input missing: not computed (HR settles it)",
    ),
    "best_agent": ("最佳客服专员（奖励由公司决定）", "Best agent (the company decides the reward)"),
    "excellent_agent": (
        "优秀客服专员（奖励由公司决定）",
        "Excellent agent (the company decides the reward)",
    ),
    "award_tie": ("同分超出名额，由人事决定", "Tied beyond the places: HR decides"),
    "to_be_dismissed": ("警告并列入待淘汰人员", "Warned and placed on the list to be dismissed"),
    "fund_unshared": ("无人完成任务，基金由人事决定", "Nobody completed their task: HR decides"),
    "special_award": (
        "特殊性奖励（金额由公司决定）",
        "Special award (the company decides the amount)",
    ),
    "I": ("Ⅰ级", "level Ⅰ"),
    "II": ("Ⅱ级", "level Ⅱ"),
    "III": ("Ⅲ级", "level Ⅲ"),
}
# The inputs that hold a pay level (Ⅰ/Ⅱ/Ⅲ of the salary scale).
TIER_INPUTS = {"tier", "current_tier"}
# HR's words for the pay terms of the file, each with a short help (the payroll page
# and the file's "About" sheet): as the company's policies name them (seed 004 篇8).
GLOSSARY = [
    (
        ("绩效工资基数", "每月计算绩效工资的基数：绩效工资 = 绩效工资基数 × 等级的绩效系数。"),
        (
            "Base performance pay (绩效工资基数)",
            "The monthly amount performance pay is computed from: "
            "performance pay = base performance pay × the grade's pay coefficient.",
        ),
    ),
    (
        ("绩效系数", "考核等级对应的系数，如优秀 1.5、良好 1.2、合格 1.0。"),
        (
            "Pay coefficient (绩效系数)",
            "The multiplier of the grade, such as 1.5 for outstanding, 1.2 for good, 1.0 for pass.",
        ),
    ),
    (
        (
            "提成",
            "业务人员的月提成 = 月净营业额 × 提成比例 × 月度系数（按当月等级）；"
            "其中 70% 本月发放，30% 作为风险金暂扣。",
        ),
        (
            "Commission (提成)",
            "A sales person's monthly commission = the month's net revenue × the commission "
            "rate × the month's coefficient (by the month's grade); 70% is paid this month "
            "and 30% held as a risk reserve.",
        ),
    ),
    (
        ("业务人员薪酬标准表", "各业务岗位在每个职等的基本工资、浮动工资和业务津贴。"),
        (
            "Sales salary scale (业务人员薪酬标准表)",
            "The base pay, floating pay and allowance of each sales position at each pay level.",
        ),
    ),
    (
        (
            "职等（Ⅰ级、Ⅱ级、Ⅲ级）",
            "薪酬标准表中的级别，按月净营业额确定（业务组长按季度团队净营业额）；"
            "本文件给出建议职等，由人事在半年度（组长为年度）评定时确认。",
        ),
        (
            "Pay level (职等: Ⅰ, Ⅱ, Ⅲ)",
            "The level of the salary scale, set by the month's net revenue (a sales lead's by "
            "the quarter's team net revenue); the file proposes it and HR confirms it at the "
            "half-yearly review (a lead's yearly).",
        ),
    ),
]
REASONS = {
    "no_base": (
        "绩效工资：未录入绩效工资基数或月工资（岗位：{position}），请在“目标与指标”中录入",
        "Performance pay: no base performance pay or monthly salary entered "
        "(position: {position}); enter it under targets and metrics",
    ),
    "no_coefficient": (
        "绩效工资：岗位角色“{role}”的等级“{grade}”未设绩效系数，请在规则包的角色模板中设置",
        "Performance pay: grade “{grade}” of role “{role}” has no pay coefficient; "
        "set one in the role's template (rule packs)",
    ),
    "not_computed": (
        "绩效工资：规则包未计算绩效工资",
        "Performance pay: the rule pack computes none",
    ),
    "no_revenue": (
        "提成：本期未录入净营业额，无法计算提成",
        "Commission: no net revenue recorded for this cycle",
    ),
    "monthly": (
        "提成：业务员和业务助理的提成按月计算，见月度考核",
        "Commission: representatives and assistants earn it monthly; see the month's cycle",
    ),
    "lead_quarterly": (
        "提成：业务组长的提成按季度计算，见季度考核",
        "Commission: the sales lead's commission is quarterly; see the quarter's cycle",
    ),
}


def pick(pair: tuple[str, str], english: bool, **kw: Any) -> str:
    text = pair[1] if english else pair[0]
    return text.format(**kw) if kw else text


def labels(columns, english: bool, **kw: Any) -> list[str]:
    return [pick((zh, en), english, **kw) for _key, zh, en in columns]


def value_words(key: str, value: Any, english: bool) -> str:
    """One input of a rule in words: positions by name, shares as percentages, lists
    of items one after another, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("yes" if value else "no") if english else ("是" if value else "否")
    if key in TIER_INPUTS and value in FLAGS:
        return pick(FLAGS[value], english)
    if key == "missing" and isinstance(value, list):
        names = [pick(INPUTS.get(k, (k, k)), english) for k in value]
        return (lists.EN if english else lists.ZH).join(names)
    if key == "position" and value in POSITIONS:
        return pick(POSITIONS[value], english)
    if key in {"share", "rate", "achievement"}:
        try:
            return f"{Decimal(str(value)) * 100:f}".rstrip("0").rstrip(".") + "%"
        except ArithmeticError:
            return str(value)
    if isinstance(value, list):
        return (lists.EN if english else lists.ZH).join(value_words(key, v, english) for v in value)
    if isinstance(value, dict):
        return "（" + inputs_words(value, english) + "）"
    return str(value)


def inputs_words(inputs: dict[str, Any], english: bool) -> str:
    sep, colon = ("; ", ": ") if english else ("；", "：")
    return sep.join(
        f"{pick(INPUTS.get(k, (k, k)), english)}{colon}{value_words(k, v, english)}"
        for k, v in sorted(inputs.items())
    )


def glossary(english: bool) -> list[tuple[str, str]]:
    """(term, help) in the reader's language."""
    return [en if english else zh for zh, en in GLOSSARY]
