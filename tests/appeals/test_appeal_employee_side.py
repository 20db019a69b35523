"""The employee's side of an appeal: a receipt when it is filed (what was contested,
who answers first and by when), a closing notice that says how it ended and what it
changed, in the recipient's language in the list and the e-mail alike; the holders
named as people, not as "HR"; appeal steps among the home page's tasks; no second
form once the result has its appeal; the reason shown with its line breaks."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appraisals.selectors import inbox_steps
from engine.notifications.models import Delivery, Notification
from engine.notifications.outbox import compose
from engine.notifications.wording import sentence
from engine.org.models import CompanyRole
from tests.month import at, run_chain
from workflows.common.tasks import split_waiting

pytestmark = pytest.mark.django_db

REASON = "客户表扬信未被计入。\n第二段：<b>请复核</b>"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def said(n: Notification, lang: str) -> str:
    with translation.override(lang):
        return sentence(n.kind, n.params, n.message)


def hr_names(w) -> list[str]:
    users = CompanyRole.objects.filter(company_id=w.a["staff02"].company_id, role="hr")
    return sorted(r.user.employee.name for r in users.select_related("user__employee"))


@pytest.fixture
def result(workshop, set_clock):
    """staff02's October published on Tue 10 November (82, b); the window is open."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert (a.state, a.total) == ("published", Decimal("82.00"))
    set_clock(at(2026, 11, 11, 9))
    return workshop, a


def file_it(w, a):
    return appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude", "grade"], reason=REASON
    )


def to_decision(w, appeal):
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="有据")
    appeals.appeal_investigate(actor=w.u["hr"], appeal_id=appeal.pk, findings="查实")


def test_filing_sends_the_appellant_a_receipt_in_the_list_and_by_mail(result):
    """Filing tells the appellant at once, in Chinese and in English and in the
    e-mail: the appeal was received, the items contested, who holds the first step by
    name and the due moment (day and time) by which they must answer."""
    w, a = result
    w.u["staff02"].email = "staff02@example.com"
    w.u["staff02"].save()
    appeal = file_it(w, a)
    n = Notification.objects.get(user=w.u["staff02"], kind="appeal_filed")
    step = appeal.steps.get(seq=0)
    head = w.u["workshop_head"].employee.name
    zh = said(n, "zh-hans")
    assert zh.startswith(f"您 {a.cycle.period} 的申诉已收到") and "考核等级" in zh
    assert head in zh and re.search(rf"{step.due_date.isoformat()} \d\d:\d\d", zh), zh
    en = said(n, "en")
    assert "was received" in en and "contested: attitude, the grade" in en and head in en
    assert "must answer by" in en
    assert Delivery.objects.filter(notification=n, channel="email").exists()
    subject, body = compose(n, "en")
    assert "was received" in subject and "was received" in body and head in body
    assert "申诉已收到" in compose(n, "zh-hans")[1]


def test_the_closing_notice_says_upheld_and_what_changed(result):
    """An upheld appeal's closing notice says it was upheld and gives the total and
    grade before and after the correction, with the reason; the e-mail says the same
    in the recipient's language."""
    w, a = result
    appeal = file_it(w, a)
    to_decision(w, appeal)
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="表扬信属实",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "客户表扬"}],
    )
    n = Notification.objects.get(user=w.u["staff02"], kind="appeal_closed")
    zh = said(n, "zh-hans")
    assert "申诉成立" in zh and "82.00" in zh and "85.00" in zh and "表扬信属实" in zh, zh
    en = compose(n, "en")[1]
    assert "was upheld" in en and "82.00" in en and "became 85.00" in en, en
    assert "申诉成立" in compose(n, "zh-hans")[1]


def test_the_closing_notice_says_rejected_and_that_the_result_stands(result):
    """A rejected appeal's notice says rejected, and that the result stays as it was;
    a page reader in English reads it in English."""
    w, a = result
    appeal = file_it(w, a)
    to_decision(w, appeal)
    appeals.appeal_decide(actor=w.u["hr"], appeal_id=appeal.pk, upheld=False, reason="证据不足")
    n = Notification.objects.get(user=w.u["staff02"], kind="appeal_closed")
    zh = said(n, "zh-hans")
    assert "被驳回" in zh and "维持 82.00" in zh and "证据不足" in zh, zh
    assert "was rejected: the result stays 82.00" in said(n, "en")
    page = client_for(w.u["staff02"], "en").get("/notifications/").content.decode()
    assert "was rejected" in page


