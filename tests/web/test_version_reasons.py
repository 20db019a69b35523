"""The versions side by side after an appeal corrected an event's count: the count is a
row of its own (2 → 0, with the correction's reason), and each derived row that changed
(the total, the grade) says the rule it follows; an outcome's row says its rule."""

from decimal import Decimal

import pytest
from django.test import Client

from engine.appeals import services as appeals
from engine.appraisals.models import Appraisal
from tests.month import at, run_chain
from workflows.people.version_rows import OUTCOME_RULES

pytestmark = pytest.mark.django_db


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture
def corrected(workshop, set_clock):
    """staff02's October with two late arrivals (−4), published; the appeal on them is
    upheld with the count corrected to 0."""
    w = workshop
    Appraisal.objects.filter(pk=w.a["staff02"].pk).update(events={"late_or_early": 2})
    a = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    before = a.total
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["late_or_early"], reason="打卡机故障"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="n"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="有据")
    appeals.appeal_investigate(actor=w.u["hr"], appeal_id=appeal.pk, findings="查实")
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="打卡机故障属实",
        corrections=[{"field": "events.late_or_early", "value": 0, "reason": "打卡机故障"}],
    )
    a.refresh_from_db()
    assert a.total == before + Decimal(4)
    return w, a


def test_the_corrected_event_count_is_a_row_with_its_reason(corrected):
    """迟到/早退 reads 2 in version 1 and 0 in version 2, marked changed, with 申诉更正：
    打卡机故障 beside it; the total's row says it is the sum with the corrected inputs."""
    w, a = corrected
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["staff02"])
    side = between(c.get(f"/appraisals/{a.pk}/").content.decode(), 'id="versions-side"', "</table>")
    row = between(side, "迟到/早退", "</tr>")
    assert "申诉更正：打卡机故障" in row and 'class="num">2</td>' in row
    assert 'class="num">0</td>' in row and "已修改" in row
    total = between(side, "总分", "</tr>")
    assert "各指标得分与加减分之和" in total


def test_a_changed_grade_and_outcomes_say_their_rule(corrected):
    """The grade went 合格 → 良好: its row names the band of the new grade; an outcome
    that changed (the pay coefficient) says how it follows; no changed row is left
    without its reason."""
    w, a = corrected
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["staff02"])
    side = between(c.get(f"/appraisals/{a.pk}/").content.decode(), 'id="versions-side"', "</table>")
    v1, v2 = a.versions.order_by("number")
    assert (v1.grade, v2.grade) == ("c", "b")
    assert "等级由总分决定：80.00 分至不足 95.00 分为良好" in between(side, "等级", "</tr>")
    assert set(OUTCOME_RULES) >= {"agent_level", "warning", "dismissal"}
    for tr in side.split("<tr")[1:]:
        if "已修改" in tr and "version-reason" not in tr:
            raise AssertionError(f"a changed row without its reason: {tr[:200]}")
