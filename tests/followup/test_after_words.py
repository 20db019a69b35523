"""What the after-result page says when a form is refused: the rule that was broken
and its limit, in the app's own words (not Django's or a generic rule's)."""

import html

from engine import clock
from engine.followup.models import ImprovementPlan
from tests.followup.test_pages import client_for
from tests.month import at


def make_plan(w, a) -> ImprovementPlan:
    """An improvement plan on staff02's result, owned by the workshop head."""
    return ImprovementPlan.objects.create(
        appraisal=a, company_id=a.company_id, owner=w.u["workshop_head"], opened_at=clock.now()
    )


def _text(r) -> str:
    return html.unescape(r.content.decode())


def test_schedule_in_the_past_or_too_far_says_the_rule_and_the_limit(published, set_clock):
    """A past time says it cannot be before now (naming 面谈时间), not 「不能为负数」; a
    time a year ahead names the latest day allowed, not 「超出允许的上限」."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    boss = client_for(w.u["workshop_head"])
    url = f"/appraisals/{a.pk}/after/schedule/"
    r = boss.post(url, {"when": "2026-11-10T09:00", "place": "车间办公室"})
    page = _text(r)
    assert r.status_code == 400
    assert "面谈时间不能早于现在" in page and "不能为负数" not in page
    r = boss.post(url, {"when": "2027-11-12T09:00", "place": "车间办公室"})
    page = _text(r)
    assert r.status_code == 400 and "超出允许的上限" not in page
    # Nov 11 2026 10:00 + 92 days = Feb 11 2027
    assert "2027-02-11" in page and "三个月" in page


def test_too_long_texts_and_a_tampered_goal_say_it_in_the_apps_words(published, set_clock):
    """A 300-character place says 「最多 200 个字，现有 300 个字」 (as the step forms), not
    Django's 「确保该变量…」; a tampered goal_id names no raw field ("Goal id")."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    boss = client_for(w.u["workshop_head"])
    r = boss.post(
        f"/appraisals/{a.pk}/after/schedule/", {"when": "2026-11-12T15:00", "place": "地" * 300}
    )
    page = _text(r)
    assert r.status_code == 400
    assert "最多 200 个字，现有 300 个字" in page and "确保该变量" not in page
    make_plan(w, a)
    r = boss.post(f"/appraisals/{a.pk}/after/check_in/", {"goal_id": "abc", "note": "x"})
    page = _text(r)
    assert r.status_code == 400 and "Goal id" not in page and "请填写整数" not in page
    assert "请从计划的目标中选择一项" in page
    r = boss.post(
        f"/appraisals/{a.pk}/after/goal/", {"goal": "目" * 2100, "due_date": "2026-12-01"}
    )
    assert "最多 2000 个字，现有 2100 个字" in _text(r)


def test_the_employee_reads_overdue_not_yet_answered_and_no_raw_hash(published, set_clock):
    """Past its due day the acknowledgement says it is overdue (not 「请…于 … 前」); the
    interview's answer reads 「尚未答复」; the employee sees no raw fingerprint."""
    w, a = published
    set_clock(at(2026, 11, 30, 10))
    emp = client_for(w.u["staff02"])
    page = _text(emp.get(f"/appraisals/{a.pk}/after/"))
    assert "现已逾期" in page and "前确认或拒绝" not in page
    assert "指纹" not in page
    from engine.followup import services
    from engine.followup.models import FollowUp
    from tests.followup.test_acknowledgement import current_hash

    f = FollowUp.objects.get(appraisal=a, kind="acknowledge")
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=f.pk,
        password="sign-it-2026",
        decision="acknowledged",
        version_hash_seen=current_hash(a),
    )
    i = FollowUp.objects.get(appraisal=a, kind="interview")
    services.interview_record(
        actor=w.u["workshop_head"], followup_id=i.pk, strengths="a", gaps="b", actions="c"
    )
    page = _text(emp.get(f"/appraisals/{a.pk}/after/"))
    assert "尚未答复" in page and "指纹" not in page and f.pk
    hr = _text(client_for(w.u["hr"]).get(f"/appraisals/{a.pk}/after/"))
    assert "指纹" in hr  # the readers who check it still see it, labelled
