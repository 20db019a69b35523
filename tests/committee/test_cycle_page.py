"""HR's page of a cycle's committee reviews: the manager's appraisal is listed with its
report and committee state; one form forms the same committee for everyone without
one, skipping a person who is a member (said by name); bad input answers 400 at the
field; only HR may open it."""

from engine.committee.models import Committee
from tests.committee.conftest import CHAIR, MEMBERS
from tests.committee.test_pages import client_for
from tests.web.visible import raw_codes


def test_hr_forms_the_committees_of_a_cycle(half):
    """One manager without a committee: formed from the cycle's page, then listed as
    open with 0 of 3 scored; the link on the board leads there."""
    h = half
    url = f"/hr/cycles/{h.cycle.pk}/committees/"
    hr = client_for(h.u["hr"])
    assert url in hr.get(f"/hr/cycles/{h.cycle.pk}/").content.decode()
    page = hr.get(url).content.decode()
    assert "周经理" in page and "未组成" in page and raw_codes(page) == []
    r = hr.post(url, {"members": [h.u[m].pk for m in MEMBERS]})
    assert r.status_code == 400 and 'data-field="chair"' in r.content.decode()
    r = hr.post(url, {"members": [h.u[m].pk for m in MEMBERS[:2]], "chair": h.u[CHAIR].pk})
    assert r.status_code == 400 and 'data-field="members"' in r.content.decode()
    r = hr.post(url, {"members": [h.u[m].pk for m in MEMBERS], "chair": h.u[CHAIR].pk})
    assert r.status_code == 302
    assert Committee.objects.get(appraisal=h.a).chair == h.u[CHAIR]
    page = hr.get(url).content.decode()
    assert "已评分 0 人，至少需要 3 人" in page and 'id="cycle-committee-form"' not in page
    assert raw_codes(page) == []
    assert client_for(h.u["gm"]).get(url).status_code == 403


def test_a_member_who_is_appraised_is_skipped_by_name(half):
    """The manager among the members: nothing formed, the page says whose to form apart."""
    h = half
    url = f"/hr/cycles/{h.cycle.pk}/committees/"
    hr = client_for(h.u["hr"])
    members = [h.u[m].pk for m in MEMBERS] + [h.u["mgr01"].pk]
    r = hr.post(url, {"members": members, "chair": h.u[CHAIR].pk}, follow=True)
    body = r.content.decode()
    assert "已组成考核领导小组：0 个" in body and "周经理" in body and "单独组成" in body
    assert not Committee.objects.filter(appraisal=h.a).exists()
