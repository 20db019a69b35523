"""The employee's home page shows what waits after the result (sign it, answer the
interview's record) instead of only 「您目前没有进行中的考核。」."""

import html

from tests.followup.test_pages import client_for
from tests.month import at


def test_home_counts_the_after_result_tasks_and_links_them(published, set_clock):
    """staff02, published Nov 10 with the acknowledgement open: the home page says one
    task waits and links to the after page of that appraisal."""
    w, a = published
    set_clock(at(2026, 11, 11, 10))
    page = html.unescape(client_for(w.u["staff02"]).get("/").content.decode())
    assert 'id="home-after"' in page
    assert "您有 1 项结果之后的待办" in page
    assert f"/appraisals/{a.pk}/after/" in page
    assert "您目前没有进行中的考核" not in page
