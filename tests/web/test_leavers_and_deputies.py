"""People who come and go: a leaver's account closes at once and the steps they hold
move on (by the chain's rules or to the person HR names), audited; a deputy holds a
reviewer's steps while the delegation runs and loses them the day after it ends."""

import datetime as dt

import pytest
from django.test import Client

from engine.appraisals.models import AppraisalStep
from engine.audit.models import AuditEvent
from engine.errors import Forbidden
from engine.org import services as org
from tests.month import at, step, submit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_a_leavers_steps_move_on_and_their_next_request_is_refused(workshop, set_clock):
    """The workshop head leaves holding staff02's supervisor step: the step goes on by
    the chain's rules (HR, as the head was the department's head too); the head's open
    session is refused on the next request; HR can now act on it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    head = workshop.u["workshop_head"]
    session = client_for(head)
    assert session.get(f"/appraisals/{a.pk}/").status_code == 200
    hr = client_for(workshop.u["hr"])
    emp = head.employee
    r = hr.post(
        f"/hr/people/{emp.pk}/leave/?company=litong",
        {"left_on": "2026-11-01", "reason": "辞职", "confirm": "1"},
    )
    assert r.status_code == 302
    moved = step(a, "supervisor")
    assert moved.assignee_id != head.pk and (moved.holder_role == "hr" or moved.assignee_id)
    assert session.get(f"/appraisals/{a.pk}/").status_code == 302  # to the log-in page
    assert AuditEvent.objects.filter(action="reassign:supervisor", object_id=str(a.pk)).exists()
    values = {"efficiency": "20", "operation": "21", "attitude": "22", "knowledge": "19"}
    holder = workshop.u["hr"] if moved.holder_role == "hr" else moved.assignee
    r = client_for(holder).post(
        f"/appraisals/{a.pk}/steps/{moved.pk}/submit/",
        {**{f"values.{k}": v for k, v in values.items()}, "confirmed": "1"},
    )
    assert r.status_code == 302 and step(a, "supervisor").state == "done"


def test_hr_names_the_successor(workshop, set_clock):
    """With a successor named, every step the leaver held goes to that person."""
    set_clock(at(2026, 11, 1))
    for name in ("staff02", "staff03"):
        submit(workshop.a[name], "self", workshop.u[name])
    successor = workshop.u["cs_head"].employee
    r = client_for(workshop.u["hr"]).post(
        f"/hr/people/{workshop.u['workshop_head'].employee.pk}/leave/?company=litong",
        {"left_on": "2026-11-01", "reason": "调岗", "successor": successor.pk, "confirm": "1"},
    )
    assert r.status_code == 302
    # (the leaver's own October appraisal goes on: its period ended by the last day,
    # and its supervisor's step is the general manager's)
    held = AppraisalStep.objects.filter(
        appraisal__cycle=workshop.cycle, code="supervisor", state="open"
    ).exclude(appraisal__employee__user=workshop.u["workshop_head"])
    assert set(held.values_list("assignee_id", flat=True)) == {successor.user_id}


def test_a_delegation_ends_on_its_date(workshop, set_clock):
    """The head delegates to the customer-service head for 1–3 Nov: on 2 Nov the deputy
    sees the step in their inbox and may open and act; on 4 Nov they may not."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    head = workshop.u["workshop_head"]
    r = client_for(head).post(
        "/delegate/",
        {
            "deputy": workshop.u["cs_head"].employee.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-03",
            "reason": "出差",
        },
    )
    assert r.status_code == 302
    deputy = client_for(workshop.u["cs_head"])
    set_clock(at(2026, 11, 2))
    assert a.employee.name in deputy.get("/inbox/").content.decode()
    page = deputy.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="step-form"' in page
    set_clock(at(2026, 11, 4))
    assert a.employee.name not in deputy.get("/inbox/").content.decode()
    assert deputy.get(f"/appraisals/{a.pk}/").status_code == 403
    assert client_for(head).get(f"/appraisals/{a.pk}/").status_code == 200


def test_delegation_refusals(workshop):
    """A period that ends before it starts is refused at its field; another employee
    cannot delegate someone else's steps."""
    head = workshop.u["workshop_head"]
    r = client_for(head).post(
        "/delegate/",
        {
            "deputy": workshop.u["cs_head"].employee.pk,
            "starts_on": "2026-11-05",
            "ends_on": "2026-11-01",
            "reason": "x",
        },
    )
    assert r.status_code == 400 and 'data-field="ends_on"' in r.content.decode()
    with pytest.raises(Forbidden, match="only the reviewer or HR"):
        org.delegation_create(
            actor=workshop.u["staff02"],
            company=workshop.company,
            from_user=head,
            to_user=workshop.u["staff03"],
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 11, 2),
            reason="x",
        )
