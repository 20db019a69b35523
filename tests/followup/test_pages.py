"""The pages after the result, in both languages: the employee signs on their page
(linked from the result), the supervisor schedules and records from the inbox, the
employee confirms, HR's board files it as held; the auditor's trail names a declined
and a repeated acknowledgement in words."""

import datetime as dt
import re

from django.test import Client

from engine.followup.models import FollowUp
from tests.followup.conftest import PASSWORD
from tests.month import at


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def hidden_hash(page: str) -> str:
    return re.search(r'name="version_hash" value="([0-9a-f]{64})"', page)[1]


def test_the_journey_through_the_pages(published, set_clock):
    """Result page → after page → signed with the password (a wrong one is said at its
    field, 400) → the supervisor finds it in the inbox, schedules and records → the
    employee confirms → HR's board shows it held on time; English reads the same."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    emp = client_for(w.u["staff02"])
    result = emp.get(f"/appraisals/{a.pk}/").content.decode()
    assert f"/appraisals/{a.pk}/after/" in result
    page = emp.get(f"/appraisals/{a.pk}/after/").content.decode()
    assert "结果确认" in page or "确认" in page
    h = hidden_hash(page)
    url = f"/appraisals/{a.pk}/after/sign/"
    r = emp.post(url, {"decision": "acknowledged", "password": "nope", "version_hash": h})
    assert r.status_code == 400 and 'data-field="password"' in r.content.decode()
    r = emp.post(url, {"decision": "declined", "password": PASSWORD, "version_hash": h})
    assert r.status_code == 400 and 'data-field="reason"' in r.content.decode()
    r = emp.post(url, {"decision": "acknowledged", "password": PASSWORD, "version_hash": h})
    assert r.status_code == 302
    page = emp.get(f"/appraisals/{a.pk}/after/").content.decode()
    assert 'data-status="signed"' in page and 'id="sign-form"' not in page
    # the supervisor's inbox lists the interview; the employee may not record it
    boss = client_for(w.u["workshop_head"])
    assert f"/appraisals/{a.pk}/after/" in boss.get("/inbox/").content.decode()
    r = emp.post(
        f"/appraisals/{a.pk}/after/record/", {"strengths": "x", "gaps": "y", "actions": "z"}
    )
    assert r.status_code == 403
    r = boss.post(
        f"/appraisals/{a.pk}/after/schedule/", {"when": "2026-11-12T15:00", "place": "车间办公室"}
    )
    assert r.status_code == 302
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    assert f.scheduled_for.isoformat() == "2026-11-12T07:00:00+00:00"  # 15:00 in Shanghai
    # not recorded before it is held: refused in words, then recorded after the talk
    r = boss.post(
        f"/appraisals/{a.pk}/after/record/",
        {"strengths": "准时交付", "gaps": "记录不全", "actions": "每周自查"},
    )
    assert r.status_code == 409 and "记录" in r.content.decode()
    set_clock(at(2026, 11, 12, 16))
    r = boss.post(
        f"/appraisals/{a.pk}/after/record/",
        {"strengths": "准时交付", "gaps": "记录不全", "actions": "每周自查"},
    )
    assert r.status_code == 302
    assert f"/appraisals/{a.pk}/after/" in emp.get("/inbox/").content.decode()
    r = emp.post(f"/appraisals/{a.pk}/after/respond/", {"response": "confirmed"})
    assert r.status_code == 302
    hr = client_for(w.u["hr"])
    board = hr.get("/hr/followup/?company=litong").content.decode()
    assert f'data-appraisal="{a.pk}" data-interview="held" data-ack="signed"' in board
    assert "按时面谈" in board or "按时" in board
    en = client_for(w.u["hr"], "en").get("/hr/followup/?company=litong").content.decode()
    assert "Held on time" in en and "After the result" in en
    # nobody else's page: another employee is refused
    other = client_for(w.u["staff03"])
    assert other.get(f"/appraisals/{a.pk}/after/").status_code in (403, 404)


def test_the_auditor_reads_a_decline_and_the_second_signature(published, set_clock):
    """A declined acknowledgement of v1, then the signature of v2 after a correction:
    the auditor's trail of the appraisal names both in words, with no raw code."""
    from engine.appraisals.services import appraisal_event_record
    from engine.followup import services
    from tests.followup.test_acknowledgement import ack_of, current_hash

    w, a = published
    set_clock(at(2026, 11, 11))
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="declined",
        version_hash_seen=current_hash(a),
        reason="分数与事实不符",
    )
    appraisal_event_record(actor=w.u["hr"], appraisal=a, event="commendation", reason="客户表扬")
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=current_hash(a),
    )
    page = client_for(w.u["auditor"]).get(f"/audit/?appraisal={a.pk}").content.decode()
    assert "已拒绝确认并签字" in page and "已确认结果并签字" in page
    en = client_for(w.u["auditor"], "en").get(f"/audit/?appraisal={a.pk}").content.decode()
    assert "Acknowledgement declined and signed" in en
    assert "Result acknowledged and signed" in en
    assert "分数与事实不符" in en


