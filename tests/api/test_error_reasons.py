"""Issue 24: a refused value says the rule it broke ("7 is too high: at most 5", not
"'7' is not a number"), in the caller's language: the request's Accept-Language first,
else the language the token's person chose (Employee.language), else the default
(Chinese)."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from engine.org.models import Employee
from tests.month import at, open_department

pytestmark = pytest.mark.django_db


def _token(scopes: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("api_token", "create", "hr", "--company", "litong", "--scopes", scopes,
                 "--json", stdout=out)  # fmt: skip
    return json.loads(out.getvalue())["token"]


def _csat(litong, set_clock, client, value) -> list[str]:
    """One csat metric (a 1–5 score) for a support agent: the report's reasons."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    agent = next(a for a in cs.a.values() if a.role == "support_agent")
    row = {"number": agent.employee.number, "indicator": "csat", "value": value}
    r = client.put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": [row]}),
        content_type="application/json",
    )
    assert r.status_code in (200, 422), r.content
    return [e["reason"] for e in r.json()["errors"]]


@pytest.mark.parametrize(
    ("value", "language", "reason"),
    [
        ("7", "en", "7 is too high: at most 5."),
        (7, "en", "7 is too high: at most 5."),
        ("0.5", "en", "0.5 is too low: at least 1."),
        ("7", "zh-hans", "7 太大：最多为 5。"),
        ("0.5", "zh-hans", "0.5 太小：至少为 1。"),
        ("seven", "en", "seven is not a number: enter one such as 4.5."),
    ],
)
def test_a_metric_beyond_its_scale_is_refused_with_the_rule(
    litong, set_clock, value, language, reason
):
    """csat has min_value 1 and max_value 5: the report names the limit broken."""
    hr = Client(HTTP_ACCEPT_LANGUAGE=language)
    hr.force_login(litong.u["hr"])
    assert _csat(litong, set_clock, hr, value) == [reason]


def test_a_token_speaks_its_persons_language_unless_the_request_says(litong, set_clock):
    """No Accept-Language: HR chose English on the pages, so English; with one, that
    language; a person who chose none: the installation's default, Chinese."""
    bearer = _token("metrics:write,results:read")
    hr = Employee.objects.get(user=litong.u["hr"])
    hr.language = "en"
    hr.save(update_fields=["language"])
    plain = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert _csat(litong, set_clock, plain, "7") == ["7 is too high: at most 5."]
    r = plain.get("/api/v1/results/?since=x")
    assert (r.status_code, r.json()["field"]) == (400, "since")
    assert r.json()["detail"] == "a whole number from 0 to 2147483647"
    assert r["Content-Language"] == "en"

    zh = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.get("/api/v1/results/?since=x").json()["detail"] == "须为 0 到 2147483647 之间的整数"
    hr.language = ""
    hr.save(update_fields=["language"])
    assert plain.get("/api/v1/results/?since=x").json()["detail"] == (
        "须为 0 到 2147483647 之间的整数"
    )


@pytest.mark.parametrize(
    ("language", "points", "detail"),
    [
        ("en", 30, "points must be between 0 and 25"),
        ("zh-hans", 30, "分数须在 0 到 25 之间"),
        ("en", "thirty", "thirty is not a number of points"),
        ("zh-hans", "thirty", "thirty 不是分数"),
    ],
)
def test_a_step_value_out_of_range_says_the_range_in_both_languages(
    workshop, set_clock, language, points, detail
):
    """The supervisor's 0–25 points typed as 30 or as a word, through the API."""
    from tests.month import step, submit

    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    boss = Client(HTTP_ACCEPT_LANGUAGE=language)
    boss.force_login(workshop.u["workshop_head"])
    r = boss.post(
        f"/api/v1/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        json.dumps({"data": {"values": {"attitude": points}}}),
        content_type="application/json",
    )
    body = r.json()
    assert (r.status_code, body["field"], body["rule"]) == (
        400,
        "values.attitude",
        "range" if points == 30 else "type",
    )
    assert body["detail"] == detail


def test_an_unknown_token_is_refused_in_the_requests_language():
    """401 in English when asked so, in Chinese by default."""
    en = Client(HTTP_AUTHORIZATION="Bearer jx_nothing.here", HTTP_ACCEPT_LANGUAGE="en")
    assert en.get("/api/v1/packs/").json()["detail"] == "the token is not valid"
    zh = Client(HTTP_AUTHORIZATION="Bearer jx_nothing.here")
    assert zh.get("/api/v1/packs/").json()["detail"] == "令牌无效"
