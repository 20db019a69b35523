"""The GM's overview in chromium: the month at a glance from the menu, a department's
ready results approved after the summary, at 1280 and 390 px, in both languages,
without sideways scrolling or anything the Content-Security-Policy refuses."""

import pytest
from django.test import override_settings

from engine.appraisals.models import Appraisal, ResultVersion
from tests.browser.journeys import Visit
from tests.month import STAFF_VALUES, at, open_workshop, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
@pytest.mark.parametrize(("lang", "width"), [("zh", 390), ("zh", 1280), ("en", 1280)])
def test_the_gm_approves_a_department_after_the_summary(
    live_server, browser, litong_live, set_clock, lang, width
):
    """From the menu to the overview: two ready, the head's self-review late, the grades
    charted; "approve" shows the summary and publishes nothing; the confirmation
    publishes both once and the department has nothing left to approve."""
    w = open_workshop(litong_live)
    set_clock(at(2026, 11, 1))
    ready = []
    for name in ("staff02", "staff03"):
        a = w.a[name]
        submit(a, "self", w.u[name])
        submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
        submit(a, "hr", w.u["hr"])
        ready.append(a)
    set_clock(at(2026, 11, 3, 10))  # the head's own self-review is late now

    gm = Visit(browser, live_server.url, "gm", lang, width)
    page = gm.page
    gm.go("/")
    page.click("#nav-gm-overview")
    page.wait_for_selector(".department")
    gm.check("/gm/")
    dept = page.locator(f"#dept-{ready[0].department_id}")
    assert dept.locator("tr[data-ready]").count() == 2
    assert dept.locator(f"tr[data-late='{w.a['workshop_head'].pk}']").count() == 1
    assert dept.locator("svg.chart").count() >= 1  # the grades against the caps
    dept.locator(".approve-dept button").click()
    page.wait_for_selector("#approve-summary")
    gm.check("/gm/approve/ summary")
    assert page.locator("tr[data-summary]").count() == 2
    assert not ResultVersion.objects.filter(appraisal__in=ready).exists()  # nothing yet
    page.click("#approve-confirm button")
    page.wait_for_selector("[role=status]")
    gm.check("/gm/ after")
    for a in ready:
        a.refresh_from_db()
        assert a.state == Appraisal.State.PUBLISHED
        assert ResultVersion.objects.filter(appraisal=a).count() == 1
    assert page.locator("tr[data-ready]").count() == 0
    assert gm.close() == []
