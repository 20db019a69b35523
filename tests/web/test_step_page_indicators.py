"""The step page's list of indicators and its form, as the tester walking the demo read
them: the list stays after a step is handed in (read-only, with the values given);
sections weigh by percentage and items by points (never a "weight" column adding up to
310); whose value counts is said and a reviewer's override of a system metric flagged;
HR's review says "preview", never "not scored yet" beside it, and "you enter it below"
only where HR types; a cleared input clears the live preview; every error of a post is
said in one pass; and a refused number names its field once."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal
from tests.month import STAFF_VALUES, at, open_customer_service, open_department, step, submit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _measured(html: str) -> str:
    return html.split('id="measured-table"', 1)[1].split("</table>", 1)[0]


def _row(table: str, code: str) -> str:
    return table.split(f'data-indicator="{code}"', 1)[1].split("</tr>", 1)[0]


def _ecom_at_hr(litong, set_clock) -> Appraisal:
    """ecom02's self-review and supervisor's review handed in: HR's review is open."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    submit(a, "self", litong.u["ecom02"], {"values": {"follow_up": "4", "execution": "8"}})
    set_clock(at(2026, 11, 3))
    boss = step(a, "supervisor").assignee
    submit(a, "supervisor", boss, {"values": {"follow_up": "5", "execution": "9"}})
    return a


def test_the_indicator_list_stays_after_the_step_is_handed_in(litong, set_clock):
    """ecom02 hands in the self-review: the page, read again by ecom02 and by the
    supervisor after their own review, still lists every indicator, read-only, with the
    values given — no form."""
    a = _ecom_at_hr(litong, set_clock)
    for user in (litong.u["ecom02"], step(a, "supervisor").assignee):
        page = client_for(user).get(f"/appraisals/{a.pk}/").content.decode()
        assert 'id="step-form"' not in page
        assert 'id="measured-read-only"' in page
        table = _measured(page)
        assert table.count("<tr data-indicator=") == 8
        assert "由您在下方填写" not in table
        follow = _row(table, "follow_up")
        assert "直属上级：5" in follow and "员工本人" in follow
        assert "100%" in _row(table, "sales_completion")  # the imported metric


def test_sections_show_their_percentage_and_items_their_points(litong, set_clock):
    """R&D: sections 70/15/15 of the total, their items worth 100, 100 and 110 points
    (scaled to 100). The list heads each section with its share and shows an item's
    points as points: no "weight" column that adds up to 310."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "rnd")
    a = w.a["research02"]
    page = client_for(w.u["research02"]).get(f"/appraisals/{a.pk}/").content.decode()
    table = _measured(page)
    assert "权重" not in table and "满分" in table
    heads = table.split('class="section-head"')[1:]
    assert len(heads) == 3
    assert "工作业绩" in heads[0] and "占总分 70%" in heads[0]
    assert "各项满分合计 100 分" in heads[0]
    assert "占总分 15%" in heads[1] and "占总分 15%" in heads[2]
    assert "各项满分合计 110 分，折算为 100 分" in heads[2]
    row = _row(table, "plan_completion")
    assert '<span class="pts">20</span> 分' in row
    en = client_for(w.u["research02"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert "70% of the total" in _measured(en) and "Max points" in _measured(en)


def test_whose_value_counts_is_said_and_an_override_is_flagged(litong, set_clock):
    """R&D plan completion comes from the system unless the supervisor overrides it:
    "Supplied by" says so; with the system's 75.2% and a supervisor's 90% stored, the
    supervisor's counts and the row flags the override of the system value."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "rnd")
    a = w.a["research02"]
    page = client_for(w.u["research02"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert "以系统值为准，除非直属上级覆盖" in _row(_measured(page), "plan_completion")
    a.values = {"system": {"plan_completion": "0.752"}, "supervisor": {"plan_completion": "0.9"}}
    a.save(update_fields=["values"])
    page = client_for(w.u["research02"]).get(f"/appraisals/{a.pk}/").content.decode()
    row = _row(_measured(page), "plan_completion")
    assert "已覆盖系统值 75.2%" in row
    assert "直属上级：90%（计入）" in row and "系统指标" in row
    en = client_for(w.u["research02"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert "Overrides the system value 75.2%" in _row(_measured(en), "plan_completion")


def test_hrs_review_says_preview_and_you_enter_only_where_hr_types(litong, set_clock):
    """At HR's review the imported metrics are shown as imported (to correct if wrong),
    not "you enter it below"; the step's preview is labelled 预估 and no "not scored
    yet" stands beside it."""
    a = _ecom_at_hr(litong, set_clock)
    set_clock(at(2026, 11, 5))
    page = client_for(litong.u["hr"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="step-form"' in page
    table = _measured(page)
    assert "由您在下方填写" not in _row(table, "sales_completion")
    assert "已导入：100%" in _row(table, "sales_completion")
    assert 'id="preview-label"' in page and ">预估<" in page
    assert "尚未评分" not in page and 'id="provisional-none"' not in page


def test_clearing_an_input_clears_the_preview(litong, set_clock):
    """HR empties an imported metric: the preview no longer scores the stored value —
    no total, and the line waits — as the step cannot be handed in so."""
    a = _ecom_at_hr(litong, set_clock)
    set_clock(at(2026, 11, 5))
    c = client_for(litong.u["hr"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'hr').pk}/preview/"
    full = c.post(url, {}).json()
    assert full["complete"] is True
    cleared = c.post(url, {"values.sales_completion": ""}).json()
    assert cleared["complete"] is False and cleared["total"] is None
    line = next(ln for ln in cleared["lines"] if ln["label"] == "指标完成率")
    assert line["score"] is None


def test_every_error_is_said_in_one_pass_each_at_its_field(litong, set_clock):
    """A self-review with "3,5" typed and no summary: the number's error and the empty
    summary's are both said at once, each at its field (not the summary in a second
    round once the number is fixed); nothing is handed in."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    c = client_for(litong.u["ecom02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/"
    r = c.post(url, {"values.follow_up": "3,5", "values.execution": "", "comment": ""})
    page = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="values.follow_up"' in page and 'data-field="comment"' in page
    assert "请填写您的各项数值或本期总结" in page
    assert step(a, "self").state == "open"


def test_a_refused_number_names_its_field_once(litong, set_clock):
    """ "3,5" in 协助跟进服务: the page's summary reads "协助跟进服务：3,5 …" once, never
    "协助跟进服务：协助跟进服务：…"; at the field the label stands above the message."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    c = client_for(litong.u["ecom02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/"
    page = c.post(url, {"values.follow_up": "3,5", "comment": "本月顺利"}).content.decode()
    assert "协助跟进服务：协助跟进服务" not in page
    assert "协助跟进服务：3,5 用逗号作了小数点" in page
    en = client_for(litong.u["ecom02"], "en")
    page = en.post(url, {"values.follow_up": "3,5", "comment": "fine"}).content.decode()
    assert "follow-up: follow-up" not in page.lower()


def test_workshop_hr_step_has_no_not_scored_beside_the_preview(workshop, set_clock):
    """General staff at HR's review: the preview gives 82.00; no 尚未评分 beside it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    page = client_for(workshop.u["hr"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="step-form"' in page and "尚未评分" not in page
