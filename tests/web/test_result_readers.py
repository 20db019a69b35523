"""The result page and its neighbours as readers read them (the fresh-eyes walk): tables
that stack on a phone, outcomes each under its own name with its unit, English pages
in English, corrections by the indicator's unit and versions that show what changed,
HR's view of an appraisal still in progress, who acted on each step with a link to the
trail, and /mine/'s trend with its months and totals."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone, translation

from engine.appeals import services as appeals
from engine.appraisals import services
from engine.appraisals.models import AppraisalStep, ResultVersion
from engine.outcomes.models import PopulationOutcome
from engine.plugins import registry
from engine.scoring.template import Level
from tests.month import at, run_chain, submit
from workflows.common.labels import joined
from workflows.people import explain
from workflows.people.appeal_panel import corrected_value
from workflows.people.lists import _trend

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture
def published(workshop, set_clock):
    """staff02's October published on Tue 10 November: 82, b."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert a.state == "published"
    set_clock(at(2026, 11, 11, 9))
    return workshop, a


def upheld(w, a):
    """An appeal on the attitude item, upheld with the value corrected 22 → 25."""
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude", "grade"], reason="letters"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="not settled"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="facts")
    appeals.appeal_investigate(
        actor=w.u["hr"], appeal_id=appeal.pk, findings="letters exist", obstruction_by_head=False
    )
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="申诉成立：客户来信属实",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "customer letters"}],
    )
    a.refresh_from_db()
    return appeal


# --- 1. tables that stack at narrow widths --------------------------------------------


def test_result_step_and_appeal_tables_stack_with_labels(published):
    """At 390 px a four-column result table cut off its Score column and squeezed the
    Chinese indicator names to one character a line: the result lines, the steps and
    the appeal steps are `stack` tables whose every cell but the first says what it is
    (the CSS turns them into cards under 720 px, as /mine/ does)."""
    w, a = published
    upheld(w, a)
    for lang, score in (("zh-hans", "得分"), ("en", "Score")):
        html = client_for(w.u["staff02"], lang).get(f"/appraisals/{a.pk}/").content.decode()
        lines = between(html, '<table id="lines"', "</table>")
        assert lines.startswith(' class="stack lines"')
        assert f'class="num" data-label="{score}"' in lines
        steps = between(html, '<table id="steps"', "</table>")
        assert steps.startswith(' class="stack"')
        assert steps.count("data-label=") == 4 * 5  # four steps, five labelled cells
        appeal = between(html, '<table class="stack" id="appeal-steps"', "</table>")
        assert appeal.count("<tr>") - 1 == appeal.count('data-label="') // 4


# --- 2. outcomes readable ------------------------------------------------------------


