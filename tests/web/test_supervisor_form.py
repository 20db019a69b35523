"""The supervisor's review form as the demo month's walker met it: a returned review
opens with what the supervisor typed before, the sales behaviour sheet is all or none,
system metrics are shown read-only (never asked of the supervisor), and the step page's
score preview agrees with My team."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal
from tests.month import STAFF_VALUES, at, open_customer_service, step, submit

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
