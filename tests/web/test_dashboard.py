"""HR's dashboard: grades against the caps, completion and lateness by cycle, each
person's trend — charts drawn as SVG by the app, words not codes, for HR only, in a
fixed number of queries."""

import pytest
from django.test import Client

from tests.month import at, run_chain
from tests.web.visible import raw_codes

pytestmark = pytest.mark.django_db


def test_the_dashboard_draws_its_charts(workshop, set_clock, django_assert_max_num_queries):
    """Two workshop results published (82 → 良好): the workshop's bars say 2 people at 良好,
    the cycle's line and table say 67% published (2 of 3), each person has a row."""
    for name in ("staff02", "staff03"):
        run_chain(workshop, name, set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(workshop.u["hr"])
    with django_assert_max_num_queries(30):
        r = c.get(f"/hr/dashboard/?company=litong&department={workshop.cycle.department_ids[0]}")
    page = r.content.decode()
    assert r.status_code == 200 and page.count('<svg class="chart"') >= 2
    assert "良好" in page and "67%" in page and workshop.a["staff02"].employee.name in page
    assert raw_codes(page) == []
    other = Client()
    other.force_login(workshop.u["staff02"])
    assert other.get("/hr/dashboard/").status_code == 403
