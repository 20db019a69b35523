"""The GM's overview (docs/ux.md, "GM overview"): the month per department — ready for
approval, waiting on calibration or on required inputs, late steps and who holds them,
the grades against the caps — and a department's ready items approved together after a
summary, each through the same service as a single approval, exactly once."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engine.appraisals import services
from engine.appraisals.models import Appraisal, ResultVersion
from engine.audit.models import AuditEvent
from tests.month import STAFF_VALUES, at, step, submit

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def to_gm(w, name):
    a = w.a[name]
    submit(a, "self", w.u[name])
    boss = "gm" if name == "workshop_head" else "workshop_head"  # the head reports to the GM
    submit(a, "supervisor", w.u[boss], {"values": STAFF_VALUES})
    submit(a, "hr", w.u["hr"])
    return a


def staff(w):
    return sorted(n for n in w.a if n.startswith("staff"))  # staff02, staff03


def test_the_overview_shows_the_month_and_approves_a_department_after_a_summary(
    workshop, set_clock
):
    """Two staff at the GM's step (ready), one still at the self-review after its due
    moment (late, held by the employee). The first post lists the two with total and
    grade and publishes nothing; the confirmation publishes both once, audited; a
    repeated confirmation publishes nothing again."""
    set_clock(at(2026, 11, 1))
    first, second = staff(workshop)
    late = "workshop_head"
    ready = [to_gm(workshop, first), to_gm(workshop, second)]
    set_clock(at(2026, 11, 3, 10))  # the self-reviews were due 2 Nov
    gm = client_for(workshop.u["gm"])
    assert 'id="nav-gm-overview"' in gm.get("/").content.decode()
    url = f"/gm/?company=litong&cycle={workshop.cycle.pk}"
    body = gm.get(url).content.decode()
    for a in ready:
        assert f'data-ready="{a.pk}"' in body
    assert f'data-late="{workshop.a[late].pk}"' in body
    assert "82.00" in body and "良好" in body  # 20 + 21 + 22 + 19 = 82 → b (良好)
    dept = ready[0].department_id
    post = {"company": "litong", "cycle": workshop.cycle.pk, "department": dept}
    r = gm.post("/gm/approve/", post)
    summary = r.content.decode()
    assert r.status_code == 200 and 'id="approve-confirm"' in summary
    assert summary.count("data-summary=") == 2
    assert not ResultVersion.objects.filter(appraisal__in=ready).exists()
    ids = [str(a.pk) for a in ready]
    r = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": ids})
    assert r.status_code == 302
    for a in ready:
        a.refresh_from_db()
        assert a.state == Appraisal.State.PUBLISHED and a.total == 82
        assert ResultVersion.objects.filter(appraisal=a).count() == 1
        assert AuditEvent.objects.filter(
            action="submit:gm", object_id=str(a.pk), actor=workshop.u["gm"]
        ).exists()
    again = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": ids}, follow=True)
    assert "已由他人处理" in again.content.decode()
    assert ResultVersion.objects.filter(appraisal__in=ready).count() == 2


def test_only_the_gm_sees_it_and_bad_input_is_a_4xx(workshop):
    """HR, a head and the auditor get 403; a malformed approval goes back to the
    overview with nothing done; an unknown cycle shows the page, not an error."""
    for name in ("hr", "workshop_head", "auditor"):
        c = client_for(workshop.u[name])
        assert c.get("/gm/?company=litong").status_code == 403
        assert c.post("/gm/approve/", {"company": "litong"}).status_code == 403
    gm = client_for(workshop.u["gm"])
    r = gm.post("/gm/approve/", {"cycle": "x", "department": "1", "ids": ["1e9"]})
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()  # nothing done
    assert "考核周期" in r.content.decode().split('role="alert"')[1].split("</p>")[0]
    assert gm.get("/gm/?cycle=999999999999999").status_code == 200


def test_items_not_ready_are_listed_with_why_and_never_approved(workshop, set_clock):
    """staff02's review was pushed on empty: at the GM's step with the four indicators
    empty, it is listed under required inputs by name, not as ready, and an approval
    naming it anyway is refused by the service (nothing published)."""
    set_clock(at(2026, 11, 1))
    name = staff(workshop)[0]
    a = workshop.a[name]
    submit(a, "self", workshop.u[name])
    set_clock(at(2026, 11, 6, 10))
    services.step_push(
        actor=workshop.u["hr"], appraisal_id=a.pk, step_id=step(a, "supervisor").pk, reason="逾期"
    )
    submit(a, "hr", workshop.u["hr"])
    gm = client_for(workshop.u["gm"])
    body = gm.get(f"/gm/?company=litong&cycle={workshop.cycle.pk}").content.decode()
    assert f'data-incomplete="{a.pk}"' in body and f'data-ready="{a.pk}"' not in body
    assert "学识" in body.split(f'data-incomplete="{a.pk}"')[1].split("</li>")[0]
    post = {"company": "litong", "cycle": workshop.cycle.pk, "department": a.department_id}
    r = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": [str(a.pk)]}, follow=True)
    assert a.employee.name in r.content.decode()  # refused, by name
    a.refresh_from_db()
    assert a.state == Appraisal.State.IN_PROGRESS


def test_the_overview_reads_a_fixed_number_of_queries(workshop, set_clock):
    """One ready item or three: the same number of queries (the appraisals, the open
    steps and the calibrations are each read once)."""
    set_clock(at(2026, 11, 1))
    names = staff(workshop)
    to_gm(workshop, names[0])
    gm = client_for(workshop.u["gm"])
    url = f"/gm/?company=litong&cycle={workshop.cycle.pk}"
    gm.get(url)  # the pinned templates are cached from here on
    with CaptureQueriesContext(connection) as small:
        assert gm.get(url).status_code == 200
    for n in [*names[1:], "workshop_head"]:
        to_gm(workshop, n)
    with CaptureQueriesContext(connection) as large:
        body = gm.get(url).content.decode()
    assert body.count("data-ready=") == 3
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bulk_approvals_at_once_publish_each_result_once(set_clock):
    """Two GM sessions confirm the same department at the same moment: every result is
    published exactly once; what one approved the other reports as done already."""
    from types import SimpleNamespace

    from tests.month import demo_litong, open_workshop

    set_clock(at(2026, 10, 31, 9))
    w = open_workshop(demo_litong())
    w = SimpleNamespace(**vars(w))
    set_clock(at(2026, 11, 1))
    ready = [to_gm(w, n) for n in [*staff(w), "workshop_head"]]
    ids = [a.pk for a in ready]
    barrier, outcomes = threading.Barrier(2), []

    def go():
        try:
            barrier.wait()
            outcomes.append(services.steps_approve(actor=w.u["gm"], appraisal_ids=ids))
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    approved = sorted(i for o in outcomes for i in o.approved)
    already = sorted(i for o in outcomes for i in o.already)
    assert approved == sorted(ids) and already == sorted(ids)
    assert not [r for o in outcomes for r in o.refused]
    for a in ready:
        assert ResultVersion.objects.filter(appraisal=a).count() == 1
        assert AuditEvent.objects.filter(action="publish", object_id=str(a.pk)).count() == 1


def test_the_bulk_summary_names_what_is_not_ready_and_the_gate_is_one(workshop, set_clock):
    """staff02 at the GM's step with her four indicators empty, staff03 ready: the
    summary lists staff03 to approve and names staff02 as skipped with the empty
    indicators; `steps_approve` skips her through the same `approval_refusal` a single
    approval asks (rule inputs_missing), publishing only staff03."""
    set_clock(at(2026, 11, 1))
    first, second = staff(workshop)
    a = workshop.a[first]
    submit(a, "self", workshop.u[first])
    ok = to_gm(workshop, second)
    set_clock(at(2026, 11, 6, 10))
    services.step_push(
        actor=workshop.u["hr"], appraisal_id=a.pk, step_id=step(a, "supervisor").pk, reason="逾期"
    )
    submit(a, "hr", workshop.u["hr"])
    gate = services.approval_refusal(a, step(a, "gm"), a.values, last=True)
    assert gate is not None and gate.rule == "inputs_missing"
    gm = client_for(workshop.u["gm"])
    post = {"company": "litong", "cycle": workshop.cycle.pk, "department": a.department_id}
    body = gm.post("/gm/approve/", post).content.decode()
    skipped = body.split('id="not-ready"')[1]
    assert a.employee.name in skipped and "学识" in skipped and "未包含" in skipped
    assert f'name="ids" value="{a.pk}"' not in body
    done = services.steps_approve(actor=workshop.u["gm"], appraisal_ids=[a.pk, ok.pk])
    assert done.approved == [ok.pk]
    assert [(aid, e.rule) for aid, e in done.refused] == [(a.pk, "inputs_missing")]
    a.refresh_from_db()
    assert a.state == Appraisal.State.IN_PROGRESS


def test_late_names_are_links_and_caps_are_said_in_words(workshop, set_clock):
    """The late self-review's employee links to their page; each grade chart says the
    actual count against its cap in words (not only in the picture)."""
    set_clock(at(2026, 11, 3, 10))  # the self-reviews were due 2 Nov
    gm = client_for(workshop.u["gm"])
    body = gm.get(f"/gm/?company=litong&cycle={workshop.cycle.pk}").content.decode()
    a = workshop.a["workshop_head"]
    row = body.split(f'data-late="{a.pk}"')[1].split("</tr>")[0]
    assert f'href="/appraisals/{a.pk}/"' in row
    if "<figure>" in body:
        assert "实际" in body.split("<figcaption")[1].split("</figcaption>")[0]
