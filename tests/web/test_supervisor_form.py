"""The supervisor's review form as the demo month's walker met it: a returned review
opens with what the supervisor typed before, the sales behaviour sheet is all or none,
system metrics are shown read-only (never asked of the supervisor), and the step page's
score preview agrees with My team."""

import json

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal
from tests.month import STAFF_VALUES, at, open_customer_service, open_department, step, submit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _form(html: str) -> str:
    return html.split('id="step-form"', 1)[1].split("</form>", 1)[0]


def test_a_review_returned_by_hr_reopens_with_the_supervisors_values(workshop, set_clock):
    """The head scores staff02 through the page (20/21/22/19 and a remark); HR returns
    the appraisal; the head's reopened form holds every value and the remark typed."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    head = client_for(workshop.u["workshop_head"])
    posted = {f"values.{k}": str(v) for k, v in STAFF_VALUES.items()}
    r = head.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {**posted, "comment": "工作认真", "confirmed": "1"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    hr = client_for(workshop.u["hr"])
    r = hr.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'hr').pk}/return/",
        {"comment": "请核对操作分", "confirmed": "1"},
    )
    assert r.status_code == 302
    assert Appraisal.objects.get(pk=a.pk).current_step == "supervisor"
    form = _form(head.get(f"/appraisals/{a.pk}/").content.decode())
    for v in STAFF_VALUES.values():
        assert f'value="{v}"' in form, v
    assert "工作认真" in form


def test_values_typed_before_returning_to_the_employee_come_back(litong, set_clock):
    """The supervisor types follow-up 3 and execution 7, then returns the self-review
    instead of submitting; once the employee hands it in again, the supervisor's reopened
    form holds 3 and 7 (kept as their draft), not empty required fields."""
    a = open_customer_service(litong, set_clock)
    emp = client_for(litong.u["ecom02"])
    set_clock(at(2026, 11, 1))
    own = {"values.follow_up": "4", "values.execution": "8", "comment": "本月总结"}
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/"
    assert emp.post(url, {**own, "confirmed": "1"}).status_code == 302
    head = client_for(litong.u["cs_head"])
    sup = step(a, "supervisor")
    r = head.post(
        f"/appraisals/{a.pk}/steps/{sup.pk}/return/",
        {
            "values.follow_up": "3",
            "values.execution": "7",
            "comment": "跟进及时",
            "return_comment": "请补充数据来源",
            "confirmed": "1",
        },
    )
    assert r.status_code == 302 and step(a, "supervisor").state != "open"
    assert emp.post(url, {**own, "confirmed": "1"}).status_code == 302
    form = _form(head.get(f"/appraisals/{a.pk}/").content.decode())
    assert 'value="3"' in form and 'value="7"' in form and "跟进及时" in form
    assert "请补充数据来源" not in form  # the return's reason is not the remarks


SCALES = ("new_customers", "customer_satisfaction", "customer_churn", "information")
SCALES += ("teamwork", "discipline")


def _sales_rep_at_supervisor(litong, set_clock):
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "sales")
    a = w.a["rep02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["rep02"])  # the employee skips the optional behaviour sheet
    return w, a


def test_a_half_scored_behaviour_sheet_is_refused_at_its_top(litong, set_clock):
    """The sales manager scores two items of the behaviour sheet and leaves the other 20
    empty: refused (400) with the all-or-none rule said once, at the sheet's top, with
    the count of items scored and empty; what was typed kept, nothing handed on."""
    w, a = _sales_rep_at_supervisor(litong, set_clock)
    posted = {f"values.{c}": "4" for c in SCALES}
    posted.update({"values.b_loyalty": "good", "values.b_harmony": "fair", "confirmed": "1"})
    head = client_for(w.u["sales_head"])
    r = head.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    page = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="values.b_sincerity"' not in page
    assert page.count("全部评分或全部不评") == 2  # at the sheet, and linked from the summary
    assert "22 项中已评 2 项，20 项未填" in page and 'id="sheet-error-f-values.b_loyalty"' in page
    assert "1 处需要修改" in page and 'href="#sheet-error-f-values.b_loyalty"' in page
    assert page.count('value="good" selected') == 1 and 'value="fair" selected' in page
    assert step(a, "supervisor").state == "open"


def test_an_invalid_sheet_value_is_not_counted_as_scored(litong, set_clock):
    """Two items rated and "95%" typed as the points of a third: the points are refused
    at their field, and the sheet's one message counts 2 scored, 19 empty (the refused
    value is neither)."""
    w, a = _sales_rep_at_supervisor(litong, set_clock)
    posted = {f"values.{c}": "4" for c in SCALES}
    posted.update({"values.b_loyalty": "good", "values.b_harmony": "fair"})
    posted.update({"values.b_target_volume": "95%", "confirmed": "1"})
    head = client_for(w.u["sales_head"])
    r = head.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    page = r.content.decode()
    assert r.status_code == 400 and 'data-field="values.b_target_volume"' in page
    assert "22 项中已评 2 项，19 项未填" in page and "2 处需要修改" in page


def test_the_service_and_the_api_refuse_a_half_scored_sheet(litong, set_clock):
    """Through the service and the API alike a supervisor's partial behaviour sheet is
    refused naming the first empty item and the rule; the whole sheet or none passes."""
    from engine.appraisals import services
    from engine.errors import InvalidInput
    from engine.plugins.registry import get_template

    w, a = _sales_rep_at_supervisor(litong, set_clock)
    values = dict.fromkeys(SCALES, 4) | {"b_loyalty": "good"}
    sup = step(a, "supervisor")
    with pytest.raises(InvalidInput) as exc:
        services.step_submit(
            actor=w.u["sales_head"], appraisal_id=a.pk, step_id=sup.pk, data={"values": values}
        )
    assert (exc.value.field, exc.value.rule) == ("values.b_harmony", "incomplete")
    c = client_for(w.u["sales_head"])
    r = c.post(
        f"/api/v1/appraisals/{a.pk}/steps/{sup.pk}/submit/",
        json.dumps({"data": {"values": values}}),
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "values.b_harmony"
    sheet = {
        i.code: (i.levels()[0].code if i.rule == "rating" else "5")
        for i in get_template("sales", "sales_rep").indicators
        if i.code.startswith("b_")
    }
    services.step_submit(
        actor=w.u["sales_head"],
        appraisal_id=a.pk,
        step_id=sup.pk,
        data={"values": dict.fromkeys(SCALES, 4) | sheet},
    )
    assert step(a, "supervisor").state == "done"


def test_system_metrics_are_read_only_on_the_supervisors_form(litong, set_clock):
    """A researcher's performance items are loaded by HR's metrics import (the pack lets
    a reviewer's value stand beside them): the supervisor's form asks for none of them,
    and the page shows each with the system's value and its source; the attitude and
    ability items stay the supervisor's required inputs."""
    from engine.appraisals import services

    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "rnd")
    a = w.a["research02"]
    metrics = {
        "dev_cycle_ahead": "12",
        "review_pass_rate": "0.9",
        "plan_completion": "1",
        "unproducible_results": "1",
        "cost_reduction": "0.04",
    }
    services.appraisal_set_inputs(actor=w.u["hr"], appraisal=a, system_values=metrics)
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["research02"])
    page = client_for(w.u["rnd_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    form = _form(page)
    for code in metrics:
        assert f'name="values.{code}"' not in form, code
    assert 'name="values.responsibility"' in form and " required" in form
    row = page.split('data-indicator="dev_cycle_ahead"', 1)[1].split("</tr>", 1)[0]
    assert "系统指标，由人事导入" in row and "系统：12" in row and "由您在下方填写" not in row


SUPPORT = {
    "response_time": "35",
    "ticket_on_time": "0.98",
    "csat": "4.3",
    "first_contact_resolution": "0.86",
    "kb_contributions": "1",
    "training_pass_rate": "1",
}


def _team_total(body: str, pk: int) -> str:
    row = body.split(f'data-team="{pk}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split('data-label="总分">', 1)[1].split("</td>", 1)[0]
    return cell.split("<", 1)[0].strip()


def _preview_total(body: str) -> str:
    return body.split('id="preview-total">', 1)[1].split("<", 1)[0].strip()


def test_the_step_preview_and_my_team_agree_for_support_and_call_agents(litong, set_clock):
    """A support agent's items are all system metrics and a call agent starts from 100
    with events: the supervisor enters neither, yet both pages give the same provisional
    total (82.00, and 100 − 3 = 97.00), and while the metrics are missing both say why none yet."""
    from engine.appraisals import services

    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "cs")
    support, call = w.a["support07"], w.a["call10"]
    services.appraisal_event_record(
        actor=w.u["hr"],
        appraisal=call,
        event="caused_complaint",
        reason="客户投诉态度",
    )
    set_clock(at(2026, 11, 1))
    for name in ("support07", "call10"):
        submit(w.a[name], "self", w.u[name])
    head = client_for(w.u["cs_head"])
    waiting = head.get(f"/appraisals/{support.pk}/").content.decode()
    assert 'id="preview" aria-live="polite" hidden' not in waiting
    team = head.get("/team/").content.decode()
    why = team.split(f'data-team="{support.pk}"', 1)[1].split("</tr>", 1)[0]
    assert _preview_total(waiting) == "—" and _team_total(team, support.pk) == "—"
    assert (
        "首次响应时间" in why and "首次响应时间" in waiting.split('id="preview-waiting"')[1][:300]
    )
    services.appraisal_set_inputs(actor=w.u["hr"], appraisal=support, system_values=SUPPORT)
    team = head.get("/team/").content.decode()
    for a, total in ((support, "82.00"), (call, "97.00")):
        page = head.get(f"/appraisals/{a.pk}/").content.decode()
        assert 'id="preview" aria-live="polite" hidden' not in page
        assert _preview_total(page) == _team_total(team, a.pk) == total


def test_an_untouched_optional_sheet_is_one_line_on_the_confirmation(litong, set_clock):
    """The manager leaves the whole behaviour sheet empty: the confirmation lists it as
    one line ("行为评价表：未评（可选）"), not 22 × "未填写"."""
    w, a = _sales_rep_at_supervisor(litong, set_clock)
    posted = {f"values.{c}": "4" for c in SCALES}
    head = client_for(w.u["sales_head"])
    r = head.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    page = r.content.decode()
    assert r.status_code == 200 and 'id="submit-confirm"' in page
    assert "未填写" not in page
    assert "<dt>行为评价表</dt><dd>未评（可选）</dd>" in page


def test_what_you_submitted_shows_a_level_with_its_points(litong, set_clock):
    """Rated 优 · 6 on the form and the confirmation, the sheet item reads "优 · 6" in
    "What you submitted" too, not a bare "优"."""
    from engine.appraisals.pinned_templates import template_for

    w, a = _sales_rep_at_supervisor(litong, set_clock)
    t = template_for(a)
    sheet = {}
    for ind in t.indicators:
        if (t.section(ind.section) or None) and t.section(ind.section).sheet == "behaviour":
            if ind.rule == "rating":
                sheet[f"values.{ind.code}"] = ind.levels()[0].code
            elif ind.rule == "manual":
                sheet[f"values.{ind.code}"] = "5"
    posted = {f"values.{c}": "4" for c in SCALES} | sheet | {"confirmed": "1"}
    head = client_for(w.u["sales_head"])
    r = head.post(f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/", posted)
    assert r.status_code == 302, r.content.decode()[:2000]
    card = head.get(f"/appraisals/{a.pk}/").content.decode().split('id="my-submissions"', 1)[1]
    loyalty = t.indicator("b_loyalty").levels()[0]
    points = f"{loyalty.points.normalize():f}"
    assert f"<dd>{loyalty.label_zh} · {points}</dd>" in card.split("</div>", 1)[0]


def _whole_sheet(t, manual="5"):
    out = {}
    for ind in t.indicators:
        sec = t.section(ind.section)
        if sec is not None and sec.sheet == "behaviour":
            out[ind.code] = ind.levels()[0].code if ind.rule == "rating" else manual
    return out


def test_the_preview_says_the_sheet_waits_for_the_gm_not_for_the_supervisor(litong, set_clock):
    """The employee scored the behaviour sheet; the supervisor rates all 22 items: each
    line says it still needs the GM's score and each section that the supervisor has
    scored it, not "尚未评完"."""
    from engine.appraisals.pinned_templates import template_for

    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "sales")
    a = w.a["rep02"]
    t = template_for(a)
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["rep02"], {"values": _whole_sheet(t)})
    posted = {f"values.{c}": "4" for c in SCALES}
    posted |= {f"values.{k}": v for k, v in _whole_sheet(t).items()}
    head = client_for(w.u["sales_head"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    data = head.post(url, posted).json()
    loyalty = next(ln for ln in data["lines"] if ln["label"] == t.indicator("b_loyalty").name_zh)
    assert loyalty["score"] is None and loyalty["note"] == "还需总经理评分。", loyalty
    assert not any("尚未评完" in s for s in data["sections"] if "品德" in s)
    assert any(s.startswith("品德：您已评完；还需总经理评分") for s in data["sections"])


def test_the_english_preview_ends_each_sentence(litong, set_clock):
    """In English the points still to be scored end with a full stop before the next
    sentence ("… still to be scored. The total appears when …")."""
    w, a = _sales_rep_at_supervisor(litong, set_clock)
    head = client_for(w.u["sales_head"], lang="en")
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/preview/"
    data = head.post(url, {"values.new_customers": "4"}).json()
    assert data["so_far"].endswith("still to be scored."), data["so_far"]


def test_events_without_points_say_what_counting_them_does(workshop, set_clock):
    """阻挠申诉/打击报复 and 考核人违规 carry no points but cut performance pay (the
    general pack's outcomes): their fields say so instead of "每次 0 分", which reads as
    "does nothing"; a pointed event still says its points."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    page = _form(
        client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    )
    assert "每次 0 分" not in page
    assert "不计分：本月绩效工资减半" in page
    assert "不计分：从本人绩效工资中扣除人事设定的金额" in page
    assert "每次加 3 分" in page  # 嘉奖
