"""The demo organisation: two companies, loaded once, used by `demo` and `simulate`.

The first company (力同机械) has every role family of the built-in packs so that a
monthly cycle exercises every chain; the second (亿佳丽) is small and exists to prove
that companies never see each other.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.db import transaction

from engine import clock
from engine.org import services
from engine.org.models import Company, CompanyRole, Employee

DEMO_PASSWORD_ENV = "JIXIAO_DEMO_PASSWORD"  # noqa: S105 — the variable's name
DEFAULT_PASSWORD = "jixiao-demo-2026"  # noqa: S105 — printed demo login, DEBUG only

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
]

# (position code, zh, en) — position codes equal the rule-pack role they map to.
POSITIONS = [
    ("general_manager", "总经理", "General manager"),
    ("hr_officer", "人事专员", "HR officer"),
    ("staff", "职员", "Staff"),
    ("ecommerce_agent", "电商客服", "E-commerce agent"),
    ("support_agent", "售后客服", "Support agent"),
    ("call_agent", "话务员", "Call agent"),
    ("cs_supervisor", "客服主管", "Customer service supervisor"),
    ("finance_head", "财务负责人", "Head of finance"),
    ("accountant", "会计", "Accountant"),
    ("cashier", "出纳", "Cashier"),
    ("warehouse_keeper", "保管员", "Warehouse keeper"),
    ("statistician", "统计员", "Statistician"),
    ("sales_lead", "业务组长", "Sales lead"),
    ("sales_rep", "业务员", "Sales representative"),
    ("sales_assistant", "业务助理", "Sales assistant"),
    ("researcher", "研发人员", "Researcher"),
    ("technician", "技术人员", "Technician"),
    ("designer", "设计人员", "Designer"),
]

# department code, zh name, en name, head position, [(position, count), …]
DEPARTMENTS = [
    ("hr", "行政人事部", "HR & administration", "hr_officer", [("hr_officer", 2)]),
    (
        "cs",
        "客服中心",
        "Customer service",
        "cs_supervisor",
        [("cs_supervisor", 1), ("ecommerce_agent", 4), ("support_agent", 4), ("call_agent", 4)],
    ),
    (
        "finance",
        "财务部",
        "Finance & warehouse",
        "finance_head",
        [
            ("finance_head", 1),
            ("accountant", 2),
            ("cashier", 1),
            ("warehouse_keeper", 2),
            ("statistician", 1),
        ],
    ),
    (
        "sales",
        "外贸业务部",
        "Export sales",
        "sales_lead",
        [("sales_lead", 1), ("sales_rep", 5), ("sales_assistant", 2)],
    ),
    (
        "rnd",
        "技术研发部",
        "R&D and design",
        "researcher",
        [("researcher", 3), ("technician", 3), ("designer", 2)],
    ),
    ("workshop", "生产车间", "Workshop", "staff", [("staff", 3)]),
]

USERNAME_PREFIX = {
    "hr_officer": "hr",
    "cs_supervisor": "cslead",
    "ecommerce_agent": "ecom",
    "support_agent": "support",
    "call_agent": "call",
    "finance_head": "finhead",
    "accountant": "acct",
    "cashier": "cashier",
    "warehouse_keeper": "keeper",
    "statistician": "stats",
    "sales_lead": "saleslead",
    "sales_rep": "rep",
    "sales_assistant": "salesasst",
    "researcher": "research",
    "technician": "tech",
    "designer": "design",
    "staff": "staff",
}


@dataclass
class Login:
    username: str
    who: str


def password() -> str:
    return os.environ.get(DEMO_PASSWORD_ENV, DEFAULT_PASSWORD)


def person_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


# Accounts without an employee record still have a name to be shown by (never the
# login name): the board members and the auditor.
NAMED_ACCOUNTS = {"board": "周建国", "yjboard": "钱海峰", "auditor": "孙立平"}


def _user(username: str, usable_password: bool):
    return services.user_create(
        username=username,
        password=password() if usable_password else None,
        email=f"{username}@demo.jixiao.invalid",
        first_name=NAMED_ACCOUNTS.get(username, ""),
    )


def _build_litong(usable_password: bool) -> None:
    co = services.company_create(actor=None, code="litong", name="力同机械 Litong Machinery")
    positions = {
        code: services.position_create(
            actor=None, company=co, code=code, name_zh=zh, name_en=en, role="system"
        )
        for code, zh, en in POSITIONS
    }
    hire = dt.date(2024, 3, 1)
    counter = {"n": 0}

    def hire_person(username, position, dept, supervisor, trial_end=None):
        counter["n"] += 1
        n = counter["n"]
        return services.employee_create(
            actor=None,
            role="system",
            company=co,
            user=_user(username, usable_password),
            number=f"LT{n:04d}",
            name=person_name(n),
            department=dept,
            position=positions[position],
            supervisor=supervisor,
            hire_date=hire,
            trial_end_date=trial_end,
        )

    top = services.department_create(
        actor=None,
        role="system",
        company=co,
        code="gm_office",
        name="总经理办公室",
        name_en="GM office",
    )
    gm = hire_person("gm", "general_manager", top, None)
    services.department_update(actor=None, role="system", department=top, head=gm)
    services.company_role_grant(actor=None, company=co, user=gm.user, role="gm")

    for code, zh, en, _head_pos, staffing in DEPARTMENTS:
        dept = services.department_create(
            actor=None, role="system", company=co, code=code, name=zh, name_en=en, parent=top
        )
        head = None
        seq = 0
        for pos, count in staffing:
            for _ in range(count):
                seq += 1
                username = (
                    f"{USERNAME_PREFIX[pos]}{seq:02d}"
                    if head
                    else ("hr" if code == "hr" else f"{code}_head")
                )
                # The newest hire of each department is still on trial.
                trial = (
                    dt.date(2026, 12, 31)
                    if (pos, count) == staffing[-1] and _ == count - 1
                    else None
                )
                emp = hire_person(username, pos, dept, head or gm, trial)
                if head is None:
                    head = emp
                    services.department_update(actor=None, role="system", department=dept, head=emp)
        if code == "hr":
            services.company_role_grant(actor=None, company=co, user=head.user, role="hr")
    for username, role in [("board", "board"), ("auditor", "auditor")]:
        user = _user(username, usable_password)
        services.company_role_grant(actor=None, company=co, user=user, role=role)


def _build_yijiali(usable_password: bool) -> None:
    co = services.company_create(actor=None, code="yijiali", name="亿佳丽 Yijiali Trading")
    pos = {
        code: services.position_create(
            actor=None, company=co, code=code, name_zh=zh, name_en=en, role="system"
        )
        for code, zh, en in POSITIONS
        if code in {"general_manager", "hr_officer", "staff", "sales_rep"}
    }
    top = services.department_create(
        actor=None, role="system", company=co, code="office", name="总部", name_en="Head office"
    )
    people = [
        ("yj_gm", "general_manager"),
        ("yj_hr", "hr_officer"),
        ("yj_rep01", "sales_rep"),
        ("yj_rep02", "sales_rep"),
        ("yj_staff01", "staff"),
    ]
    gm = None
    for i, (username, position) in enumerate(people, start=1):
        emp = services.employee_create(
            actor=None,
            role="system",
            company=co,
            user=_user(username, usable_password),
            number=f"YJ{i:03d}",
            name=person_name(100 + i),
            department=top,
            position=pos[position],
            supervisor=gm,
            hire_date=dt.date(2025, 1, 6),
        )
        gm = gm or emp
    services.department_update(actor=None, role="system", department=top, head=gm)
    services.company_role_grant(actor=None, company=co, user=gm.user, role="gm")
    hr_user = Employee.objects.get(company=co, user__username="yj_hr").user
    services.company_role_grant(actor=None, company=co, user=hr_user, role="hr")
    # The GM's own appraisal is approved by the board: without one it could not open.
    board = _user("yjboard", usable_password)
    services.company_role_grant(actor=None, company=co, user=board, role="board")


def demo_logins() -> list[Login]:
    logins = [Login("gm", "general manager (总经理)"), Login("hr", "HR manager (行政人事部)")]
    for dept, *_ in DEPARTMENTS:
        if dept != "hr":
            logins.append(Login(f"{dept}_head", f"head of {dept}"))
    logins += [
        Login(u, w)
        for u, w in [
            ("ecom02", "e-commerce agent"),
            ("rep02", "sales representative"),
            ("acct02", "accountant"),
            ("research02", "researcher"),
            ("board", "board member (董事会)"),
            ("auditor", "auditor (read-only)"),
            ("yj_gm", "second company GM"),
            ("yj_hr", "second company HR"),
            ("yjboard", "second company board member"),
        ]
    ]
    return logins


def load_demo(*, usable_passwords: bool, at: dt.datetime | None = None) -> bool:
    """Create the demo organisation unless it exists. Returns True when it created it.
    `at`: the moment it is set up (the `demo` command: before the first month it
    appraises, so the trail reads in time order); else now."""
    if Company.objects.filter(code="litong").exists():
        return False
    with clock.frozen(at or clock.now()), transaction.atomic():
        _build_litong(usable_passwords)
        _build_yijiali(usable_passwords)
        # The same auditor serves both companies: auditors may span companies.
        auditor = services.User.objects.get(username="auditor")
        services.company_role_grant(
            actor=None,
            company=Company.objects.get(code="yijiali"),
            user=auditor,
            role=CompanyRole.Role.AUDITOR,
        )
    return True
