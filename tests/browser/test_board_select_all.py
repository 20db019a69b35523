"""HR's cycle board: one box above the rows ticks every row for a bulk action (a
reminder to all), and unticks them; a row unticked leaves it in between."""

import pytest
from django.test import override_settings

from tests.month import at, open_department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
def test_select_all_ticks_every_row(live_server, page, litong, set_clock):
    """In chromium: "选择本页所有行" ticks every row's box, shows in between once a row is
    unticked, and unticks them all again."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "cs")
    hr = litong.u["hr"]
    hr.set_password("select-all-2026")
    hr.save()
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", hr.username)
    page.fill("#id_password", "select-all-2026")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/hr/cycles/{w.cycle.pk}/")
    all_box = page.get_by_label("选择本页所有行")
    rows = page.locator('#board input[type=checkbox][name="ids"]')
    assert rows.count() > 1
    all_box.check()
    assert all(rows.nth(i).is_checked() for i in range(rows.count()))
    rows.nth(0).uncheck()
    assert page.evaluate("document.getElementById('board-select-all').indeterminate")
    all_box.check()
    all_box.uncheck()
    assert not any(rows.nth(i).is_checked() for i in range(rows.count()))
