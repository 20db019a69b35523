"""An employee's objection is told: a declined acknowledgement and a comment on the
interview's record notify the direct supervisor and HR, in their language."""

import datetime as dt
import html
import zoneinfo

from engine.followup import services
from engine.followup.models import FollowUp
from engine.notifications.models import Notification
from tests.followup.conftest import PASSWORD
from tests.followup.test_acknowledgement import ack_of, current_hash
from tests.followup.test_pages import client_for
from tests.month import at

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_a_decline_and_a_comment_reach_the_supervisor_and_hr(published, set_clock):
    """The decline's reason and the comment reach workshop_head and HR (not the
    employee); the notifications page says them in Chinese words."""
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
    told = set(
        Notification.objects.filter(kind="acknowledgement_declined").values_list(
            "user_id", flat=True
        )
    )
    assert {w.u["workshop_head"].pk, w.u["hr"].pk} <= told
    assert w.u["staff02"].pk not in told
    page = html.unescape(client_for(w.u["workshop_head"]).get("/notifications/").content.decode())
    assert "拒绝确认考核结果" in page and "分数与事实不符" in page
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    boss = w.u["workshop_head"]
    when = dt.datetime(2026, 11, 12, 15, 0, tzinfo=SH)
    services.interview_schedule(actor=boss, followup_id=f.pk, when=when, place="车间办公室")
    set_clock(at(2026, 11, 12, 16))
    services.interview_record(actor=boss, followup_id=f.pk, strengths="a", gaps="b", actions="c")
    services.interview_respond(
        actor=w.u["staff02"], followup_id=f.pk, confirmed=False, comment="差距写得不对"
    )
    told = set(
        Notification.objects.filter(kind="interview_commented").values_list("user_id", flat=True)
    )
    assert told >= {boss.pk, w.u["hr"].pk} and w.u["staff02"].pk not in told
    page = html.unescape(client_for(w.u["hr"]).get("/notifications/").content.decode())
    assert "对绩效面谈记录提出意见" in page and "差距写得不对" in page
