"""A token is never more than its person: each method needs its own scope (a reading
scope writes nothing), a token reads only what its user's session reads, and no token
is issued with a scope its user's own rights do not allow (issue 21)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from engine.api import tokens
from engine.appraisals.models import Cycle
from engine.org.models import Company, CompanyRole
from tests.month import at, open_department

pytestmark = pytest.mark.django_db
ALL = "read,metrics:write,results:read,audit:read"


def create(username, scopes):
    """`api_token create` as an operator types it: (exit code, the secret or stderr)."""
    out, err = StringIO(), StringIO()
    args = ["api_token", "create", username, "--company", "litong", "--scopes", scopes]
    try:
        call_command(*args, "--json", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, json.loads(out.getvalue())["token"]


def legacy(monkeypatch, username, scopes=ALL):
    """A token issued before its user's rights were checked (or whose user lost them
    since): every scope, whoever the user is."""
    with monkeypatch.context() as m:
        m.setattr(tokens, "scopes_within_rights", lambda user, company_id: set(ALL.split(",")))
        code, secret = create(username, scopes)
    assert code == 0
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


# (user, scope) → may it be issued; the rights as on the pages: results and metrics
# are HR's, the trail is read by HR, the GM and auditors, and anyone reads.
ISSUE = {
    "hr": {"read", "metrics:write", "results:read", "audit:read"},
    "gm": {"read", "audit:read"},
    "auditor": {"read", "audit:read"},
    "staff02": {"read"},
}


@pytest.mark.parametrize("username", sorted(ISSUE))
@pytest.mark.parametrize("scope", ALL.split(","))
def test_a_token_is_issued_only_within_its_users_rights(litong, username, scope):
    """A token is issued only for scopes its user's own rights allow; any other is refused."""
    code, said = create(username, scope)
    if scope in ISSUE[username]:
        assert code == 0 and said.startswith("jx_")
    else:
        assert code == 2 and said.count("\n") <= 1 and "scopes:" in said and scope in said


def test_a_read_token_opens_no_cycle(litong, set_clock):
    """HR's `read` token: POST /api/v1/cycles/ is 403 (problem+json), nothing opened;
    the same HR's session opens it."""
    set_clock(at(2026, 10, 31, 9))
    _code, secret = create("hr", "read")
    body = {"company": "litong", "kind": "month", "period": "2026-10", "targets_later": True}
    body = json.dumps(body)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/cycles/", body, content_type="application/json"
    )
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"
    assert not Cycle.objects.exists()
    session = Client()
    session.force_login(litong.u["hr"])
    ok = session.post("/api/v1/cycles/", body, content_type="application/json")
    assert ok.status_code == 201


def _reads(cycle_pk, appraisal_pk):
    return [
        "/api/v1/cycles/",
        f"/api/v1/cycles/{cycle_pk}/progress/",
        "/api/v1/appraisals/",
        f"/api/v1/appraisals/{appraisal_pk}/",
        "/api/v1/results/",
        "/api/v1/audit/events/?company=litong",
        "/api/v1/employees/?company=litong",
        "/api/v1/appeals/",
        "/api/v1/companies/",
    ]


@pytest.mark.parametrize("username", ["staff02", "auditor", "gm"])
def test_an_over_scoped_token_reads_no_more_than_its_persons_session(
    litong, set_clock, monkeypatch, username
):
    """Every company-wide read through a token holding every scope answers exactly as
    its user's own session does (a plain employee: themselves only, no results, no
    trail); before, a staff token listed all 42 employees and every result."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    other = cs.a["ecom02"]
    token = legacy(monkeypatch, username)
    session = Client()
    session.force_login(litong.u[username])
    for url in _reads(cs.cycle.pk, other.pk):
        by_token, by_session = token.get(url), session.get(url)
        assert by_token.status_code == by_session.status_code, url
        if by_session.status_code == 200:
            mine, theirs = by_token.json(), by_session.json()
            if "results" in mine:  # a page: a token has one company; its person maybe more
                assert all(row in theirs["results"] for row in mine["results"]), url
            else:
                assert mine == theirs, url
    if username == "staff02":
        assert len(token.get("/api/v1/employees/?company=litong").json()["results"]) == 1
        assert token.get("/api/v1/results/").status_code == 403
        assert token.get("/api/v1/audit/events/?company=litong").status_code == 404


def test_a_token_can_write_nothing_its_person_cannot(litong, set_clock, monkeypatch):
    """A plain employee's token with every scope: every write is refused and nothing
    changes (cycles, metrics, targets, cancel)."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    token = legacy(monkeypatch, "staff02")
    j = "application/json"
    writes = [
        ("post", "/api/v1/cycles/", {"company": "litong", "kind": "month", "period": "2026-11"}),
        ("post", f"/api/v1/cycles/{cs.cycle.pk}/cancel/", {"reason": "x"}),
        ("put", f"/api/v1/cycles/{cs.cycle.pk}/metrics/", {"rows": []}),
        ("put", f"/api/v1/cycles/{cs.cycle.pk}/targets/", {"rows": []}),
        ("put", "/api/v1/people/?company=litong", {"rows": []}),
    ]
    for method, url, body in writes:
        r = getattr(token, method)(url, json.dumps(body), content_type=j)
        assert r.status_code in (403, 404), (url, r.status_code)
        assert r["Content-Type"] == "application/problem+json"
    assert list(Cycle.objects.values_list("status", flat=True)) == [cs.cycle.status]


def test_rights_lost_after_issue_end_the_tokens_reach(litong):
    """HR's results token stops reading results once that person is no longer HR."""
    _code, secret = create("hr", "results:read")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert c.get("/api/v1/results/").status_code == 200
    co = Company.objects.get(code="litong")
    CompanyRole.objects.filter(user=litong.u["hr"], company=co, role="hr").delete()
    assert c.get("/api/v1/results/").status_code == 403
