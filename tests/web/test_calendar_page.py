"""Issue 23: HR's working-day calendar. October 2026 shows the National Day holidays
by name and the make-up Saturday (10 October) as a working day; HR adds a working
Sunday and a day off on a Wednesday, due dates then count them, and removes one; a
day the country already gives that way is refused at its field with nothing stored;
only the company's HR opens the page or posts."""

import datetime as dt

import pytest
from django.test import Client

from engine.audit.models import AuditEvent
from engine.org.models import CalendarOverride
from engine.org.selectors import calendar_for

pytestmark = pytest.mark.django_db
URL = "/hr/calendar/?company=litong&month=2026-10"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def cell(body: str, day: str) -> str:
    return body.split(f'data-date="{day}"', 1)[1].split("</td>", 1)[0]


def test_october_shows_national_day_and_the_make_up_saturday(litong):
    """National Day is a day off, the 调休 Saturday a working day, both named in the list, in Chinese and English."""
    r = client_for(litong.u["hr"]).get(URL)
    body = r.content.decode()
    assert r.status_code == 200 and "工作日历" in body
    assert 'data-working="0"' in cell(body, "2026-10-01")  # National Day
    assert 'data-working="1"' in cell(body, "2026-10-10")  # 调休 Saturday
    assert 'data-working="0"' in cell(body, "2026-10-11")  # an ordinary Sunday
    notable = body.split('id="notable"', 1)[1].split("</ul>", 1)[0]
    assert "国庆节" in notable and "调休上班" in notable
    assert 'href="/hr/calendar/?company=litong"' in body  # in HR's menu
    en = client_for(litong.u["hr"], "en").get(URL).content.decode()
    assert "National Day" in en.split('id="notable"', 1)[1]


def test_hr_adds_a_working_sunday_and_a_day_off_then_removes_one(litong):
    """Both kinds of company day change the calendar that due dates count; removal is audited and gives the day back to the country calendar."""
    c = client_for(litong.u["hr"])
    co = litong.company
    r = c.post(URL, {"company": "litong", "date": "2026-11-15", "kind": "workday", "note": "盘点"})
    assert r.status_code == 302 and "month=2026-11" in r["Location"]
    r = c.post(URL, {"company": "litong", "date": "2026-11-18", "kind": "holiday", "note": ""})
    assert r.status_code == 302
    cal = calendar_for(co)
    assert cal.is_working_day(dt.date(2026, 11, 15))
    assert not cal.is_working_day(dt.date(2026, 11, 18))
    # a due date two working days after Tuesday 17 November skips Wednesday 18
    assert cal.add_working_days(dt.date(2026, 11, 17), 2) == dt.date(2026, 11, 20)
    page = c.get("/hr/calendar/?company=litong&month=2026-11").content.decode()
    assert "公司安排上班" in page and "盘点" in page and "公司安排休息" in page
    assert 'data-working="1"' in cell(page, "2026-11-15")
    sunday = CalendarOverride.objects.get(company=co, date=dt.date(2026, 11, 15))
    events = AuditEvent.objects.filter(object_type="org.calendaroverride").count()
    r = c.post(f"/hr/calendar/{sunday.pk}/remove/", {"company": "litong"})
    assert r.status_code == 302
    assert not CalendarOverride.objects.filter(pk=sunday.pk).exists()
    assert AuditEvent.objects.filter(object_type="org.calendaroverride").count() == events + 1
    assert not calendar_for(co).is_working_day(dt.date(2026, 11, 15))


@pytest.mark.parametrize(
    "data,field",
    [
        ({"date": "2026-11-16", "kind": "workday"}, "kind"),  # a Monday works already
        ({"date": "2026-11-14", "kind": "holiday"}, "kind"),  # a Saturday is off already
        ({"date": "2026-10-10", "kind": "workday"}, "kind"),  # the make-up Saturday
        ({"date": "16/11/2026", "kind": "holiday"}, "date"),
        ({"date": "2026-11-16", "kind": "maybe"}, "kind"),
        ({"date": "", "kind": "holiday"}, "date"),
    ],
)
def test_a_day_that_changes_nothing_or_bad_input_is_refused_at_its_field(litong, data, field):
    """A day the country already gives that way, a bad date or kind: 400 at the field, nothing stored or audited."""
    c = client_for(litong.u["hr"])
    before = CalendarOverride.objects.count(), AuditEvent.objects.count()
    r = c.post(URL, {"company": "litong", "note": "", **data})
    assert r.status_code == 400
    assert f'data-field="{field}"' in r.content.decode()
    assert (CalendarOverride.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_companys_hr(litong):
    """An employee gets 403; HR cannot remove another company's day (404); a month that is no month falls back to the current one."""
    staff = client_for(litong.u["staff02"])
    assert staff.get(URL).status_code == 403
    assert (
        staff.post(URL, {"company": "litong", "date": "2026-11-15", "kind": "workday"}).status_code
        == 403
    )
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 11, 15)).exists()
    yj = CalendarOverride.objects.create(
        company=litong.u["yj_gm"].employee.company, date=dt.date(2026, 11, 15), kind="workday"
    )
    hr = client_for(litong.u["hr"])
    assert hr.post(f"/hr/calendar/{yj.pk}/remove/", {"company": "litong"}).status_code == 404
    assert CalendarOverride.objects.filter(pk=yj.pk).exists()
    # a month typed by hand that is no month falls back to the current one
    assert hr.get("/hr/calendar/?company=litong&month=2026-13").status_code == 200
