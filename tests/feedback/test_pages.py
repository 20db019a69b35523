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
    three = [cs.u[p].pk for p in PEERS[:3]]  # the pack asks at least three peers
    r = sup.post(url, {"indicator": "collaboration", "group_peer": three})
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


def test_a_group_below_its_minimum_is_refused_naming_the_group(cs):
    """Two peers when the pack asks at least three: 400 at `group_peer` saying
    「同事：请至少提名 3 位评价人」, no round; three peers and no partner are accepted
    (an empty group is left out)."""
    from engine.feedback.models import FeedbackRound

    a = cs.a["support06"]
    hr = client_for(cs.u["hr"])
    url = f"/appraisals/{a.pk}/feedback/"
    two = hr.post(
        url, {"indicator": "collaboration", "group_peer": [cs.u[p].pk for p in PEERS[:2]]}
    )
    page = two.content.decode()
    assert two.status_code == 400 and 'data-field="group_peer"' in page
    assert "请至少提名 3 位评价人" in page and "同事" in page
    assert not FeedbackRound.objects.filter(appraisal=a).exists()
    ok = hr.post(url, {"indicator": "collaboration", "group_peer": [cs.u[p].pk for p in PEERS[:3]]})
    assert ok.status_code == 302 and RaterTask.objects.filter(appraisal=a).count() == 3


def test_the_rating_page_speaks_the_apps_words(cs):
    """The inbox link reads 「评价」; labels end in the full-width colon; a long comment,
    a score with too many digits or decimals are refused in the app's words, not
    Django's."""
    from engine.feedback.services import COMMENT_LIMIT

    a = cs.a["support06"]
    hr = client_for(cs.u["hr"])
    hr.post(
        f"/appraisals/{a.pk}/feedback/",
        {"indicator": "collaboration", "group_peer": [cs.u[p].pk for p in PEERS]},
    )
    nomination = hr.get(f"/appraisals/{a.pk}/feedback/")
    assert nomination.status_code == 200
    peer = client_for(cs.u["support07"])
    task = RaterTask.objects.get(appraisal=a, assignee=cs.u["support07"])
    inbox = peer.get("/inbox/").content.decode()
    assert f'/feedback/{task.pk}/">评价</a>' in inbox
    page = peer.get(f"/feedback/{task.pk}/").content.decode()
    assert "您的评分（1至5，可保留两位小数）：" in page and "评语（选填）：" in page
    assert "):" not in page and "）:" not in page
    long = peer.post(f"/feedback/{task.pk}/", {"score": "4", "comment": "好" * (COMMENT_LIMIT + 1)})
    assert (
        f"最多 {COMMENT_LIMIT} 个字，现有 {COMMENT_LIMIT + 1} 个字，请删减一些。"
        in long.content.decode()
    )
    digits = peer.post(f"/feedback/{task.pk}/", {"score": "12345678"}).content.decode()
    assert "请给出1至5之间的评分。" in digits and "数字" not in digits
    places = peer.post(f"/feedback/{task.pk}/", {"score": "3.555"}).content.decode()
    assert "最多保留两位小数" in places


def test_hr_adds_raters_to_an_open_round(cs):
    """Three peers asked; HR adds two more on the page: they get their tasks (due with
    the round) and a notification, the addition is on the trail, and someone asked
    already cannot be added again (400 at the group)."""
    from engine.audit.models import AuditEvent
    from engine.feedback.models import FeedbackRound
    from engine.notifications.models import Notification

    a = cs.a["support06"]
    hr = client_for(cs.u["hr"])
    url = f"/appraisals/{a.pk}/feedback/"
    r = hr.post(url, {"indicator": "collaboration", "group_peer": [cs.u[p].pk for p in PEERS[:3]]})
    assert r.status_code == 302 and 'id="add-form"' in hr.get(url).content.decode()
    again = hr.post(
        url, {"indicator": "collaboration", "action": "add", "group_peer": [cs.u[PEERS[0]].pk]}
    )
    assert again.status_code == 400 and 'data-field="group_peer"' in again.content.decode()
    added = hr.post(
        url,
        {
            "indicator": "collaboration",
            "action": "add",
            "group_peer": [cs.u[p].pk for p in PEERS[3:]],
        },
    )
    assert added.status_code == 302
    round_ = FeedbackRound.objects.get(appraisal=a)
    tasks = RaterTask.objects.filter(round=round_).order_by("seq")
    assert [t.seq for t in tasks] == [1, 2, 3, 4, 5]
    assert {t.due_date for t in tasks} == {round_.due_date} and len(round_.nominees) == 5
    assert Notification.objects.filter(user=cs.u[PEERS[4]], kind="feedback_open").exists()
    assert AuditEvent.objects.filter(object_id=str(a.pk), action="feedback_add_raters").exists()
    assert f"/feedback/{tasks[4].pk}/" in client_for(cs.u[PEERS[4]]).get("/inbox/").content.decode()
