"""The 360° feedback pages: HR nominates on the appraisal's feedback page (linked
from the appraisal), each rater finds the task in the inbox and answers on its page
(bad input is a 400 naming the field), the employee's page shows a group only from
three answers, and a peer cannot open someone else's task or the appraisal."""

from django.test import Client

from engine.feedback.models import RaterTask
from tests.feedback.conftest import PEERS


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_nominate_rate_and_read_through_the_pages(cs):
    """HR's nomination of five peers (one form list per group), a score of 6 refused at
    `score` with 400, three answers, then the employee's page shows the aggregate."""
    a = cs.a["support06"]
    hr = client_for(cs.u["hr"])
    assert f"/appraisals/{a.pk}/feedback/" in hr.get(f"/appraisals/{a.pk}/").content.decode()
    page = hr.get(f"/appraisals/{a.pk}/feedback/").content.decode()
    assert 'name="group_peer"' in page and 'name="group_partner"' in page
    empty = hr.post(f"/appraisals/{a.pk}/feedback/", {"indicator": "collaboration"})
    assert empty.status_code == 400 and 'data-field="nominees"' in empty.content.decode()
    r = hr.post(
        f"/appraisals/{a.pk}/feedback/",
        {"indicator": "collaboration", "group_peer": [cs.u[p].pk for p in PEERS]},
    )
    assert r.status_code == 302
    assert RaterTask.objects.filter(appraisal=a).count() == 5
    peer = client_for(cs.u["support07"])
    inbox = peer.get("/inbox/").content.decode()
    task = RaterTask.objects.get(appraisal=a, assignee=cs.u["support07"])
    assert f"/feedback/{task.pk}/" in inbox
    bad = peer.post(f"/feedback/{task.pk}/", {"score": "6"})
    assert bad.status_code == 400 and 'data-field="score"' in bad.content.decode()
    word = peer.post(f"/feedback/{task.pk}/", {"score": "很好"})
    assert word.status_code == 400 and 'data-field="score"' in word.content.decode()
    assert peer.get(f"/appraisals/{a.pk}/feedback/").status_code in (403, 404)
    other = RaterTask.objects.get(appraisal=a, assignee=cs.u["support08"])
    assert peer.get(f"/feedback/{other.pk}/").status_code == 404
    emp = client_for(cs.u["support06"])
    for i, name in enumerate(("support07", "support08", "support09")):
        t = RaterTask.objects.get(appraisal=a, assignee=cs.u[name])
        assert client_for(cs.u[name]).post(f"/feedback/{t.pk}/", {"score": "4"}).status_code == 302
        mine = emp.get(f"/appraisals/{a.pk}/feedback/").content.decode()
        if i < 2:
            assert 'id="no-aggregate"' in mine and "not-enough" in mine
        else:  # the peers' mean, and the overall value only once the round closes
            assert ">4.00<" in mine and 'id="aggregate-value"' not in mine
            assert "待本轮结束后显示总体结果" in mine and "暂无可显示" not in mine
            assert "50%" in mine and "100%" not in mine  # declared weights, not shares
    again = peer.post(f"/feedback/{task.pk}/", {"score": "5"})
    assert again.status_code in (200, 409)
    assert RaterTask.objects.get(pk=task.pk).score == 4


def test_the_supervisors_nomination_waits_for_hrs_approval_on_the_page(cs, monkeypatch):
    """With a pack asking HR to approve: the supervisor's nomination shows "waits for
    HR's approval" and no approve button; HR's page has the button, and approving
    opens the raters' tasks."""
    import dataclasses

    from engine.feedback import services

    rule = dataclasses.replace(
        services.rule_for(cs.a["support06"], "collaboration"), hr_approves=True
    )
    monkeypatch.setattr(services, "rule_for", lambda a, code: rule)
    a = cs.a["support06"]
    url = f"/appraisals/{a.pk}/feedback/"
    sup = client_for(cs.u["cs_head"])
    r = sup.post(url, {"indicator": "collaboration", "group_peer": [cs.u["support07"].pk]})
    assert r.status_code == 302
    page = sup.get(url).content.decode()
    assert 'id="waiting-approval"' in page and 'id="approve-button"' not in page
    assert not RaterTask.objects.filter(appraisal=a).exists()
    hr = client_for(cs.u["hr"])
    assert 'id="approve-button"' in hr.get(url).content.decode()
    r = hr.post(url, {"indicator": "collaboration", "action": "approve"})
    assert r.status_code == 302
    assert RaterTask.objects.filter(appraisal=a, assignee=cs.u["support07"]).exists()
    assert sup.post(url, {"indicator": "nope"}).status_code == 400
