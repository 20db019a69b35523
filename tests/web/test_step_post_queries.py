"""The queries of a step handed in through its page (a POST, confirmed, as a person's
second post after the summary), on the demo workshop: a self-review, a supervisor's
review and the GM's approval, which publishes. `benchmarks/call_paths.py` counts the
same three posts. Each count is the one reached: a read done twice again (the step,
the next step, the audit's savepoint, a reload after the service, the appraisal and
its steps apart, the period or the company's zone after the lock, the reader's roles
and delegations before the next item of the inbox, a draft or a deputy looked for
where none is, the waiting supervisor's row after its lock) fails here."""

from django.test import Client

from engine.appraisals.models import Appraisal
from engine.notifications.models import Notification
from tests.month import STAFF_VALUES, at, step, submit

SELF_REVIEW = 16
SUPERVISOR = 17
# Publishing opens the steps after the result (one insert of both steps, their audit
# event and the holders' notices); each of the post's three audit appends is one
# statement (the database moves the chain head, engine/audit/triggers.py)
GM_APPROVAL = 27


def post(user, a, code, data):
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(user)
    url = f"/appraisals/{a.pk}/steps/{step(a, code).pk}/submit/"
    return lambda: c.post(url, {**data, "confirmed": "1"})


def test_a_step_post_reads_each_row_once(workshop, set_clock, django_assert_max_num_queries):
    """A self-review, a supervisor's review and the GM's approval posted through the
    page each send a fixed number of queries (16, 17, 27 on SQLite and PostgreSQL):
    each row is read once, whatever the size of the company."""
    u = workshop.u
    a, b = workshop.a["staff02"], workshop.a["staff03"]
    set_clock(at(2026, 11, 1))
    summary = {"comment": "done as planned"}
    # The first post of the process fills its caches (templates, translations).
    assert post(u["staff02"], a, "self", summary)().status_code == 302
    send = post(u["staff03"], b, "self", summary)
    with django_assert_max_num_queries(SELF_REVIEW):
        assert send().status_code == 302
    assert step(b, "self").state == "done" and step(b, "supervisor").state == "open"
    assert Notification.objects.filter(appraisal=b, user=u["workshop_head"]).exists()

    scores = {f"values.{k}": v for k, v in STAFF_VALUES.items()}
    send = post(u["workshop_head"], a, "supervisor", scores)
    with django_assert_max_num_queries(SUPERVISOR):
        assert send().status_code == 302
    assert step(a, "hr").state == "open"
    assert Notification.objects.filter(appraisal=a, user=u["hr"], kind="step_open").exists()

    set_clock(at(2026, 11, 6))
    submit(a, "hr", u["hr"])
    set_clock(at(2026, 11, 10))
    send = post(u["gm"], a, "gm", {})
    with django_assert_max_num_queries(GM_APPROVAL):
        resp = send()
    assert resp.status_code == 302
    a = Appraisal.objects.get(pk=a.pk)
    assert (a.state, str(a.total), a.grade) == ("published", "82.00", "b")
    assert Notification.objects.filter(appraisal=a, kind="result_published").exists()


def test_the_approval_says_what_it_gave(workshop, set_clock):
    """The words after the GM's approval come from the appraisal as the service saved it
    (no reload): published, the total and the grade, and the next item of the inbox."""
    u = workshop.u
    a, b = workshop.a["staff02"], workshop.a["staff03"]
    for x in (a, b):
        set_clock(at(2026, 11, 1))
        submit(x, "self", u[x.employee.user.username])
        submit(x, "supervisor", u["workshop_head"], {"values": STAFF_VALUES})
        set_clock(at(2026, 11, 6))
        submit(x, "hr", u["hr"])
    set_clock(at(2026, 11, 10))
    c = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(u["gm"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/"
    page = c.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "Approved and published" in page
    assert "82.00" in page
    assert 'id="next-item"' in page and b.employee.name in page
