"""The inbox as a list that scales: search, filter, sort and pages, a task count in
the header, bad filter values answered at the field, and queries that do not grow
with the number of tasks."""

import pytest
from django.test import Client

from tests.month import at, submit
from tests.web.visible import raw_codes
from workflows.common import listing

pytestmark = pytest.mark.django_db


STAFF = ("staff02", "staff03")  # with the head's own self-review: three tasks


def boss_with_three_tasks(workshop, set_clock):
    set_clock(at(2026, 11, 1))
    for username in STAFF:
        submit(workshop.a[username], "self", workshop.u[username])
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(workshop.u["workshop_head"])
    return c


def rows(html: str) -> int:
    body = html.split('<table id="inbox"', 1)[1].split("</table>", 1)[0]
    return body.count('href="/appraisals/')


def test_pages_search_and_the_header_count(workshop, set_clock, monkeypatch):
    """Three tasks at two a page: 2 then 1, "1–2 of 3", the header says 3; a search by
    name keeps one; a page number past the end gives the last page."""
    c = boss_with_three_tasks(workshop, set_clock)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    first = c.get("/inbox/").content.decode()
    assert rows(first) == 2 and "1–2 / 共 3 条" in first
    assert 'id="task-count">3<' in first
    assert rows(c.get("/inbox/?page=2").content.decode()) == 1
    assert rows(c.get("/inbox/?page=99").content.decode()) == 1
    name = workshop.a["staff02"].employee.name
    found = c.get("/inbox/", {"q": name}).content.decode()
    assert rows(found) == 1 and name in found
    assert raw_codes(first) == []


def test_sorting_and_filters(workshop, set_clock):
    """Sorted by name the rows come in name order; a cycle that is not offered is
    refused at its field (no server error) and the list stays whole."""
    c = boss_with_three_tasks(workshop, set_clock)
    html = c.get("/inbox/", {"sort": "name"}).content.decode()
    names = sorted(workshop.a[u].employee.name for u in (*STAFF, "workshop_head"))
    positions = [html.index(n) for n in names]
    assert positions == sorted(positions)
    bad = c.get("/inbox/", {"cycle": "abc", "sort": "sideways"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert 'data-field="cycle"' in text and 'data-field="sort"' in text and rows(text) == 3
    cycle = workshop.cycle.pk
    assert rows(c.get("/inbox/", {"cycle": cycle}).content.decode()) == 3


def test_the_inbox_page_issues_a_fixed_number_of_queries(
    workshop, set_clock, django_assert_max_num_queries
):
    """Three tasks or thirty, the page is a fixed set of queries (the rows come with
    their person, cycle and department in one)."""
    c = boss_with_three_tasks(workshop, set_clock)
    # 15: the actionable steps worked out once for the list, its counts and the header
    # (the header's task count from the lists the page shows whole), the filter's
    # choices in one query, "may delegate" in one, the reader's employee row once
    with django_assert_max_num_queries(15):
        c.get("/inbox/")


def test_overdue_steps_are_flagged_in_words(workshop, set_clock):
    """Self-reviews handed in on the 1st open the head's reviews, due Thursday 5
    November. On the 1st nothing is flagged; on the 4th only the head's own
    self-review (due the 2nd); on Saturday the 7th each row carries a badge in words
    (not colour alone) and the page counts them."""
    c = boss_with_three_tasks(workshop, set_clock)
    html = c.get("/inbox/").content.decode()
    assert "overdue-flag" not in html and 'id="overdue-count"' not in html
    set_clock(at(2026, 11, 4))
    html = c.get("/inbox/").content.decode()
    assert html.count("overdue-flag") == 1 and "您有 1 个待办已逾期" in html
    set_clock(at(2026, 11, 7, 10))
    html = c.get("/inbox/").content.decode()
    table = html.split('<table id="inbox"', 1)[1].split("</table>", 1)[0]
    # the two reviews (due the 5th) are overdue by 1 day; the head's own self-review
    # (due the 2nd) by 4 days
    assert table.count("已逾期 1 天") == 2 and table.count("已逾期 4 天") == 1
    assert table.count('class="overdue"') == 3
    assert "您有 3 个待办已逾期" in html
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(workshop.u["workshop_head"])
    assert "overdue 1 day" in en.get("/inbox/").content.decode()


def test_the_delegate_link_is_for_those_who_hold_review_steps(workshop, set_clock):
    """ "Away? Delegate my steps" is offered to a head (they hold their people's review
    steps), never to plain staff who hold only their own self-review."""
    set_clock(at(2026, 11, 1))
    link = 'href="/delegate/"'
    for username, offered in (("staff02", False), ("workshop_head", True)):
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(workshop.u[username])
        assert (link in c.get("/inbox/").content.decode()) is offered, username
