"""The result page explains itself: a late self-review says which step, when it was due,
when it came and by how long; after a correction the versions stand side by side with
the changed lines marked and the cause in words."""

import pytest
from django.test import Client

from engine.appraisals import services
from tests.month import at, run_chain
from tests.web.visible import raw_codes

pytestmark = pytest.mark.django_db


def test_late_penalty_and_versions_side_by_side(workshop, set_clock):
    """Self-review due Mon 2 Nov 18:00, handed in Tue 3 Nov 10:00 (16 hours late):
    82 × 0.90 = 73.80. HR then records a commendation (+3 points): a second version; both
    columns are shown, the total row is marked changed, the cause is in words."""
    a = run_chain(
        workshop, "staff02", set_clock, self_at=at(2026, 11, 3, 10), sup_at=at(2026, 11, 4)
    )
    assert str(a.total) == "73.80"
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(workshop.u["staff02"])
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    assert "自评" in page and "2026-11-03 10:00" in page and "× 0.90" in page
    assert "迟交" in page and "小时" in page  # how late, in words
    assert 'id="versions-side"' not in page  # one version: nothing to compare
    # the self summary, once: under what the employee submitted, not again in the result
    assert "done as planned" in page.split('id="my-submissions"', 1)[1].split('id="result"')[0]
    assert page.count("done as planned") == 1
    set_clock(at(2026, 11, 12))
    services.appraisal_event_record(
        actor=workshop.u["hr"], appraisal=a, event="commendation", reason="客户来信表扬"
    )
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    side = page.split('id="versions-side"', 1)[1].split("</table>", 1)[0]
    assert "73.80" in side and "嘉奖" in side and "客户来信表扬" in side
    assert side.count('class="changed"') >= 1
    assert raw_codes(page) == []
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(workshop.u["staff02"])
    text = en.get(f"/appraisals/{a.pk}/").content.decode()
    assert "Commendation recorded" in text and "hours late" in text