def test_each_population_line_has_its_own_name_and_money_its_unit(published, monkeypatch):
    """The sales pay table writes four lines; each was shown under the rule's name
    ("业务人员薪酬标准表与职等" four times). Each now has its own name from the pack
    (基本工资, 浮动工资, 津贴, 建议职等), the rule beside it, and money says 元."""
    w, a = published
    services.appraisal_finalise(actor=w.u["hr"], appraisal=a)
    a.refresh_from_db()
    sales = registry.population_rules("sales")
    monkeypatch.setattr(registry, "population_rules", lambda pack: sales)
    for code, amount, flag in (
        ("base_pay", Decimal("4250"), ""),
        ("floating_pay", Decimal("500"), ""),
        ("allowance", Decimal("250"), ""),
        ("proposed_tier", None, "I"),
    ):
        PopulationOutcome.objects.create(
            company=a.company,
            cycle=a.cycle,
            appraisal=a,
            pack="sales",
            version="1",
            rule="pay_table",
            code=code,
            amount=amount,
            flag=flag,
            at=timezone.now(),
        )
    html = client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    listed = between(html, 'id="population-outcomes"', "</ul>")
    for words in ("基本工资", "浮动工资", "津贴", "建议职等", "4,250.00 元", "500.00 元"):
        assert words in listed
    assert listed.count("业务人员薪酬标准表与职等") == 4  # beside each, not instead of it
    # in the pack's order: base pay, floating pay, allowance, proposed level
    assert listed.index("基本工资") < listed.index("浮动工资") < listed.index("津贴")
    en = client_for(w.u["staff02"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert "Base pay" in between(en, 'id="population-outcomes"', "</ul>")


def test_result_outcomes_carry_names_and_units(published):
    """ "net revenue 76200.00" appeared raw on a Chinese page and money had no currency:
    an outcome repeating a figure is named in words and shown by its unit, money in 元."""
    w, a = published
    a.result = {
        **a.result,
        "outcomes": {"base_performance_pay": "3000.00", "net_revenue": "76200.00"},
    }
    a.save(update_fields=["result"])
    html = client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    outcomes = between(html, 'id="outcomes"', "</dl>")
    assert "3,000.00 元" in outcomes and "76,200.00 元" in outcomes and "净营业额" in outcomes
    assert "net revenue" not in outcomes and "76200" not in outcomes


def test_a_custom_rules_inputs_are_named_by_the_pack():
    """ "系统 violations 0" on 陈强's page: a custom rule's inputs are shown by the names
    the pack gives them, in the reader's language."""
    ind = SimpleNamespace(
        rule="custom", params={"input_names": {"violations": ["违规次数", "violations"]}}
    )
    with translation.override("zh-hans"):
        assert explain.shown(ind, {"violations": 0}) == "违规次数 0"
    with translation.override("en"):
        assert explain.shown(ind, {"violations": 0}) == "violations 0"


# --- 3. English pages in English -----------------------------------------------------


def test_english_pages_read_ratings_lists_and_causes_in_english(published):
    """A rating read "Supervisor: 良" on an English page, lists were joined with "、",
    and the version header repeated the decision's words ("申诉成立: 申诉成立")."""
    levels = (Level("excellent", "优", Decimal(5)), Level("good", "良", Decimal(4)))
    ind = SimpleNamespace(rule="rating", levels=lambda: levels, params={})
    with translation.override("en"):
        assert explain.shown(ind, "good") == "Good"
        assert joined(["a", "b"]) == "a, b"
        assert explain.version_cause({"kind": "appeal_upheld", "note": "申诉成立"}, None) == (
            "appeal upheld"
        )
    with translation.override("zh-hans"):
        assert explain.shown(ind, "good") == "良"
        assert joined(["甲", "乙"]) == "甲、乙"
        cause = explain.version_cause({"kind": "appeal_upheld", "note": "申诉成立：属实"}, None)
        assert cause.count("申诉成立") == 1 and cause.endswith("属实")
    w, a = published
    upheld(w, a)
    html = client_for(w.u["staff02"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert "Attitude, The grade" in between(html, 'id="appeal"', "</p>")
    assert "、" not in between(html, 'id="appeal"', "</table>")
    head = between(html, 'id="versions-side"', "</thead>")
    assert "appeal upheld: 客户来信属实" in head and "申诉成立" not in head


# --- 4. after an upheld appeal -------------------------------------------------------


def test_corrections_by_unit_and_the_corrected_value_under_the_appeal(published):
    """ "已更正: 净营业额 78700.000 → 92300": both values by the indicator's unit; on the
    result line the corrected value is not left under the rater who never entered it."""
    t = registry.get_template("sales", "sales_rep")
    with translation.override("zh-hans"):
        assert corrected_value(t, "values.net_revenue", "78700.000") == "78,700.00 元"
        assert corrected_value(t, "values.net_revenue", "92300") == "92,300.00 元"
        assert corrected_value(t, "events.commendation", 1) == "1"
    w, a = published
    upheld(w, a)
    html = client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    lines = between(html, '<table id="lines"', "</table>")
    attitude = between(lines, "服务态度" if "服务态度" in lines else "态度", "</tr>")
    assert "直属上级: 22" in attitude and "申诉更正: 25" in attitude
    assert "直属上级: 25" not in attitude


def test_versions_show_the_outcomes_that_changed_and_no_unchanged_total_claim(published):
    """The version table left out pay that changed with the correction (coefficient
    0.80 → 1.00), and a calibration note said "总分不变" beside a total that changed."""
    w, a = published
    upheld(w, a)
    v1, v2 = ResultVersion.objects.filter(appraisal=a).order_by("number")
    v1.result = {**v1.result, "outcomes": {**v1.result["outcomes"], "pay_coefficient": "0.80"}}
    v1.save(update_fields=["result"])
    v2.result = {**v2.result, "outcomes": {**v2.result["outcomes"], "pay_coefficient": "1.00"}}
    v2.save(update_fields=["result"])
    a.calibrated_grade = a.grade
    a.result = {**a.result, "calibrated_from": "a"}
    a.save(update_fields=["calibrated_grade", "result"])
    html = client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    side = between(html, 'id="versions-side"', "</table>")
    row = between(side, "绩效系数" if "绩效系数" in side else "Pay coefficient", "</tr>")
    assert "0.80" in row and "1.00" in row
    assert "总分不变" not in html and "不改变总分" in html


# --- 5 and 6. readers of an appraisal in progress; who acted; the trail --------------


def test_hr_sees_the_provisional_result_who_acted_and_a_push(workshop, set_clock):
    """HR's view of an appraisal in progress showed only its steps: HR (and the GM and
    auditors) read the provisional total, grade and lines; the person appraised does
    not. Each done step names the person who acted and when; a step pushed past its
    deadline says who pushed it, the reason typed and the penalty. The audit trail is
    one link away for those who may read it."""
    a = workshop.a["staff02"]
    u = workshop.u
    set_clock(at(2026, 11, 3, 9))  # the self-review was due Mon 2 Nov 18:00
    self_step = AppraisalStep.objects.get(appraisal=a, code="self")
    services.step_act(
        actor=u["hr"], appraisal_id=a.pk, step_id=self_step.pk, action="push", text="员工休假"
    )
    set_clock(at(2026, 11, 4))
    submit(
        a,
        "supervisor",
        u["workshop_head"],
        {"values": {"efficiency": 20, "operation": 21, "attitude": 22, "knowledge": 19}},
    )
    set_clock(at(2026, 11, 6))
    submit(a, "hr", u["hr"])
    a.refresh_from_db()
    assert a.state == "in_progress" and a.total is not None
    hr_name = u["hr"].employee.name
    head_name = u["workshop_head"].employee.name
    # the GM holds the open step: the provisional result is in the step's own card
    gm = client_for(u["gm"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="final-view"' in gm and f'href="/audit/?appraisal={a.pk}"' in gm
    for reader in ("auditor", "hr"):
        html = client_for(u[reader]).get(f"/appraisals/{a.pk}/").content.decode()
        card = between(html, 'id="provisional"', "</table>")
        assert "暂定结果" in card and a.grade and "provisional-lines" in card
        assert f'href="/audit/?appraisal={a.pk}"' in html
    steps = between(html, '<table id="steps"', "</table>")
    assert head_name in steps and "2026-11-04 10:00" in steps
    assert f"由{hr_name}于 2026-11-03 09:00 推进，理由：员工休假" in steps
    assert "迟交扣减" in steps
    own = client_for(u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="provisional"' not in own and "/audit/?appraisal=" not in own


# --- 7. /mine/ and the menu ----------------------------------------------------------


def test_the_trend_has_points_months_and_totals():
    """A bare line said nothing: each point carries its month and its total, placed
    by the total (higher is higher), with none for fewer than two results."""
    assert _trend([("2026-09", Decimal("70"))]) is None
    chart = _trend([("2026-09", Decimal("70.5")), ("2026-10", Decimal("85"))])
    first, second = chart["points"]
    assert (first["month"], first["said"]) == ("2026-09", "70.50")
    assert (second["month"], second["said"]) == ("2026-10", "85.00")
    assert int(second["y"]) < int(first["y"])


def test_mine_draws_the_points_and_the_menu_offers_a_team_only_to_those_with_one(published):
    """/mine/ shows each total with its month in the chart (and in its caption, the
    text a screen reader reads); "My team" is in the menu of a supervisor, not of a
    plain employee nor of the auditor."""
    from django.template.loader import render_to_string

    w, _a = published
    chart = _trend([("2026-09", Decimal("70.5")), ("2026-10", Decimal("85"))])
    with translation.override("zh-hans"):
        html = render_to_string(
            "people/mine.html",
            {"trend": chart, "trend_text": "2026-09 70.50 · 2026-10 85.00", "rows": []},
        )
    figure = between(html, 'id="trend"', "</figure>")
    assert (
        figure.count("<circle") == 2 and ">70.50</text>" in figure and ">2026-10</text>" in figure
    )
    assert "2026-09 70.50 · 2026-10 85.00" in between(figure, "<figcaption", "</figcaption>")
    html = client_for(w.u["staff02"]).get("/mine/").content.decode()
    assert 'id="nav-team"' not in html
    assert 'id="nav-team"' not in client_for(w.u["auditor"]).get("/").content.decode()
    assert 'id="nav-team"' in client_for(w.u["workshop_head"]).get("/").content.decode()


def test_hr_reaches_the_desk_from_every_page(workshop, set_clock):
    """HR's main menu links the HR desk (cycle board, appeals, people, imports) on every
    page; nobody else's menu does."""
    set_clock(at(2026, 11, 3, 10))
    hr = client_for(workshop.u["hr"]).get("/notifications/").content.decode()
    menu = between(hr, '<nav class="main">', "</nav>")
    assert 'id="nav-hr"' in menu and ">人事工作台<" in menu, menu
    assert client_for(workshop.u["hr"]).get("/hr/").status_code == 302
    for other in ("workshop_head", "staff02", "auditor", "gm"):
        assert 'id="nav-hr"' not in client_for(workshop.u[other]).get("/").content.decode()
