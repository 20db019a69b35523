"""Issue 24: HR manages API tokens without the command line — through /api/v1/tokens/
(HR's session) and on /hr/tokens/: create (the secret answered once), list with scopes,
created, expiry and last use, revoke; every create and revoke in the audit trail; expiry
enforced; bad input a 4xx naming the field; non-HR 403, another company's token 404; no
token manages tokens."""

import datetime as dt
import json
import re

import pytest
from django.test import Client

from engine.api.models import ApiToken
from engine.audit.models import AuditEvent
from tests.month import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/tokens/"


def session(litong, username) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(litong.u[username])
    return c


def create(c, **body):
    data = {"company": "litong", "user": "hr", "scopes": ["read"], **body}
    return c.post(URL, json.dumps(data), content_type="application/json")


def test_hr_creates_lists_uses_and_revokes_a_token_and_the_trail_has_both(litong, set_clock):
    """The secret comes once (the list never shows it); the token works until revoked;
    revoking again changes nothing and is not audited twice."""
    set_clock(at(2026, 10, 31, 9))
    hr = session(litong, "hr")
    r = create(hr, scopes=["read", "results:read"], expires_days=30, name="payroll")
    assert r.status_code == 201, r.content
    made = r.json()
    assert made["token"].startswith("jx_") and made["state"] == "active"
    assert made["expires_at"].startswith("2026-11-30")
    assert (made["user"], made["company"], made["last_used_at"]) == ("hr", "litong", None)
    listed = hr.get(URL).json()
    assert set(listed) == {"results", "next", "previous"}
    (row,) = listed["results"]
    assert "token" not in row and row["scopes"] == ["read", "results:read"]
    assert hr.get(f"{URL}{made['id']}/").json()["name"] == "payroll"

    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {made['token']}")
    assert bearer.get("/api/v1/cycles/").status_code == 200
    assert hr.get(f"{URL}{made['id']}/").json()["last_used_at"] is not None

    r = hr.post(f"{URL}{made['id']}/revoke/")
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert bearer.get("/api/v1/cycles/").status_code == 401
    assert hr.post(f"{URL}{made['id']}/revoke/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(object_type="api.apitoken").values_list("action", flat=True)
    )
    assert actions.count("api_token_create") == 1 and actions.count("api_token_revoke") == 1


def test_a_token_stops_at_its_expiry(litong, set_clock):
    """A one-day token works until the minute it expires, then is a 401."""
    set_clock(at(2026, 10, 31, 9))
    secret = create(session(litong, "hr"), expires_days=1).json()["token"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    set_clock(at(2026, 11, 1, 8, 59))
    assert bearer.get("/api/v1/packs/").status_code == 200
    set_clock(at(2026, 11, 1, 9, 0))
    r = bearer.get("/api/v1/packs/")
    assert r.status_code == 401 and r.json()["field"] == "authorization"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_days": 0}, "expires_days"),
        ({"expires_days": 731}, "expires_days"),
        ({"expires_days": "soon"}, "expires_days"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["write"]}, "scopes[0]"),
        ({"scopes": "read"}, "scopes"),
        ({"user": "nobody-here"}, "user"),
        ({"user": "yj_hr"}, "user"),  # of another company
        ({"user": "a b"}, "user"),
        ({"name": "x" * 101}, "name"),
        ({"company": "no such!"}, "company"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(litong, body, field):
    """Each bad field of a creation is a problem+json 400 naming it; nothing made."""
    r = create(session(litong, "hr"), **body)
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["field"] == field
    assert not ApiToken.objects.exists()


def test_a_scope_beyond_the_persons_rights_is_refused_at_scopes(litong):
    """staff02 reads no results with their own sign-in: nor does a token acting as them."""
    r = create(session(litong, "hr"), user="staff02", scopes=["read", "results:read"])
    assert (r.status_code, r.json()["field"], r.json()["rule"]) == (403, "scopes", "rights")
    assert "results:read" in r.json()["detail"]


def test_non_hr_403_other_company_404_and_no_token_manages_tokens(litong):
    """staff02 is refused (403); yj_hr neither sees, reads nor revokes litong's token (404);
    a token, even HR's, neither lists nor creates tokens."""
    hr = session(litong, "hr")
    made = create(hr, scopes=["read"]).json()
    staff = session(litong, "staff02")
    assert staff.get(URL).status_code == 403
    assert create(staff).status_code == 403
    assert staff.post(f"{URL}{made['id']}/revoke/").status_code == 403
    other = session(litong, "yj_hr")
    assert other.get(URL).json()["results"] == []
    assert other.get(f"{URL}{made['id']}/").status_code == 404
    assert other.post(f"{URL}{made['id']}/revoke/").status_code == 404
    assert other.get(f"{URL}?company=litong").status_code == 404
    assert create(other).status_code == 404  # litong: not a company they reach
    assert ApiToken.objects.get().revoked_at is None
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {made['token']}")
    assert bearer.get(URL).status_code == 403  # HR's own token: tokens need a session
    r = bearer.post(
        URL,
        json.dumps({"company": "litong", "user": "hr", "scopes": ["read"]}),
        content_type="application/json",
    )
    assert r.status_code == 403 and ApiToken.objects.count() == 1


# --- the page ------------------------------------------------------------------------

PAGE = "/hr/tokens/?company=litong"


def test_the_page_creates_shows_the_secret_once_and_revokes_after_asking(litong, set_clock):
    """The menu links the page; a creation redirects and the next page shows the secret,
    the one after it no more; revoking asks first, then revokes and is audited."""
    set_clock(at(2026, 10, 31, 9))
    hr = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    hr.force_login(litong.u["hr"])
    page = hr.get(PAGE)
    assert page.status_code == 200 and 'id="nav-tokens"' in page.content.decode()
    me = litong.u["hr"].employee
    posted = {"company": "litong", "person": me.pk, "scopes": ["read"], "days": "90", "name": "CRM"}
    r = hr.post(PAGE, posted)
    assert r.status_code == 302
    token = ApiToken.objects.get()
    shown = hr.get(PAGE).content.decode()
    assert 'id="new-secret"' in shown and f"jx_{token.prefix}." in shown
    again = hr.get(PAGE).content.decode()
    assert 'id="new-secret"' not in again and "CRM" in again  # listed, the secret gone
    assert token.expires_at == at(2026, 10, 31, 9) + dt.timedelta(days=90)

    ask = hr.post(f"/hr/tokens/{token.pk}/revoke/", {"company": "litong"})
    assert ask.status_code == 200 and 'id="revoke-confirm"' in ask.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    done = hr.post(f"/hr/tokens/{token.pk}/revoke/", {"company": "litong", "confirm": "1"})
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token_revoke", actor=litong.u["hr"]).exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"days": "0"}, "days", "至少 1 天"),
        ({"days": "999"}, "days", "最多 730 天"),
        ({"days": "abc"}, "days", "1 到 730"),
        ({"scopes": []}, "scopes", "至少勾选一项"),
        ({"scopes": ["write"]}, "scopes", None),
        ({"person": "999999"}, "person", None),
        ({"scopes": ["read", "audit:read"], "person": "staff02"}, "scopes", "不能"),
    ],
)
def test_the_form_refuses_bad_input_at_the_field_in_chinese(litong, changes, field, words):
    """A bad day count, no or an unknown scope, someone of no company, a scope beyond the
    person: 400, the error at its field in Chinese, nothing made."""
    hr = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    hr.force_login(litong.u["hr"])
    posted = {"company": "litong", "person": litong.u["hr"].employee.pk, "scopes": ["read"]}
    posted.update({"days": "90", "name": "x"})
    if changes.get("person") == "staff02":
        changes = {**changes, "person": litong.u["staff02"].employee.pk}
    r = hr.post(PAGE, {**posted, **changes})
    assert r.status_code == 400
    text = r.content.decode()
    assert f'data-field="{field}"' in text
    if words:
        assert words in text
    assert not ApiToken.objects.exists()


