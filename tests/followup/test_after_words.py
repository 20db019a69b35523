"""What the after-result page says when a form is refused: the rule that was broken
and its limit, in the app's own words (not Django's or a generic rule's)."""

import html

from tests.followup.test_pages import client_for
from tests.month import at


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
