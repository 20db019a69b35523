"""The annual result page in a browser (zh-Hans): the employee reads the year month by
month — a row per month with its total, grade, weight in the year and contribution —
at a desktop width and on a phone, without the page scrolling sideways."""

import os
from pathlib import Path

import pytest

from tests.annual import year_published
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_annual_result_page_shows_each_month(browser, live_server, set_clock, width, tmp_path):
    """staff02 opens the published annual result: twelve month rows, January's 80.00
    bringing 6.67, the sum 82.33 and the grade 良好; at 390 px nothing overflows."""
    _w, a = year_published(set_clock, usable_passwords=True)
    ctx, page = log_in(
        browser, live_server.url, "staff02", viewport={"width": width, "height": 900}
    )
    try:
        page.goto(f"{live_server.url}/appraisals/{a.pk}/")
        rows = page.locator("#lines-period-table tbody tr.period-line")
        assert rows.count() == 12
        assert [rows.nth(i).get_attribute("data-period") for i in range(12)] == [
            f"2026-{m:02d}" for m in range(1, 13)
        ]
        jan = rows.nth(0).inner_text()
        assert "2026-01" in jan and "80.00" in jan and "6.67" in jan and "8.33%" in jan
        assert page.locator("#lines-periods-sum").inner_text() == "82.33"
        assert "良好" in page.locator("#grade").inner_text()
        assert "在年度中的权重" in page.locator("#lines-periods").inner_html()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        shots = Path(os.environ.get("ANNUAL_SHOTS") or tmp_path)
        page.screenshot(path=str(shots / f"annual-result-{width}.png"), full_page=True)
    finally:
        ctx.close()
