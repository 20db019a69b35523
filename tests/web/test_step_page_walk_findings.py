"""What a user walk of the demo month found on the step page: the optional behaviour
sheet did not say up front that, left empty, it does not count; the sheet's "scored +
empty" counts left a refused item out of both; a resubmitted summary was shown twice in
full; an open (returned) step was labelled "完成人" on the phone card."""

import re

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals import services
from engine.plugins.registry import get_template
from tests.month import STAFF_VALUES, at, open_department, step, submit
from tests.web.visible import raw_codes, visible_text
from workflows.people.forms import StepForm
from workflows.people.step_page import sheet_notes

pytestmark = pytest.mark.django_db

LONG = "本月完成客户回访与跟进，新增两家客户，回款正常。" * 12 + "\n下月计划：继续跟进重点客户。"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _sheet(t, manual="5"):
    out = {}
    for ind in t.indicators:
        sec = t.section(ind.section)
        if sec is not None and sec.sheet == "behaviour":
            out[ind.code] = ind.levels()[0].code if ind.rule == "rating" else manual
    return out


# --- 1. the optional behaviour sheet says what leaving it empty does ---------------------


def test_the_sheet_note_says_an_empty_sheet_does_not_count_for_each_reader(litong):
    """At the self-review: left empty it does not count — left out of the result even if
    the reviewers rate it later (all 3 raters are needed), never a zero; and what it sets
    when it counts (the month's commission coefficient). A reviewer reads whether the
    employee skipped it (left out whatever they enter) or filled it (rate every item)."""
    rep = get_template("sales", "sales_rep")
    first = next(iter(_sheet(rep)))
    with translation.override("zh-hans"):
        own = sheet_notes(rep, "self", {})[first]
        skipped = sheet_notes(rep, "supervisor", {"self": {}})[first]
        filled = sheet_notes(rep, "supervisor", {"self": {first: "excellent"}})[first]
    assert "为选填" in own and "不填则不计" in own and "不按零分计" in own
    assert "即使评审人之后为此表评分也不计" in own and "3 位评分人" in own
    assert "提成系数" in own
    assert "员工自评时未填此表" in skipped and "不填则不计" not in skipped
    assert "员工已填写此表，此表计入" in filled
    with translation.override("en"):
        en = sheet_notes(rep, "self", {})[first]
    assert "Left empty, it does not count" in en and "even if your reviewers rate it" in en


def test_the_self_review_page_heads_the_sheet_with_its_note_in_both_languages(litong, set_clock):
    """rep02's self-review: the sheet opens with a heading 行为评价表（选填） and the note
    saying, in bold, that an empty sheet does not count — before its first item; the
    same in English."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "sales")
    a = w.a["rep02"]
    for lang, title, empty in (
        ("zh-hans", "行为评价表（选填）", "不填则不计"),
        ("en", "Behaviour sheet (optional)", "Left empty, it does not count"),
    ):
        page = client_for(w.u["rep02"], lang).get(f"/appraisals/{a.pk}/").content.decode()
        form = page.split('id="step-form"', 1)[1]
        head = form.index('id="sheet-title-1"')
        assert title in form[head : head + 200]
        note = form.split('id="sheet-note-1"', 1)[1].split("</div>", 1)[0]
        assert re.search(rf'<strong class="if-empty">{re.escape(empty)}', note), note
        assert form.index('id="sheet-note-1"') < form.index('name="values.b_loyalty"')
        assert raw_codes(page) == []


# --- 2. the sheet's counts add up ------------------------------------------------------


def test_a_refused_item_is_counted_apart_so_the_sheet_counts_add_up(litong):
    """2 items scored, 1 typed but refused (99 of 0–10), 19 empty: the message counts all
    22 — "已评 2 项，19 项未填，1 项无效" — not "2 + 19" of 22."""
    rep = get_template("sales", "sales_rep")
    data = {"values.b_loyalty": "excellent", "values.b_target_volume": "10"}
    data["values.b_work_quality"] = "99"
    with translation.override("zh-hans"):
        form = StepForm(data, template=rep, step="self")
        assert not form.is_valid()
        message = next(iter(form.sheet_errors.values()))
    assert "22 项中已评 2 项，19 项未填，1 项无效" in message, message
    n, k, bad = (int(x) for x in re.findall(r"(\d+) 项(?!中)", message))
    assert n + k + bad == 22
    with translation.override("en"):
        form = StepForm(data, template=rep, step="self")
        form.is_valid()
        en = next(iter(form.sheet_errors.values()))
    assert "of its 22 items, 2 are scored, 19 are empty and 1 not valid" in en


# --- 3 and 4. a returned step and its summary -------------------------------------------


def _returned_and_resubmitted(workshop, set_clock):
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"], comment=LONG)
    services.step_act(
        actor=workshop.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        action="return",
        text="请补充下月计划的客户名单",
    )
    return a


def test_an_open_returned_step_is_held_not_done_on_the_phone_card(workshop, set_clock):
    """The self-review was handed in, then returned: its row names the employee who
    holds it under 处理人 (the desktop table's word), never 完成人, and no done time."""
    a = _returned_and_resubmitted(workshop, set_clock)
    page = client_for(workshop.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    rows = page.split('id="steps"', 1)[1].split("</tbody>", 1)[0].split("<tr>")
    own = next(r for r in rows if "<strong>自评</strong>" in r)
    assert 'data-label="处理人"' in own and "完成人" not in own
    assert workshop.u["staff02"].employee.name in own and "<time>" not in own


def test_a_long_summary_is_shown_once_on_every_page_that_quotes_it(workshop, set_clock):
    """The employee's long summary, returned and handed in again unchanged: the
    supervisor's "what earlier steps wrote" shows it once in full and says the second
    hand-in repeats it; the employee's returned step shows it once (under what they
    submitted; the return's comment only in the returned note); after publication the
    employee reads it once, not again under what the steps wrote."""
    a = _returned_and_resubmitted(workshop, set_clock)
    body = LONG.split("\n")[0]
    emp = client_for(workshop.u["staff02"])
    returned = emp.get(f"/appraisals/{a.pk}/").content.decode()
    shown = re.sub(r"<textarea[^>]*>.*?</textarea>", "", returned, flags=re.S)
    assert visible_text(shown).count(body) == 1
    assert visible_text(shown).count("请补充下月计划的客户名单") == 1
    submit(a, "self", workshop.u["staff02"], comment=LONG)
    head = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    remarks = visible_text(head.split('id="remarks"', 1)[1].split("</details>", 1)[0])
    assert remarks.count(body) == 1 and "与上一次提交的内容相同" in remarks
    assert visible_text(head).count(body) == 1
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", workshop.u["hr"])
    set_clock(at(2026, 11, 10))
    submit(a, "gm", workshop.u["gm"])
    published = emp.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="result"' in published
    assert visible_text(published).count(body) == 1
