"""Errors in sight and nothing typed thrown away: after a refused post the top of the
page says how many things need fixing, each a link to its field (the fields sit
thousands of pixels down); a collapsed section holding an error is open; "back" on a
confirmation and a refused return keep what was typed; a return and an appeal are
confirmed with what they do; a cleared self-score is listed as empty."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from engine.appeals.models import Appeal
from engine.appraisals.models import Cycle
from tests.month import at, open_customer_service, run_chain, step, submit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def hidden_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The hidden fields of one form of a page, as a browser would post them."""
    form = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def summary_of(html: str) -> str:
    assert 'id="error-summary"' in html, "no error summary on the page"
    return html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]


def test_a_refused_hand_in_is_summarised_at_the_top_and_opens_the_events(workshop, set_clock):
    """30 points for an item worth 25 and a negative attendance count: the page opens
    with "2 处需要修改" above everything else, a link to each field, and the collapsed
    rewards-and-attendance section open (its error was hidden in it)."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    c = client_for(workshop.u["workshop_head"])
    r = c.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {
            "values.efficiency": "30",
            "values.operation": "21",
            "values.attitude": "22",
            "values.knowledge": "18",
            "events.late_or_early": "-2",
        },
    )
    html = r.content.decode()
    assert r.status_code == 400
    box = summary_of(html)
    assert 'role="alert"' in html.split('id="error-summary"', 1)[0][-200:]
    assert "2 处需要修改" in box
    assert 'href="#f-values.efficiency"' in box and 'href="#f-events.late_or_early"' in box
    assert "工作效率：30 太大：最多为 25。" in box
    assert html.index('id="error-summary"') < html.index('id="steps"')  # the top
    assert '<details class="events" open>' in html
    en = client_for(workshop.u["workshop_head"], "en").post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {"values.efficiency": "30"},
    )
    assert "things to fix" in summary_of(en.content.decode())


def test_a_refused_return_keeps_the_scores_and_a_return_is_confirmed(workshop, set_clock):
    """The head typed scores, then pressed "return" without a comment: refused at the
    comment with the scores kept. With a comment the page asks first, naming who it
    goes back to ("退回给 <name>（自评）"); "back" keeps both; confirming returns it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    boss = client_for(workshop.u["workshop_head"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/return/"
    typed = {"values.efficiency": "20", "values.operation": "19", "comment": "备注"}
    r = boss.post(url, {**typed, "return_comment": ""})
    html = r.content.decode()
    form = html.split('id="step-form"', 1)[1].split("</form>", 1)[0]
    assert r.status_code == 400
    assert 'value="20"' in form and 'value="19"' in form and "备注</textarea>" in form
    assert 'href="#comment"' in summary_of(html)
    r = boss.post(url, {**typed, "return_comment": "请写明工时"})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="return-confirm"' in html
    who = workshop.a["staff02"].employee.name
    assert f"退回给 {who}（自评）" in html
    assert step(a, "supervisor").state == "open"
    r = boss.post(url, dict(hidden_fields(html, "return-confirm-back")))
    back = r.content.decode()
    assert r.status_code == 200 and step(a, "supervisor").state == "open"
    assert 'value="20"' in back and ">请写明工时</textarea>" in back
    r = boss.post(url, dict(hidden_fields(html, "return-confirm")))
    assert r.status_code == 302
    assert step(a, "self").state == "open"


def test_back_from_the_submit_confirmation_keeps_everything_typed(workshop, set_clock):
    """ "返回，不提交" posts what was typed to the step's draft: the page opens with the
    scores, the attendance count and the remarks, and says nothing was submitted."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    boss = client_for(workshop.u["workshop_head"])
    sup = step(a, "supervisor")
    typed = {
        "values.efficiency": "20",
        "values.operation": "19",
        "values.attitude": "18",
        "values.knowledge": "17",
        "events.late_or_early": "2",
        "comment": "本月表现稳定",
    }
    html = boss.post(f"/appraisals/{a.pk}/steps/{sup.pk}/submit/", typed).content.decode()
    assert 'id="submit-confirm"' in html
    draft = f"/appraisals/{a.pk}/steps/{sup.pk}/draft/"
    assert f'action="{draft}" id="submit-confirm-back"' in html and "返回，不提交" in html
    r = boss.post(draft, dict(hidden_fields(html, "submit-confirm-back")))
    assert r.status_code == 302 and step(a, "supervisor").state == "open"
    page = boss.get(f"/appraisals/{a.pk}/").content.decode()
    form = page.split('id="step-form"', 1)[1].split("</form>", 1)[0]
    for value in ('value="20"', 'value="19"', 'value="17"', 'value="2"', "本月表现稳定</textarea>"):
        assert value in form, value
    assert "未提交：您填写的内容已保存为草稿" in page


@pytest.fixture
def published(workshop, set_clock):
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11, 9))
    return workshop, a


def test_missing_items_and_reason_are_reported_together_with_checkboxes(published):
    """No item and no reason: both refused at once (not one at a time), summarised at
    the top; the items are checkboxes, not a multi-select."""
    w, a = published
    r = client_for(w.u["staff02"]).post(f"/appraisals/{a.pk}/appeal/", {"reason": " "})
    html = r.content.decode()
    assert r.status_code == 400 and not Appeal.objects.exists()
    assert 'id="items-error"' in html and 'id="appeal-reason-error"' in html
    box = summary_of(html)
    assert "2 处需要修改" in box and 'href="#items"' in box and 'href="#appeal-reason"' in box
    form = html.split('id="appeal-form"', 1)[1].split("</form>", 1)[0]
    assert 'type="checkbox" name="items" value="attitude"' in form and "<select" not in form


def test_an_appeal_is_confirmed_with_its_files_kept(published):
    """Filing asks first, with the items, the reason and the files' names; the files
    checked then are kept across the confirmation (and across "back"), so confirming
    files them without choosing them again."""
    w, a = published
    me = client_for(w.u["staff02"])
    url = f"/appraisals/{a.pk}/appeal/"
    note = SimpleUploadedFile("记录.txt", "考勤记录".encode(), "text/plain")
    r = me.post(url, {"items": ["attitude", "grade"], "reason": "记录不全", "attachments": [note]})
    html = r.content.decode()
    assert r.status_code == 200 and not Appeal.objects.exists()
    facts = html.split('id="appeal-summary"', 1)[1]
    assert "工作态度" in facts and "等级" in facts and "记录不全" in facts and "记录.txt" in facts
    hidden = hidden_fields(html, "appeal-confirm")
    assert ("items", "attitude") in hidden and ("items", "grade") in hidden
    back = me.post(url, _multi(hidden_fields(html, "appeal-confirm-back")))
    page = back.content.decode()
    assert back.status_code == 200 and not Appeal.objects.exists()
    assert 'value="attitude" checked' in page and ">记录不全</textarea>" in page
    assert "记录.txt" in page.split('id="attachments-kept"', 1)[1].split("</p>", 1)[0]
    kept = [*hidden_fields(page, "appeal-form"), ("items", "attitude"), ("items", "grade")]
    r = me.post(url, _multi([*kept, ("reason", "记录不全")]))
    assert r.status_code == 200 and "记录.txt" in r.content.decode()
    r = me.post(url, _multi(hidden_fields(r.content.decode(), "appeal-confirm")))
    assert r.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.items == ["attitude", "grade"]
    f = appeal.attachments.get()
    assert f.name == "记录.txt"


def _multi(pairs):
    """A list of (name, value) as the test client posts several values per name."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def test_a_cleared_self_score_is_listed_as_empty_not_previewed_from_old_values(litong, set_clock):
    """The agent typed 4.5 and 8, was returned, then cleared both: the confirmation
    lists them as "未填写" and shows no total computed from the old 4.5 and 8."""
    a = open_customer_service(litong, set_clock)
    emp = client_for(litong.u["ecom02"])
    set_clock(at(2026, 11, 1))
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}"
    first = {"values.follow_up": "4.5", "values.execution": "8", "comment": "一", "confirmed": "1"}
    assert emp.post(f"{url}/submit/", first).status_code == 302
    head = client_for(litong.u["cs_head"])
    sup = step(a, "supervisor")
    r = head.post(
        f"/appraisals/{a.pk}/steps/{sup.pk}/return/", {"comment": "请补充", "confirmed": "1"}
    )
    assert r.status_code == 302
    html = emp.post(
        f"{url}/submit/", {"values.follow_up": "", "values.execution": "", "comment": "二"}
    ).content.decode()
    assert 'id="submit-confirm"' in html
    facts = html.split('id="submit-summary"', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"<dt>协助跟进服务</dt><dd>未填写</dd>", facts)
    assert re.search(r"<dt>执行力</dt><dd>未填写</dd>", facts)
    total = facts.split('id="confirm-total">', 1)[1].split("</dd>", 1)[0]
    assert "不显示" in total and not re.search(r"\d+\.\d\d", total)


def test_the_cycle_board_summarises_a_refused_hand_over_and_back_keeps_the_rows(
    workshop, set_clock
):
    """HR hands two self-reviews to one of the two employees: every step is refused,
    and the board opens with the refusals at its top linking to the person's field (on a
    phone the form is far below the table); "back" from a confirmation keeps the ticked
    rows, the action and the reason, without an error."""
    set_clock(at(2026, 11, 1))
    hr = client_for(workshop.u["hr"])
    cycle = Cycle.objects.get(pk=workshop.a["staff02"].cycle_id)
    url = f"/hr/cycles/{cycle.pk}/"
    ids = [str(workshop.a["staff02"].pk), str(workshop.a["staff03"].pk)]
    to = workshop.a["staff03"].employee_id
    r = hr.post(url, {"ids": ids, "action": "reassign", "to": str(to)})
    html = r.content.decode()
    assert r.status_code == 400
    box = summary_of(html)
    assert "2 处需要修改" in box and 'href="#bulk-to"' in box
    assert html.index('id="error-summary"') < html.index('id="board"')
    set_clock(at(2026, 11, 3, 9))  # both self-reviews are overdue: a push is confirmed
    r = hr.post(url, {"ids": ids, "action": "push", "reason": "月底前推进"})
    confirm = r.content.decode()
    assert 'id="bulk-confirm"' in confirm and 'id="bulk-confirm-back"' in confirm
    back = hr.post(url, _multi(hidden_fields(confirm, "bulk-confirm-back")))
    page = back.content.decode()
    assert back.status_code == 200 and 'id="error-summary"' not in page
    assert page.count(" checked>") == 2 and 'value="月底前推进"' in page
    assert '<option value="push" selected>' in page
