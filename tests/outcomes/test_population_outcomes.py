"""A final cycle runs its packs' population rules: a sales quarter ranks the team and
writes the award outcomes; three failing months in a row flag the person; both are
audited, shown on the result page and exported with payroll."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.audit.models import AuditEvent
from engine.org.models import CompanyRole, Department
from engine.outcomes.models import PopulationOutcome
from engine.outcomes.services import outcomes_evaluate
from engine.payroll.services import payroll_export
from tests.month import at

pytestmark = pytest.mark.django_db


def drive_to_final(litong, cycle, data_for) -> dict[str, Appraisal]:
    """Every appraisal of the cycle through its chain, each step by its holder with the
    data `data_for(appraisal, step_code)` gives, then published results made final."""
    roles = {r.role: r.user for r in CompanyRole.objects.filter(company=litong.company)}
    apps = list(Appraisal.objects.filter(cycle=cycle).select_related("employee__user"))
    for seq in range(4):
        for a in apps:
            step = AppraisalStep.objects.filter(appraisal=a, seq=seq).first()
            if step is None or step.state != "open":
                continue
            holder = step.assignee or roles[step.holder_role]
            services.step_submit(
                actor=holder,
                appraisal_id=a.pk,
                step_id=step.pk,
                data=data_for(a, step.code),
                comment="done" if step.code == "self" else "",
            )
    for a in apps:
        a.refresh_from_db()
        services.appraisal_finalise(actor=litong.u["hr"], appraisal=a)
    return {a.employee.user.username: a for a in apps}


SCALES = {
    "new_customers": 5,
    "customer_satisfaction": 5,
    "customer_churn": 5,
    "information": 5,
    "teamwork": 5,
    "discipline": 5,
    "rep_cooperation": 5,
    "staff_satisfaction": 5,
    "sales_planning": 5,
    "legacy_issues": 5,
    "coaching": 5,
}


def test_a_final_sales_quarter_ranks_the_team_and_writes_the_awards(litong, set_clock):
    """Q3 2026 of the sales department: the first (≥ 80) gets 2000, the two assistants tied
    second (≥ 70) 1500 each, nobody is third; the lead is not ranked; the lines are audited,
    shown on the result page and in the payroll XLSX."""
    set_clock(at(2026, 10, 1, 9))
    dept = Department.objects.get(company=litong.company, code="sales")
    targets = {"orders": 10, "net_revenue": 100000, "collection": 1}
    lead_t = {"team_net_revenue": 100000, "personal_net_profit": 10000, "collection": 1}
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="quarter",
        period="2026-Q3",
        department_ids=[dept.pk],
        targets={"sales": {"sales_rep": targets, "sales_assistant": targets, "sales_lead": lead_t}},
    )
    # the share of the revenue target each rep reached: rep01 all, rep02 half, …
    share = {"rep02": 1, "rep03": Decimal("0.6"), "rep04": Decimal("0.4"), "rep05": 0, "rep06": 0}
    for a in Appraisal.objects.filter(cycle=cycle).select_related("employee__user"):
        name = a.employee.user.username
        if a.role == "sales_lead":
            system = {"team_net_revenue": 100000, "personal_net_profit": 10000, "collection": 1}
        else:
            part = share.get(name, Decimal("0.2"))
            system = {"orders": 10, "net_revenue": str(100000 * part), "collection": 1}
        services.appraisal_set_inputs(actor=litong.u["hr"], appraisal=a, system_values=system)

    set_clock(at(2026, 10, 2, 9))
    apps = drive_to_final(litong, cycle, lambda a, code: _sales_data(a, code))
    totals = {n: a.total for n, a in apps.items()}
    # reps: orders 10 + collection 10 + scales 35 = 55, + net revenue 45 × share
    # rep02 100.00, rep03 82.00, rep04 73.00, rep05/06 55.00;
    # assistants: orders 5 + collection 5 + scales 70 + net revenue 20 × 0.2 = 84.00
    assert (totals["rep02"], totals["rep03"], totals["rep04"], totals["salesasst07"]) == (
        Decimal("100.00"),
        Decimal("82.00"),
        Decimal("73.00"),
        Decimal("84.00"),
    )
    awards = {
        o.appraisal.employee.user.username: o.amount
        for o in PopulationOutcome.objects.filter(cycle=cycle, code="quarterly_rank_award")
    }
    # the assistants at 84 rank between rep02 (100) and rep03 (82): both 2nd (≥ 70) → 1500 each;
    # rep03 is then 4th: no award
    assert awards == {
        "rep02": Decimal("2000.00"),
        "salesasst07": Decimal("1500.00"),
        "salesasst08": Decimal("1500.00"),
    }
    events = AuditEvent.objects.filter(action="population_outcome", company=litong.company)
    assert events.count() == PopulationOutcome.objects.filter(cycle=cycle).count() > 0
    # running it again adds nothing
    assert outcomes_evaluate(actor=litong.u["hr"], cycle=cycle) == 0
    export = payroll_export(actor=litong.u["hr"], cycle=cycle, fmt="xlsx", language="en")
    book = load_workbook(io.BytesIO(export.content))
    rows = [[c.value for c in r] for r in book["Population rules"].iter_rows(min_row=2)]
    # the rule and the outcome in words, the inputs in words (never raw JSON)
    assert [r[3] for r in rows if r[2] == "Quarterly ranking award" and r[4] == 1500] == [
        "Quarterly ranking award",
        "Quarterly ranking award",
    ]
    assert not [r for r in rows if "{" in str(r[6])]
    assert (
        next(r[6] for r in rows if r[4] == 2000) == "Minimum total: 80.00; Rank: 1; Total: 100.00"
    )
    zh = load_workbook(
        io.BytesIO(payroll_export(actor=litong.u["hr"], cycle=cycle, fmt="xlsx").content)
    )
    assert (
        next(r[6] for r in zh["群体规则"].iter_rows(min_row=2, values_only=True) if r[4] == 2000)
        == "最低分：80.00；名次：1；总分：100.00"
    )
    # The lead's commission comes from the quarterly rule: the team's net revenue
    # (measured, 100000) × the tier I rate 0.12% × the department's coefficient. The
    # department's mean total is (100 + 82 + 73 + 55 + 55 + 84 + 84 + lead) / 8, at most
    # (533 + 100) / 8 = 79.125 → "fair" (71–81) → 0.8. 100000 × 0.0012 × 0.8 = 96.00 for
    # the quarter, paid this month as 96 × 0.33 = 31.68.
    pay = {r[0]: r for r in book["Payroll"].iter_rows(min_row=2, values_only=True)}
    lead = next(a for a in apps.values() if a.role == "sales_lead").employee.number
    assert (pay[lead][9], pay[lead][10]) == (96, 31.68)
    # A rep's commission is monthly: a quarter's measured revenue is not a month's, so
    # the quarter's row says where to look instead of paying it again.
    rep02 = apps["rep02"].employee.number
    assert pay[rep02][9:12] == (None, None, None)
    assert "representatives and assistants earn it monthly" in pay[rep02][14]
    # no base pay was entered in this test: the row says so, and names the position
    assert pay[lead][8] is None and pay[lead][14] == (
        "Performance pay: no base performance pay or monthly salary entered "
        "(position: Sales lead); enter it under targets and metrics"
    )
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(litong.u["rep02"])
    page = c.get(f"/appraisals/{apps['rep02'].pk}/").content.decode()
    assert "季度个人奖" in page and "2,000.00" in page  # money by its unit


def _sales_data(a, code):
    if code != "supervisor":
        return {}
    from engine.appraisals.pinned_templates import template_for

    scales = {i.code for i in template_for(a).indicators if i.rule == "scale"}
    return {"values": {k: 5 for k in scales}}


def test_three_failing_months_in_a_row_flag_the_person(litong, set_clock):
    """August, September and October 2026 in the workshop: staff03 fails (e) each month →
    flagged for resignation in October; the head is first three months running → 300 once;
    both in the October payroll CSV."""
    dept = Department.objects.get(company=litong.company, code="workshop")
    scores = {"staff02": 18, "staff03": 10, "workshop_head": 24}  # × 4 items each
    for month, period in ((8, "2026-08"), (9, "2026-09"), (10, "2026-10")):
        set_clock(at(2026, month, 28, 9))
        cycle = services.cycle_open(
            targets_later=True,
            actor=litong.u["hr"],
            company=litong.company,
            kind="month",
            period=period,
            department_ids=[dept.pk],
        )

        def data(a, code):
            if code != "supervisor":
                return {}
            v = scores[a.employee.user.username]
            return {
                "values": dict.fromkeys(("efficiency", "operation", "attitude", "knowledge"), v)
            }

        set_clock(at(2026, month + 1, 1, 9))
        drive_to_final(litong, cycle, data)
    lines = {
        (o.appraisal.employee.user.username, o.code): (o.amount, o.flag)
        for o in PopulationOutcome.objects.filter(cycle=cycle)
    }
    # staff03 40 → e three times; staff02 72 → c; the head 96 → a, first each month
    assert lines == {
        ("staff03", "failing_three_months"): (None, "resignation_review"),
        ("workshop_head", "first_three_months"): (Decimal("300.00"), ""),
    }
    text = payroll_export(
        actor=litong.u["hr"], cycle=cycle, fmt="csv", language="en"
    ).content.decode("utf-8-sig")
    assert "Failing three months running" in text and "Resignation review" in text
    assert "First three months running" in text and "300.00" in text
