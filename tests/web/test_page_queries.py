"""The appraisal page an employee opens on their open self-review reads each row once:
its steps, hand-ins, late penalties and draft, and the header's reader row, whatever
how many steps and hand-ins the appraisal has (benchmarks/page_cpu.py counts the same
pages at 10,000 employees)."""

from django.test import Client

from tests.month import at

# session, user, the appraisal (with employee, position, cycle, department), its steps,
# hand-ins, late penalties, the reader's roles, the draft, the appeal, the bonus; the
# header: the reader's employee row, delegations, the waiting final steps, the task
# count, the unread notifications
FORM_PAGE = 15


def test_the_appraisal_page_reads_each_row_once(workshop, set_clock, django_assert_max_num_queries):
    """An employee's appraisal page with their self-review open: a fixed number of
    queries (the second person's page, after the first filled the process's caches)."""
    set_clock(at(2026, 11, 1))
    pages = []
    for username in ("staff02", "staff03"):
        c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        c.force_login(workshop.u[username])
        pages.append((c, f"/appraisals/{workshop.a[username].pk}/"))
    c, url = pages[0]
    assert c.get(url).status_code == 200
    c, url = pages[1]
    with django_assert_max_num_queries(FORM_PAGE):
        assert c.get(url).status_code == 200