def test_the_api_reads_the_signature_and_the_interview(published, set_clock):
    """GET /api/v1/appraisals/{id}/followup/: the signed version's hash for its readers;
    another employee is refused."""
    from engine.followup import services
    from tests.followup.test_acknowledgement import ack_of, current_hash

    w, a = published
    set_clock(at(2026, 11, 11))
    h = current_hash(a)
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=h,
    )
    body = client_for(w.u["hr"]).get(f"/api/v1/appraisals/{a.pk}/followup/").json()
    ack = next(s for s in body["steps"] if s["kind"] == "acknowledge")
    assert (ack["state"], ack["version_hash"], ack["decision"]) == ("done", h, "acknowledged")
    assert body["plan_goals"] is None
    r = client_for(w.u["staff03"]).get(f"/api/v1/appraisals/{a.pk}/followup/")
    assert r.status_code in (403, 404)


def test_the_appeal_reminder_is_the_employees_while_the_window_is_open(published, set_clock):
    """ "Signing waives nothing, you may still appeal" is said to the employee while the
    window is open, not to the supervisor, and no longer once it has closed."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    emp, boss = client_for(w.u["staff02"]), client_for(w.u["workshop_head"])
    assert 'id="appeal-note"' in emp.get(f"/appraisals/{a.pk}/after/").content.decode()
    assert 'id="appeal-note"' not in boss.get(f"/appraisals/{a.pk}/after/").content.decode()
    a.refresh_from_db()
    set_clock(a.appeal_until + dt.timedelta(minutes=1))
    assert 'id="appeal-note"' not in emp.get(f"/appraisals/{a.pk}/after/").content.decode()


def test_the_board_counts_a_decline_as_a_signed_answer(published, set_clock):
    """staff02 declines with a reason: HR's board counts one signed answer, of which
    one declined and none acknowledged; the person's row says 已拒绝并签字; no label
    of the board's forms ends in a half-width colon."""
    from engine.followup import services
    from tests.followup.test_acknowledgement import ack_of, current_hash

    w, a = published
    set_clock(at(2026, 11, 11))
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="declined",
        version_hash_seen=current_hash(a),
        reason="分数与事实不符",
    )
    board = client_for(w.u["hr"]).get("/hr/followup/?company=litong").content.decode()
    dept = board.split('id="followup-departments"', 1)[1].split("</tbody>", 1)[0]
    assert 'data-count="signed-answers">1<' in dept
    assert 'data-count="acknowledged">0<' in dept and 'data-count="declined">1<' in dept
    assert f'data-appraisal="{a.pk}"' in board and 'data-ack="declined"' in board
    assert "已拒绝并签字" in board and "已签字（合计）" in board
    assert ":</label>" not in board
    page = client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/after/").content.decode()
    assert ":</label>" not in page and "：" in page
