"""The managers' half-year appraisal by committee review (seed 004 篇6: 述职报告评议法).

Seed 004 三.1: 对部门经理以上人员的考核，采取自我述职报告和上级主管考核综合评判的方法，
每半年考核一次; 六: 述职报告评议法 … 由被考核对象向考核领导小组提交任期内述职报告 …
考核领导小组对此进行综合评议. The seed gives neither the group's combination rule nor
the split between the group and the superior. **[resolved]** each member scores the
report 0–100; the highest and the lowest score are dropped and the rest averaged
(trimmed mean, the usual rule of a scoring panel: 去掉一个最高分和一个最低分), with at
least three members scored before the chair closes; the group and the superior weigh
50% each; members score within 5 working days of the group being formed. HR can change
all of these by customising the role."""

from decimal import Decimal

from engine.scoring import Section
from engine.scoring.committee import TRIMMED_MEAN, CommitteeReview

from .base import ind

D = Decimal
WEIGHT = D("0.50")

REPORT_REVIEW = ind(
    "report_review",
    "述职报告评议",
    "review of the self-report",
    100,
    "manual",
    section="report",
    sources=("committee",),
    description_zh="考核领导小组成员阅读述职报告后各自评分（0–100），去掉最高分和最低分后取平均",
    description_en=(
        "each member of the appraisal leadership group scores the self-report (0–100); "
        "the highest and the lowest are dropped and the rest averaged"
    ),
)
SUPERIOR = ind(
    "superior_assessment",
    "上级主管考核",
    "superior's assessment",
    100,
    "manual",
    section="superior",
    description_zh="上级主管综合评分（0–100）",
    description_en="the superior's overall score (0–100)",
)
MANAGER_SECTIONS = (
    Section("report", "述职报告评议", "self-report review", WEIGHT),
    Section("superior", "上级主管考核", "superior's assessment", D(1) - WEIGHT),
)
COMMITTEE = CommitteeReview(
    roles=("manager",),
    kinds=("half",),
    indicator="report_review",
    rule=TRIMMED_MEAN,
    quorum=3,
    weight=WEIGHT,
    working_days=5,
    source="seed 004 篇6 三.1, 六: 述职报告评议法, 考核领导小组综合评议",
)
# 外地办事处经理 (seed 004 篇6 三.2): self-report and superior, every quarter.
OFFICE_COMMITTEE = CommitteeReview(
    roles=("office_manager",),
    kinds=("quarter",),
    indicator="report_review",
    rule=TRIMMED_MEAN,
    quorum=3,
    weight=WEIGHT,
    working_days=5,
    source="seed 004 篇6 三.2: 外地办事处经理, 每个季度考核一次",
)