def test_an_appeal_closed_at_intake_tells_no_one_of_a_step_it_never_reaches(result):
    """HR not accepting the appeal closes it: the appellant is told it was not accepted,
    and nobody is told that the investigation is theirs or that the appeal moved on."""
    w, a = result
    appeal = file_it(w, a)
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=False, reason="超出范围")
    n = Notification.objects.get(user=w.u["staff02"], kind="appeal_closed")
    assert "人事未受理" in said(n, "zh-hans")
    assert not Notification.objects.filter(key__startswith=f"appeal:{appeal.pk}:2").exists()
    moved = Notification.objects.filter(user=w.u["staff02"], kind="appeal_moved")
    assert [m.params["step"] for m in moved] == ["hr_intake"]


def test_appeal_holders_are_named_as_people_everywhere(result):
    """Once the appeal is with HR, the appeal page, HR's inbox, the employee's home page
    and the "moved on" notice name the HR people, not the bare role; the done
    mediation names the head who answered it."""
    w, a = result
    appeal = file_it(w, a)
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    names = hr_names(w)
    assert names
    me = client_for(w.u["staff02"])
    table = between(
        me.get(f"/appraisals/{a.pk}/").content.decode(), 'id="appeal-steps"', "</table>"
    )
    cells = re.findall(r'class="appeal-holder">([^<]*)</td>', table)
    assert cells[0] == w.u["workshop_head"].employee.name
    assert all(n in cells[1] for n in names) and "人事" in cells[1], cells
    assert cells[1] != "人事"
    home = between(me.get("/").content.decode(), 'id="home-appeal-1"', "</p>")
    assert names[0] in home and "人事受理" in home, home
    moved = Notification.objects.get(user=w.u["staff02"], kind="appeal_moved")
    assert names[0] in said(moved, "zh-hans") and names[0] in said(moved, "en")
    inbox = client_for(w.u["hr"]).get("/inbox/").content.decode()
    row = between(inbox, 'id="appeal-inbox"', "</table>")
    assert names[0] in between(row, 'class="appeal-holder">', "</td>")


def test_the_home_page_counts_appeal_steps_as_the_inbox_lists_them(result):
    """HR's home page counts the appeal step they hold among their tasks, the same
    number as the header badge and the inbox."""
    w, a = result
    appeal = file_it(w, a)
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    hr = w.u["hr"]
    expected = split_waiting(inbox_steps(hr))[0].count() + 1
    html = client_for(hr, "en").get("/").content.decode()
    home = between(html, 'id="home-tasks"', "</p>")
    assert re.search(rf"\b{expected} steps? waits?", home), home


def test_a_second_appeal_is_refused_on_the_form_itself(result):
    """Once the result has its appeal, the form's address (GET) and a first post from
    an older page say at once that an appeal was filed, link to it, and offer no form
    nor a confirmation page."""
    w, a = result
    file_it(w, a)
    me = client_for(w.u["staff02"])
    page = me.get(f"/appraisals/{a.pk}/appeal/")
    html = page.content.decode()
    assert page.status_code == 200
    note = between(html, 'id="appeal-already"', "</p>")
    assert "已" in note and 'href="#appeal"' in note
    assert 'id="appeal-form"' not in html
    r = me.post(f"/appraisals/{a.pk}/appeal/", {"items": ["attitude"], "reason": "再次申诉"})
    html = r.content.decode()
    assert r.status_code == 409 and 'id="appeal-already"' in html
    assert 'id="appeal-confirm"' not in html and 'id="appeal-form"' not in html
    assert Appeal.objects.filter(appraisal=a).count() == 1
    # before any appeal the same address offers the form
    other = w.a["staff03"]
    assert 'id="appeal-already"' not in me.get(f"/appraisals/{other.pk}/appeal/").content.decode()


def test_the_reason_keeps_its_line_breaks_escaped(result):
    """The reason's line breaks are kept (and its markup escaped) on the confirmation,
    on the appeal page for the appellant and for HR, and in the audit trail."""
    w, a = result
    me = client_for(w.u["staff02"])
    asked = me.post(f"/appraisals/{a.pk}/appeal/", {"items": ["attitude"], "reason": REASON})
    kept = "客户表扬信未被计入。<br>第二段：&lt;b&gt;请复核&lt;/b&gt;"
    assert kept in between(asked.content.decode(), 'id="confirm-reason"', "</dd>")
    file_it(w, a)
    for user in (w.u["staff02"], w.u["hr"]):
        html = client_for(user).get(f"/appraisals/{a.pk}/").content.decode()
        assert kept in between(html, 'id="appeal-reason"', "</dd>")
    trail = client_for(w.u["hr"]).get("/audit/").content.decode()
    assert kept in trail
