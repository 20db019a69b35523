"""docs/architecture.md, "Permissions" walked over the HTTP API: every role × every action × own company /
other company. Denied views are audited; other companies' appraisals do not exist."""

import json

import pytest
from django.test import Client

from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from tests.month import STAFF_VALUES, at, step

pytestmark = pytest.mark.django_db

# who → expected status for: view, submit the open self step, return it, push it (not overdue)
MATRIX_SELF_STEP = {
    "staff02": (200, None, 400, 403),  # the employee: own appraisal; return at the first step → 400
    "workshop_head": (200, 403, 403, 403),  # supervisor: sees direct reports, does not hold self
    "finance_head": (403, 403, 403, 403),  # head of another department
    "staff03": (403, 403, 403, 403),  # a colleague
    "hr": (200, 403, 403, 409),  # HR sees all; push refused: not overdue yet
    "gm": (200, 403, 403, 403),
    "board": (403, 403, 403, 403),  # only what is routed to the board
    "auditor": (200, 403, 403, 403),  # reads everything, changes nothing
    "yj_hr": (404, 404, 404, 404),  # another company: does not exist
    "yj_gm": (404, 404, 404, 404),
}
# after the self-review: who may submit the supervisor step
MATRIX_SUPERVISOR_STEP = {
    "staff02": 403,
    "staff03": 403,
    "finance_head": 403,
    "hr": 403,
    "gm": 403,
    "board": 403,
    "auditor": 403,
    "yj_hr": 404,
    "workshop_head": 200,
}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


SUMMARY = {"data": {}, "comment": "本月完成了装配任务"}


def _api(c, a, s):
    base = f"/api/v1/appraisals/{a.pk}"
    return (
        c.get(f"{base}/").status_code,
        post(c, f"{base}/steps/{s.pk}/submit/", SUMMARY).status_code,
        post(c, f"{base}/steps/{s.pk}/return/", {"comment": "x"}).status_code,
        post(c, f"{base}/steps/{s.pk}/push/", {"reason": "x"}).status_code,
    )


def _pages(c, a, s):
    """The same four through the pages: a redirect after success counts as 200."""
    base = f"/appraisals/{a.pk}"

    def status(r):
        return 200 if r.status_code == 302 else r.status_code

    return (
        status(c.get(f"{base}/")),
        status(
            c.post(
                f"{base}/steps/{s.pk}/submit/", {"comment": SUMMARY["comment"], "confirmed": "1"}
            )
        ),
        status(c.post(f"{base}/steps/{s.pk}/return/", {"comment": "x"})),
        status(c.post(f"{base}/steps/{s.pk}/push/", {"reason": "x", "confirmed": "1"})),
    )


def test_the_whole_matrix(workshop, set_clock):
    """Every role × view/submit/return/push on one appraisal, walked through the REST API
    and through the pages: both give the same answers, and the matrix holds."""
    a = workshop.a["staff02"]
    s = step(a, "self")
    set_clock(at(2026, 11, 1))
    failures = []
    for who, expected in MATRIX_SELF_STEP.items():
        if expected[1] is None:
            continue  # the employee's own submission is walked below
        c = client_for(workshop.u[who])
        for surface, walk in (("api", _api), ("pages", _pages)):
            got = walk(c, a, s)
            if got != expected:
                failures.append((who, surface, got, expected))
    assert failures == [], "\n".join(map(str, failures))
    # every refused look at the appraisal left an audit event
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(a.pk)).count() >= 6
    me = client_for(workshop.u["staff02"])
    assert me.get(f"/api/v1/appraisals/{a.pk}/").status_code == 200
    assert (
        post(me, f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/return/", {"comment": "x"}).status_code
        == 400
    )
    r = post(me, f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/submit/", SUMMARY)
    assert r.status_code == 200
    sup = step(a, "supervisor")
    for who, expected in MATRIX_SUPERVISOR_STEP.items():
        r = post(
            client_for(workshop.u[who]),
            f"/api/v1/appraisals/{a.pk}/steps/{sup.pk}/submit/",
            {"data": {"values": STAFF_VALUES}},
        )
        assert r.status_code == expected, (who, r.status_code, r.content)


def test_api_errors_name_field_and_rule(workshop, set_clock):
    """JSON errors name the field and the rule with the right status."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = client_for(workshop.u["staff02"])
    s = step(a, "self")
    r = c.post(
        f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/submit/",
        "{not json",
        content_type="application/json",
    )
    assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    # an empty self-review is refused at its summary, nothing handed on
    r = post(c, f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/submit/", {"data": {}})
    assert (r.status_code, r.json()["field"], r.json()["rule"]) == (400, "comment", "required")
    assert post(c, f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/submit/", SUMMARY).status_code == 200
    r = post(c, f"/api/v1/appraisals/{a.pk}/steps/{s.pk}/submit/", SUMMARY)
    assert (r.status_code, r.json()["title"], r.json()["field"]) == (409, "conflict", "step")
    boss = client_for(workshop.u["workshop_head"])
    sup = step(a, "supervisor")
    r = post(
        boss,
        f"/api/v1/appraisals/{a.pk}/steps/{sup.pk}/submit/",
        {"data": {"values": {"attitude": 30}}},
    )
    assert r.status_code == 400
    problem = r.json()
    assert (problem["status"], problem["field"], problem["rule"]) == (
        400,
        "values.attitude",
        "range",
    )
    assert problem["detail"] == "分数须在 0 到 25 之间"  # no Accept-Language: the default
    assert boss.get("/api/v1/appraisals/999999/").status_code == 404
    inbox = boss.get("/api/v1/inbox/").json()["results"]
    assert [x["code"] for x in inbox if x["appraisal"] == a.pk] == ["supervisor"]


def test_pages_render_and_refuse(workshop, set_clock):
    """Pages render for who may see them, refuse others (403) and hide other companies (404)."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = client_for(workshop.u["staff02"])
    assert c.get("/inbox/").status_code == 200
    page = c.get(f"/appraisals/{a.pk}/")
    assert page.status_code == 200 and b"step-form" in page.content
    assert client_for(workshop.u["staff03"]).get(f"/appraisals/{a.pk}/").status_code == 403
    assert client_for(workshop.u["yj_hr"]).get(f"/appraisals/{a.pk}/").status_code == 404
    r = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/return/", {"comment": "x"})
    assert r.status_code == 400 and b'role="alert"' in r.content
    assert c.get("/notifications/").status_code == 200


def test_hr_can_grant_one_more_reader_through_guardian(workshop, set_clock):
    """HR grants one more reader through a guardian row, with a reason, within the company."""
    from engine.appraisals import services

    a = workshop.a["staff02"]
    colleague = client_for(workshop.u["staff03"])
    assert colleague.get(f"/api/v1/appraisals/{a.pk}/").status_code == 403
    with pytest.raises(InvalidInput) as err:
        services.appraisal_grant_view(
            actor=workshop.u["hr"], appraisal=a, user=workshop.u["yj_hr"], reason="x"
        )
    assert err.value.field == "user"
    services.appraisal_grant_view(
        actor=workshop.u["hr"],
        appraisal=a,
        user=workshop.u["staff03"],
        reason="deputy reviewer while the head is away",
    )
    assert colleague.get(f"/api/v1/appraisals/{a.pk}/").status_code == 200
    assert workshop.u["staff03"].has_perm(
        "appraisals.view_appraisal", a
    )  # guardian's own check agrees
    assert AuditEvent.objects.filter(action="grant_view", object_id=str(a.pk)).exists()
