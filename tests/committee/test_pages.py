"""The committee review's page in both languages: the manager writes and submits the
self-report, HR forms the committee, a member reads the report and scores it, the chair
closes and the page explains the combination; bad input answers 4xx naming the field."""

from django.test import Client

from engine.committee.models import Committee
from tests.committee.conftest import CHAIR, MEMBERS
from tests.month import at
from tests.web.visible import raw_codes


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_journey_through_the_page(half, set_clock):
    """Report drafted then submitted; HR forms (a committee of two refused, 400 at
    `members`); each member finds the task in the inbox, reads the report and scores (a
    score of 120 refused at `score`); closing at two of three refused (409); the third
    scores and the chair closes: 78, 92.5, 85 → 85.00, explained line by line."""
    h = half
    url = f"/appraisals/{h.a.pk}/committee/"
    emp = client_for(h.u["mgr01"])
    assert url in emp.get(f"/appraisals/{h.a.pk}/").content.decode()
    r = emp.post(url + "report/", {"text": "上半年完成车间改造。"})
    assert r.status_code == 302
    r = emp.post(url + "report/", {"text": "", "submit": "on"})
    assert r.status_code == 400 and 'data-field="text"' in r.content.decode()
    r = emp.post(url + "report/", {"text": "下半年完成车间改造，产量提升。", "submit": "on"})
    assert r.status_code == 302
    page = emp.get(url).content.decode()
    assert "产量提升" in page and 'id="report-form"' not in page
    hr = client_for(h.u["hr"])
    page = hr.get(url).content.decode()
    assert 'id="committee-form"' in page and "考核领导小组" in page
    two = {"members": [h.u[m].pk for m in MEMBERS[:2]], "chair": h.u[CHAIR].pk}
    r = hr.post(url + "form/", two)
    assert r.status_code == 400 and 'data-field="members"' in r.content.decode()
    r = hr.post(url + "form/", {"members": [h.u[m].pk for m in MEMBERS], "chair": "x"})
    assert r.status_code == 400 and 'data-field="chair"' in r.content.decode()
    r = hr.post(url + "form/", {"members": [h.u[m].pk for m in MEMBERS], "chair": h.u[CHAIR].pk})
    assert r.status_code == 302
    set_clock(at(2026, 12, 29, 10))
    for name, score in zip(MEMBERS[:2], ("78", "92.5"), strict=True):
        c = client_for(h.u[name])
        assert url in c.get("/inbox/").content.decode()
        page = c.get(url).content.decode()
        assert "产量提升" in page and 'id="score-form"' in page
        if name == MEMBERS[1]:
            r = c.post(url + "score/", {"score": "120"})
            assert r.status_code == 400 and 'data-field="score"' in r.content.decode()
        assert c.post(url + "score/", {"score": score, "comment": "好"}).status_code == 302
    chair = client_for(h.u[CHAIR])
    r = chair.post(url + "close/")
    assert r.status_code == 409 and 'data-field="quorum"' in r.content.decode()
    assert client_for(h.u[MEMBERS[2]]).post(url + "score/", {"score": "85"}).status_code == 302
    outsider = client_for(h.u["cs_head"])
    assert outsider.get(url).status_code == 404
    assert outsider.post(url + "close/").status_code == 404
    assert client_for(h.u[MEMBERS[1]]).post(url + "close/").status_code == 403
    assert chair.post(url + "close/").status_code == 302
    assert Committee.objects.get(appraisal=h.a).combined == 85
    page = chair.get(url).content.decode()
    # trimming leaves one score: said in words, no "85.00 = 85.00" / "÷ 1" lines
    assert "保留中间的评分：85.00" in page and "÷ 1" not in page and "= 85.00<" not in page
    assert "92.50" in page and "好" in page
    english = client_for(h.u["hr"], "en").get(url).content.decode()
    assert "Dropped: 92.50, 78.00" in english
    assert raw_codes(page) == [] and raw_codes(english) == []
    for name in ("mgr01", MEMBERS[1], "hr"):
        assert raw_codes(client_for(h.u[name]).get(url).content.decode()) == []
    told = chair.get("/notifications/").content.decode()
    assert "可以结束述职报告评议" in told and raw_codes(told) == []
    member = client_for(h.u[MEMBERS[1]]).get("/notifications/").content.decode()
    assert "述职报告评议评分" in member and raw_codes(member) == []
    trail = client_for(h.u["auditor"]).get(f"/audit/?appraisal={h.a.pk}")
    assert trail.status_code == 200 and raw_codes(trail.content.decode()) == []


