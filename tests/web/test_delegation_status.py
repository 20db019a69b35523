"""The delegation list says where each delegation stands, and taking one back is a
confirmed act with the right words: a running one is ended, one not begun is cancelled
(it never ran, so it does not read "ended early"); the deputy is told either way."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from engine.notifications.models import Notification
from engine.notifications.wording import sentence_in
from engine.org import services as org
from engine.org.models import Delegation
from tests.month import at

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def delegate(w, starts, ends):
    return org.delegation_create(
        actor=w.u["workshop_head"],
        company=w.company,
        from_user=w.u["workshop_head"],
        to_user=w.u["cs_head"],
        starts_on=dt.date(*starts),
        ends_on=dt.date(*ends),
        reason="出差",
    )


def test_a_future_delegation_is_cancelled_after_a_confirmation_and_the_deputy_told(
    workshop, set_clock
):
    """A delegation starting next week shows 未开始 and a 取消 button (not 立即结束); the
    first press asks, naming the deputy and the period, and changes nothing; the
    confirmed press cancels it: the list reads 已取消 (not 已提前结束) and the deputy
    gets a notice that it was cancelled."""
    set_clock(at(2026, 11, 2))
    d = delegate(workshop, (2026, 11, 9), (2026, 11, 13))
    deputy = workshop.u["cs_head"].employee.name
    c = client_for(workshop.u["workshop_head"])
    page = c.get("/delegate/").content.decode()
    assert "未开始" in page and ">取消</button>" in page and "立即结束" not in page
    asked = c.post("/delegate/", {"revoke": d.pk}).content.decode()
    assert f"取消委托给 {deputy} 的代理" in asked and "2026-11-09 – 2026-11-13" in asked
    d.refresh_from_db()
    assert d.revoked_at is None
    r = c.post("/delegate/", {"revoke": d.pk, "confirm": "1"}, follow=True)
    page = r.content.decode()
    d.refresh_from_db()
    assert d.revoked_at is not None
    assert "已取消" in page and "已提前结束" not in page and f"已取消委托给 {deputy}" in page
    told = Notification.objects.get(user=workshop.u["cs_head"], kind="delegation_cancelled")
    said = sentence_in("zh-hans", told.kind, told.params)
    assert "取消" in said and "2026-11-09" in said


def test_a_running_delegation_is_ended_after_a_confirmation_and_the_deputy_told(
    workshop, set_clock
):
    """A running delegation shows 进行中 and 立即结束; ending it is confirmed first, then
    it reads 已结束 with the day it ended, and the deputy is told it ended early."""
    set_clock(at(2026, 11, 2))
    d = delegate(workshop, (2026, 11, 1), (2026, 11, 13))
    c = client_for(workshop.u["workshop_head"])
    page = c.get("/delegate/").content.decode()
    assert "进行中" in page and "立即结束" in page
    asked = c.post("/delegate/", {"revoke": d.pk}).content.decode()
    assert "立即结束委托给" in asked
    assert Delegation.objects.get(pk=d.pk).revoked_at is None
    page = c.post("/delegate/", {"revoke": d.pk, "confirm": "1"}, follow=True).content.decode()
    assert "已提前结束" in page and "于 2026-11-02" in page
    assert Notification.objects.filter(user=workshop.u["cs_head"], kind="delegation_ended")


def test_the_english_search_placeholder_fits_the_box(workshop, set_clock):
    """The deputy search's placeholder is short enough to show whole in the box (the
    old one was cut off mid-sentence at 1280 px)."""
    set_clock(at(2026, 11, 2))
    page = client_for(workshop.u["workshop_head"], "en").get("/delegate/").content.decode()
    placeholder = page.split('id="deputy-search"')[1].split('placeholder="')[1].split('"')[0]
    assert len(placeholder) <= 32


def test_a_delegation_ended_by_hand_reads_ended_early_once(workshop, set_clock):
    """The status of a delegation ended by hand says it once: "Ended early on …", never
    "Ended ended early on …"."""
    set_clock(at(2026, 11, 2))
    d = delegate(workshop, (2026, 11, 1), (2026, 11, 13))
    org.delegation_revoke(actor=workshop.u["workshop_head"], delegation=d)
    page = client_for(workshop.u["workshop_head"], "en").get("/delegate/").content.decode()
    row = page.split('data-status="ended"')[1].split("</tr>")[0]
    assert "Ended early" in row and "on 2026-11-02" in row
    assert "ended early" not in row.lower().replace("ended early", "", 1)


def test_a_refused_delegation_says_what_to_fix_at_the_top(workshop, set_clock):
    """A delegation form sent without a deputy nor dates comes back with the page's error
    summary (the role=alert card at the top, each line a link to its field)."""
    set_clock(at(2026, 11, 2))
    c = client_for(workshop.u["workshop_head"], "en")
    r = c.post("/delegate/", {"reason": "trip"})
    page = r.content.decode()
    assert r.status_code == 400
    top = page.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_deputy"' in top and 'href="#id_starts_on"' in top
    assert page.index('id="error-summary"') < page.index('id="delegate-form"')


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "This field is required."), ("zh-hans", "此项必填。")]
)
def test_a_missing_field_reads_the_same_as_a_missing_reason(workshop, set_clock, lang, words):
    """One wording for a field left empty: a form's own check (the deputy) and the
    service's (the reason) say the same words."""
    from workflows.common.labels import RULES

    set_clock(at(2026, 11, 2))
    c = client_for(workshop.u["workshop_head"], lang)
    page = c.post("/delegate/", {"starts_on": "2026-11-09", "ends_on": "2026-11-10"})
    deputy = page.content.decode().split('data-field="deputy"')[1].split("</p>")[0]
    assert words in deputy
    with translation.override(lang):
        assert str(RULES["required"]) == words


def test_the_delegation_page_reads_the_company_line_once(
    workshop, set_clock, django_assert_max_num_queries
):
    """The deputy list asks the separation-of-duties rules of every colleague: over the
    company's line read once, so its queries do not grow with the company (each
    colleague had cost three queries, ~130 for the demo company). The list still leaves
    out the head's own reports and the HR, GM and board holders, and offers a peer."""
    from engine.org.models import Employee

    set_clock(at(2026, 11, 2, 9))
    c = client_for(workshop.u["workshop_head"], "en")
    c.get("/delegate/")  # warms what a server process keeps
    people = Employee.objects.filter(company=workshop.company).count()
    assert people > 30
    with django_assert_max_num_queries(25):
        page = c.get("/delegate/").content.decode()
    head = Employee.objects.get(user=workshop.u["workshop_head"])
    report = Employee.objects.filter(supervisor=head).first()
    options = page.split('name="deputy"')[1].split("</select>")[0]
    assert report.name not in options
    assert Employee.objects.get(user=workshop.u["cs_head"]).name in options
    assert Employee.objects.get(user=workshop.u["hr"]).name not in options
