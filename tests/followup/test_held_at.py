"""The interview's record says when it was held: earlier than planned, or recorded
days later, truthfully; on time or late follows that moment against the due moment."""

import datetime as dt
import html
import zoneinfo

import pytest

from engine.errors import InvalidInput
from engine.followup import services
from engine.followup.models import FollowUp
from tests.followup.test_pages import client_for
from tests.month import at

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_held_earlier_than_planned_and_recorded_late_counts_as_on_time(published, set_clock):
    """Set for Nov 13 15:00, held Nov 12 09:00 and recorded on Nov 25 (after the due
    moment): the record keeps Nov 12, and HR's board counts it held on time."""
    w, a = published
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    boss = w.u["workshop_head"]
    set_clock(at(2026, 11, 11, 10))
    services.interview_schedule(
        actor=boss, followup_id=f.pk, when=dt.datetime(2026, 11, 13, 15, tzinfo=SH), place="A"
    )
    set_clock(at(2026, 11, 25, 10))
    assert f.due_at < at(2026, 11, 25, 10)
    held = dt.datetime(2026, 11, 12, 9, tzinfo=SH)
    services.interview_record(
        actor=boss, followup_id=f.pk, strengths="a", gaps="b", actions="c", held_at=held
    )
    f.refresh_from_db()
    assert f.held_at == held and f.late is False and f.state == "done"


def test_held_at_in_the_future_or_before_the_result_is_refused_in_words(published, set_clock):
    """A held time after now, or before the publication, is refused at the field
    with the moment named; the page offers the set time as the default."""
    w, a = published
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    boss = w.u["workshop_head"]
    set_clock(at(2026, 11, 12, 10))
    for wrong, rule in (
        (dt.datetime(2026, 11, 12, 18, tzinfo=SH), "held_future"),
        (dt.datetime(2026, 11, 1, 9, tzinfo=SH), "held_before_result"),
    ):
        with pytest.raises(InvalidInput) as err:
            services.interview_record(
                actor=boss, followup_id=f.pk, strengths="a", gaps="b", actions="c", held_at=wrong
            )
        assert (err.value.field, err.value.rule) == ("held_at", rule)
    c = client_for(boss)
    r = c.post(
        f"/appraisals/{a.pk}/after/record/",
        {"held_at": "2026-11-12T18:00", "strengths": "a", "gaps": "b", "actions": "c"},
    )
    page = html.unescape(r.content.decode())
    assert r.status_code == 400 and "面谈实际时间不能晚于现在" in page
    r = c.post(
        f"/appraisals/{a.pk}/after/record/",
        {"held_at": "2026-11-11T16:00", "strengths": "a", "gaps": "b", "actions": "c"},
    )
    assert r.status_code == 302
    page = html.unescape(
        client_for(w.u["staff02"]).get(f"/appraisals/{a.pk}/after/").content.decode()
    )
    assert "实际面谈时间" in page and "2026-11-11 16:00" in page