def test_the_page_is_hrs_of_its_own_company(litong):
    """Not HR: 403; another company's HR: 403 on the page, 404 on a litong token."""
    made = create(session(litong, "hr")).json()
    staff = Client()
    staff.force_login(litong.u["staff02"])
    assert staff.get(PAGE).status_code == 403
    other = Client()
    other.force_login(litong.u["yj_hr"])
    assert other.get(PAGE).status_code == 403
    r = other.post(f"/hr/tokens/{made['id']}/revoke/", {"confirm": "1"})
    assert r.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_the_trail_says_a_token_creation_in_words(litong):
    """The audit page names who the token acts as and what it may do in words: no
    scope code and no English field name on a Chinese page."""
    create(session(litong, "hr"), user="hr", scopes=["results:read"], name="payroll")
    auditor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    auditor.force_login(litong.u["hr"])
    page = auditor.get("/audit/?action=api_token_create").content.decode()
    assert "令牌可执行的操作" in page and "读取最终结果（供薪资系统使用）" in page
    assert litong.u["hr"].employee.name in page
    assert "results:read" not in page and "Scopes" not in page


def test_a_revoked_tokens_call_is_a_refusal_and_the_trail_names_the_token(litong, set_clock):
    """HR's "payroll" token, revoked, calls the API: 401, and the trail records the
    refusal on the token as its person (once an hour however often it calls); the
    auditor's page names the token "payroll" in each of its events (created, used,
    revoked, refused) — never by its number — and says the attempt in words."""
    from engine.audit.models import AuditEvent

    set_clock(at(2026, 10, 31, 9))
    hr = session(litong, "hr")
    made = create(hr, name="payroll").json()
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {made['token']}")
    assert bearer.get("/api/v1/cycles/").status_code == 200
    assert hr.post(f"{URL}{made['id']}/revoke/").status_code == 200
    assert bearer.get("/api/v1/cycles/").status_code == 401
    assert bearer.get("/api/v1/packs/").status_code == 401
    refused = AuditEvent.objects.filter(
        object_type="api.apitoken", object_id=str(made["id"]), action="access_denied"
    )
    assert refused.count() == 1
    (e,) = refused
    assert (e.actor_id, e.after["attempt"]) == (litong.u["hr"].pk, "api_revoked")
    auditor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    auditor.force_login(litong.u["auditor"])
    page = auditor.get(f"/audit/?object_type=api.apitoken&object_id={made['id']}").content.decode()
    rows = re.findall(r'<tr data-event="[^"]+">(.*?)</tr>', page, re.S)
    assert len(rows) == 4, page
    assert all("payroll" in r for r in rows)
    assert not any(f"{made['id']} 号" in r for r in rows)
    assert "用已撤销的令牌调用接口" in page
