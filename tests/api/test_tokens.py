"""Tokens for integrations: created once by the command (only a hash kept), sent as a
bearer token, limited to their company and scopes; errors as problem+json; a revoked
or wrong token is refused; the first use of a day is audited."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from engine.api.models import ApiToken
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.org.models import Company, Department
from tests.month import ECOM_SYSTEM, at, open_department

pytestmark = pytest.mark.django_db


def token(username, scopes, company="litong"):
    out = StringIO()
    call_command(
        "api_token",
        "create",
        username,
        "--company",
        company,
        "--scopes",
        scopes,
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())["token"]


def bearer(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_metrics_token_writes_metrics_of_its_company_only(litong, set_clock):
    """metrics:write for 力同: its metrics load (the import's report); results, the
    appraisals and anything of 易佳利 are out of reach; only a hash is stored."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    secret = token("hr", "metrics:write")
    assert not ApiToken.objects.filter(digest__contains=secret).exists()
    c = bearer(secret)
    rows = [
        {"number": cs.a["ecom02"].employee.number, "indicator": k, "value": v}
        for k, v in ECOM_SYSTEM.items()
    ]
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["created"] == 6
    assert Appraisal.objects.get(pk=cs.a["ecom02"].pk).values["system"]["reply_rate"] == "1"
    refused = c.get("/api/v1/results/")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert c.get("/api/v1/appraisals/").status_code == 403  # no read scope
    other = Company.objects.get(code="yijiali")
    yj = Department.objects.filter(company=other).first()
    from engine.appraisals import services

    yj_cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["yj_hr"],
        company=other,
        kind="month",
        period="2026-10",
        department_ids=[yj.pk],
    )
    r = c.put(
        f"/api/v1/cycles/{yj_cycle.pk}/metrics/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert AuditEvent.objects.filter(action="api_token_use").count() == 1  # once a day


def test_reading_tokens_and_refusals(litong, set_clock):
    """A read token lists cycles of its company only; a wrong token is 401 with a
    problem; a revoked one too; an unknown address is a JSON 404; a bad body is a 400
    naming the field."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    secret = token("hr", "read,results:read")
    c = bearer(secret)
    periods = [x["company"] for x in c.get("/api/v1/cycles/").json()["results"]]
    assert periods == ["litong"]
    bad = bearer("jx_nothing.atall").get("/api/v1/cycles/")
    assert bad.status_code == 401 and bad.json()["field"] == "authorization"
    assert c.get("/api/v1/nowhere/").status_code == 404
    assert c.get("/api/v1/nowhere/")["Content-Type"] == "application/problem+json"
    r = c.put(f"/api/v1/cycles/{cs.cycle.pk}/metrics/", "{}", content_type="application/json")
    assert r.status_code == 403  # read tokens write nothing
    call_command("api_token", "revoke", secret[3:11], stdout=StringIO())
    assert c.get("/api/v1/cycles/").status_code == 401
    session = Client()
    session.force_login(litong.u["staff02"])
    r = session.post("/api/v1/cycles/", "{", content_type="application/json")
    assert r.status_code == 400 and r.json()["status"] == 400


def test_each_token_has_its_own_budget(litong, settings):
    """At 3 calls a minute the fourth is 429 with Retry-After, as a problem; another
    token still has its own three."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/min"},
    }
    first, second = bearer(token("hr", "read")), bearer(token("gm", "read"))
    assert [first.get("/api/v1/packs/").status_code for _ in range(3)] == [200, 200, 200]
    r = first.get("/api/v1/packs/")
    assert r.status_code == 429 and r["Retry-After"] and r.json()["rule"] == "rate"
    assert second.get("/api/v1/packs/").status_code == 200


def test_no_token_prefix_starts_with_a_dash(litong, monkeypatch):
    """A prefix is what `api_token revoke PREFIX` takes: one starting with "-" would be
    read as an option (1 token in 64 before), so the secret is drawn again."""
    drawn = iter(["-" + "a" * 42, "b" * 43])
    monkeypatch.setattr("engine.api.tokens.secrets.token_urlsafe", lambda n: next(drawn))
    secret = token("hr", "read")
    assert secret.startswith("jx_bbbbbbbb.")
    call_command("api_token", "revoke", secret[3:11], stdout=StringIO())