def test_the_supervisors_form_shows_the_committees_score_read_only(half, set_clock):
    """After the close, the manager's self-review is handed in and the superior (the
    GM) opens the review: the committee's 90.00 stands read-only beside the superior's
    own item, named in words, with no raw code on the page."""
    from engine.appraisals.models import AppraisalStep
    from engine.committee import services
    from engine.committee.models import CommitteeTask
    from tests.month import step, submit

    h = half
    committee = services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="述职", submit=True)
    for t in CommitteeTask.objects.filter(committee=committee, kind="score"):
        services.committee_score(actor=t.assignee, task_id=t.pk, score="90")
    services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    set_clock(at(2027, 1, 4, 9))
    submit(h.a, "self", h.u["mgr01"])
    gm = client_for(h.u["gm"])
    page = gm.get(f"/appraisals/{h.a.pk}/").content.decode()
    assert "述职报告评议" in page and "90" in page and "上级主管考核" in page
    # the appraisal lists each member's score and the combination, line by line
    assert 'id="committee-scores"' in page
    assert "保留中间的评分：90.00" in page and "计入总分：90.00 × 50% = 45.00 分" in page
    assert raw_codes(page) == []
    assert step(h.a, "supervisor").state == AppraisalStep.State.OPEN


def test_the_appraised_manager_reads_the_combined_score_only(half, set_clock):
    """Before the close the manager's page names no member and says nobody's scoring
    time; after it, the committee page and the appraisal's card show the combined
    score 80.00 and what it counts (80.00 × 50% = 40.00), no member's name, score or
    comment; HR still reads each member's score."""
    from engine.committee import services
    from engine.committee.models import CommitteeTask

    h = half
    committee = services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="述职", submit=True)
    tasks = CommitteeTask.objects.filter(committee=committee, kind="score").order_by("pk")
    first = tasks[0]
    services.committee_score(actor=first.assignee, task_id=first.pk, score="70", comment="秘评")
    url = f"/appraisals/{h.a.pk}/committee/"
    emp = client_for(h.u["mgr01"])
    names = [h.u[m].employee.name for m in MEMBERS]
    page = emp.get(url).content.decode()
    assert not any(n in page for n in names) and 'id="members"' not in page
    for t in tasks[1:]:
        services.committee_score(actor=t.assignee, task_id=t.pk, score="80" if t.pk % 2 else "90")
    services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk)
    combined = Committee.objects.get(pk=committee.pk).explanation["score"]
    for page in (emp.get(url).content.decode(), emp.get(f"/appraisals/{h.a.pk}/").content.decode()):
        assert not any(n in page for n in names) and "秘评" not in page
        assert f"评议得分：{combined}" in page and "70.00" not in page
        assert 'id="committee-scores"' not in page
    assert "70.00" in client_for(h.u["hr"]).get(url).content.decode()


def test_long_texts_and_scores_are_refused_in_the_apps_words(half):
    """A self-report over 20000 characters, a comment over 4000 and a score with three
    decimals are refused in the app's words, not Django's."""
    from engine.committee import services

    h = half
    url = f"/appraisals/{h.a.pk}/committee/"
    r = client_for(h.u["mgr01"]).post(url + "report/", {"text": "字" * 20001})
    assert r.status_code == 400
    assert "最多 20000 个字，现有 20001 个字，请删减一些。" in r.content.decode()
    services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    member = client_for(h.u[MEMBERS[1]])
    r = member.post(url + "score/", {"score": "80", "comment": "评" * 4001})
    assert "最多 4000 个字，现有 4001 个字，请删减一些。" in r.content.decode()
    r = member.post(url + "score/", {"score": "80.555"})
    assert "最多保留两位小数" in r.content.decode() and "确认" not in r.content.decode()


def test_the_appraised_manager_is_asked_for_the_self_report(half):
    """Once HR forms the committee, the manager is told (a `committee_report`
    notification) and the inbox lists 「撰写并提交述职报告」, counted in the header's
    tasks; submitting the report takes the row and the count away."""
    from engine.committee import services
    from engine.notifications.models import Notification
    from workflows.common.tasks import task_counts

    h = half
    mgr = h.u["mgr01"]
    before = task_counts(mgr)[0]
    mgr.__dict__.pop("_jx_task_counts", None)
    services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    told = Notification.objects.get(user=mgr, kind="committee_report")
    assert told.appraisal_id == h.a.pk
    assert task_counts(mgr)[0] == before + 1
    mgr.__dict__.pop("_jx_task_counts", None)
    inbox = client_for(mgr).get("/inbox/").content.decode()
    assert "撰写并提交述职报告" in inbox and f"/appraisals/{h.a.pk}/committee/" in inbox
    assert "述职报告" in client_for(mgr).get("/notifications/").content.decode()
    services.report_save(actor=mgr, appraisal_id=h.a.pk, text="述职", submit=True)
    assert task_counts(mgr)[0] == before
    assert "撰写并提交述职报告" not in client_for(mgr).get("/inbox/").content.decode()
    # the members' rows stay as they were
    assert (
        f"/appraisals/{h.a.pk}/committee/" in client_for(h.u[CHAIR]).get("/inbox/").content.decode()
    )
