"""The organisation and appeals through the API: HR reads and writes departments,
positions and employees with the people import's rules; others cannot write; an appeal is
filed, walked through its four steps and upheld through the API, with the same refusals
as the pages."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from engine.appeals.models import Appeal
from engine.audit.models import AuditEvent
from engine.org.models import Department, Employee
from tests.api.test_tokens import bearer, token
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db


def session(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def put(c, url, body):
    return c.put(url, json.dumps(body), content_type="application/json")


def post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


ROW = {
    "department_code": "logistics",
    "department_name": "物流部",
    "position_code": "driver",
    "position_name": "司机",
    "number": "LT900",
    "name": "韩梅梅",
    "hire_date": "2026-11-02",
    "heads_department": "是",
}


def test_hr_reads_and_writes_the_organisation_others_only_read(litong):
    """HR's PUT creates a department, a position and an employee (audited); the same rows
    again change nothing; a bad date is a 422 naming row and column with nothing saved;
    an employee's PUT is a 403 and a read token cannot write at all."""
    hr = session(litong.u["hr"])
    companies = hr.get("/api/v1/companies/").json()["results"]
    assert [c["code"] for c in companies] == ["litong"]
    depts = hr.get("/api/v1/departments/?company=litong").json()["results"]
    assert {"code": "cs", "name": "客服部", "parent": None, "head": "LT005"} in depts or any(
        d["code"] == "cs" for d in depts
    )
    assert any(p["code"] for p in hr.get("/api/v1/positions/?company=litong").json()["results"])
    r = put(hr, "/api/v1/people/?company=litong", {"rows": [ROW]})
    assert r.status_code == 200, r.content
    assert r.json()["created"] == 3  # department, position, employee
    e = Employee.objects.get(company__code="litong", number="LT900")
    assert Department.objects.get(company__code="litong", code="logistics").head_id == e.pk
    assert AuditEvent.objects.filter(object_type="org.employee", object_id=str(e.pk)).exists()
    again = put(hr, "/api/v1/people/?company=litong", {"rows": [ROW]}).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    bad = put(
        hr,
        "/api/v1/people/?company=litong",
        {"rows": [{**ROW, "number": "LT901", "hire_date": "2026-02-30"}]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["column"] == "hire_date"
    assert not Employee.objects.filter(number="LT901").exists()
    staff = session(litong.u["staff02"])
    refused = put(staff, "/api/v1/people/?company=litong", {"rows": [{**ROW, "number": "LT902"}]})
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    read = bearer(token("hr", "read"))
    assert read.get("/api/v1/departments/?company=litong").status_code == 200
    assert put(read, "/api/v1/people/?company=litong", {"rows": [ROW]}).status_code == 403
    assert read.get("/api/v1/departments/?company=yijiali").status_code == 404
    assert not Employee.objects.filter(number="LT902").exists()


def test_an_appeal_through_the_api(workshop, set_clock):
    """staff02 files against the published 82 through the API; a colleague cannot; HR
    cannot mediate; the head mediates, HR takes it in, investigates and upholds it with a
    correction: 20 + 21 + 25 + 19 = 85 (b), version 2."""
    w = workshop
    a = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert (a.state, a.total) == ("published", Decimal("82.00"))
    set_clock(at(2026, 11, 11, 9))
    url = f"/api/v1/appraisals/{a.pk}/appeal/"
    me, hr, head = session(w.u["staff02"]), session(w.u["hr"]), session(w.u["workshop_head"])
    assert me.get(url).status_code == 404  # none yet
    assert post(
        session(w.u["staff03"]), url, {"items": ["attitude"], "reason": "x"}
    ).status_code in (403, 404)
    assert post(me, url, {"items": ["charm"], "reason": "x"}).json()["field"] == "items[0]"
    r = post(me, url, {"items": ["attitude"], "reason": "rated without the customer letters"})
    assert r.status_code == 201 and r.json()["state"] == "mediation"
    appeal_id = r.json()["id"]
    assert post(me, url, {"items": ["attitude"], "reason": "again"}).status_code == 409
    step = f"/api/v1/appeals/{appeal_id}/steps/"
    refused = post(hr, step + "mediation/", {"resolved": False, "note": "x"})
    assert refused.status_code == 403 and "mediation" in refused.json()["detail"]
    assert post(head, step + "mediation/", {"note": "not settled"}).status_code == 200
    assert [x["id"] for x in hr.get("/api/v1/appeals/").json()["results"]] == [appeal_id]
    assert post(hr, step + "hr_intake/", {"accepted": True, "reason": "letters"}).status_code == 200
    assert post(hr, step + "investigation/", {"findings": "letters exist"}).status_code == 200
    assert post(hr, step + "nonsense/", {}).status_code == 400
    no_reason = post(
        hr,
        step + "decision/",
        {
            "upheld": True,
            "reason": "ok",
            "corrections": [{"field": "values.attitude", "value": 25, "reason": " "}],
        },
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "corrections[0].reason"
    done = post(
        hr,
        step + "decision/",
        {
            "upheld": True,
            "reason": "letters confirm",
            "corrections": [
                {"field": "values.attitude", "value": 25, "reason": "customer letters"}
            ],
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["outcome"], body["version_after"]) == ("upheld", 2)
    assert [s["state"] for s in body["steps"]] == ["done"] * 4
    a.refresh_from_db()
    assert (a.total, a.grade) == (Decimal("85.00"), "b")
    assert me.get(url).json()["outcome"] == "upheld"
    assert Appeal.objects.count() == 1
