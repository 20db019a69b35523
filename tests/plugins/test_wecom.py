"""The sign-in and directory plugins (issue 23), through the example `jixiao-wecom`
against a small fake WeCom the test starts: the right person signs in, a stranger and
a replayed state are refused with words (never a 500), and `directory sync` lists the
changes on a dry run, then hires the new employee and moves a changed one."""

from __future__ import annotations

import datetime as dt
import http.server
import importlib.metadata as md
import importlib.util
import json
import threading
import tomllib
import urllib.parse
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from engine.org import services as org_services
from engine.org import signin
from engine.org.models import Employee

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jixiao-wecom"
TOKEN = "wecom-access-token"


class WeCom(http.server.BaseHTTPRequestHandler):
    """gettoken, auth/getuserinfo, user/get, department/list and user/list, as WeCom
    documents them; `codes` is who each sign-in code belongs to."""

    codes: dict = {}
    departments: list = []
    members: list = []

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/cgi-bin/gettoken":
            if q.get("corpsecret") != "s3cret":
                return self._json({"errcode": 40001, "errmsg": "invalid credential"})
            return self._json({"errcode": 0, "access_token": TOKEN, "expires_in": 7200})
        if q.get("access_token") != TOKEN:
            return self._json({"errcode": 40014, "errmsg": "invalid access_token"})
        if url.path == "/cgi-bin/auth/getuserinfo":
            who = self.codes.get(q.get("code"))
            if who is None:
                return self._json({"errcode": 40029, "errmsg": "invalid code"})
            return self._json({"errcode": 0, **who})
        if url.path == "/cgi-bin/user/get":
            found = [m for m in self.members if m["userid"] == q.get("userid")]
            if not found:
                return self._json({"errcode": 60111, "errmsg": "userid not found"})
            return self._json({"errcode": 0, **found[0]})
        if url.path == "/cgi-bin/department/list":
            return self._json({"errcode": 0, "department": self.departments})
        if url.path == "/cgi-bin/user/list":
            return self._json({"errcode": 0, "userlist": self.members})
        self._json({"errcode": 404, "errmsg": "no such api"})

    def _json(self, data):
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _member(userid, name, dept, *, hired="2024-03-01", leader=None, heads=False, **more):
    return {
        "userid": userid,
        "name": name,
        "department": [dept],
        "main_department": dept,
        "position": "销售代表",
        "is_leader_in_dept": [1 if heads else 0],
        "direct_leader": [leader] if leader else [],
        "status": 1,
        "extattr": {"attrs": [{"type": 0, "name": "入职日期", "text": {"value": hired}}]},
        **more,
    }


@pytest.fixture
def wecom(monkeypatch, org):
    """The fake WeCom, the plugin configured for it and registered under
    `jixiao.signin` (imported from examples/ when this environment did not install it),
    and acme's HR."""
    if importlib.util.find_spec("jixiao_wecom") is None:
        monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.setattr(
        signin.metadata,
        "entry_points",
        lambda group: (
            [md.EntryPoint("wecom", "jixiao_wecom", group)] if group == signin.GROUP else []
        ),
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WeCom)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for name, value in {
        "CORP_ID": "ww-acme",
        "SECRET": "s3cret",
        "AGENT_ID": "1000002",
        "API": base,
        "LOGIN": f"{base}/wwlogin/sso/login",
    }.items():
        monkeypatch.setenv(f"JIXIAO_WECOM_{name}", value)
    WeCom.codes, WeCom.departments = {}, [{"id": 1, "name": "Acme", "parentid": 0}]
    WeCom.members = [_member("boss", "boss", 1, heads=True, email="boss@acme.example")]
    hr = get_user_model().objects.create_user("hr")
    org_services.company_role_grant(actor=None, company=org["company"], user=hr, role="hr")
    yield WeCom
    server.shutdown()


def _start(c: Client, next_url: str = "/inbox/") -> dict:
    r = c.get(f"/accounts/signin/wecom/start/?next={next_url}")
    assert r.status_code == 302
    url = urllib.parse.urlsplit(r["Location"])
    assert url.path == "/wwlogin/sso/login"
    q = dict(urllib.parse.parse_qsl(url.query))
    assert (q["appid"], q["agentid"], q["login_type"]) == ("ww-acme", "1000002", "CorpApp")
    assert q["redirect_uri"] == "http://testserver/accounts/signin/wecom/callback/"
    return q


def _back(c: Client, q: dict, code: str):
    """The browser back from WeCom with the code of the person who signed in there."""
    return c.get("/accounts/signin/wecom/callback/", {"code": code, "state": q["state"]})


def test_the_sign_in_page_has_a_button_per_plugin_in_the_readers_language(wecom):
    """One button per sign-in plugin, named by `label_zh`/`label_en` as the reader reads."""
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/accounts/login/?next=/inbox/").content
    assert "使用企业微信登录" in zh.decode()
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert 'id="signin-wecom"' in en and "Sign in with WeCom" in en


def test_the_button_is_hidden_while_the_plugin_is_not_configured(wecom, monkeypatch):
    """`enabled()` False: no button, and its addresses (and unknown plugins') are 404."""
    monkeypatch.delenv("JIXIAO_WECOM_CORP_ID")
    assert "signin-wecom" not in Client().get("/accounts/login/").content.decode()
    assert Client().get("/accounts/signin/wecom/start/").status_code == 404
    assert Client().get("/accounts/signin/nothing/callback/?state=x").status_code == 404


def test_the_wecom_person_signs_in_to_their_account(wecom, org):
    """Matched by e-mail first (WeCom's `email`), else by username (the userid)."""
    low = org["low"].user
    low.email = "Low@Acme.example"
    low.save()
    wecom.members.append(_member("li.low", "Low", 1, email="low@acme.example"))
    wecom.members.append(_member("mid", "Mid", 1))
    wecom.codes = {"c-low": {"userid": "li.low"}, "c-mid": {"userid": "mid"}}
    count = get_user_model().objects.count()
    c = Client()
    r = _back(c, _start(c), "c-low")
    assert (r.status_code, r["Location"]) == (302, "/inbox/")
    assert int(c.session["_auth_user_id"]) == low.pk
    c = Client()
    r = _back(c, _start(c, "https://evil.example/"), "c-mid")
    assert (r.status_code, r["Location"]) == (302, "/")  # another site is never the way back
    assert int(c.session["_auth_user_id"]) == org["mid"].user.pk
    assert get_user_model().objects.count() == count


def test_a_stranger_an_outsider_and_a_replayed_state_are_refused(wecom, org):
    """No account with the address or userid, not a member, a leaver: 403 with words; the
    state is accepted once (a replay or a forged one: 400, and the forged try uses it up)."""
    wecom.members += [
        _member("stranger", "Stranger", 1, email="x@elsewhere.example"),
        _member("low", "low", 1),
        _member("mid", "mid", 1),
    ]
    wecom.codes = {
        "c-stranger": {"userid": "stranger"},
        "c-outsider": {"openid": "o-123"},
        "c-low": {"userid": "low"},
    }
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = _back(c, _start(c), "c-stranger")
    assert r.status_code == 403 and "_auth_user_id" not in c.session
    assert "您的企业微信账号" in r.content.decode()
    r = _back(c, _start(c), "c-outsider")
    assert r.status_code == 403 and "企业微信未能确认您的身份" in r.content.decode()
    # a leaver's account is closed: refused like a stranger
    org["mid"].user.is_active = False
    org["mid"].user.save()
    wecom.codes["c-mid"] = {"userid": "mid"}
    assert _back(c, _start(c), "c-mid").status_code == 403
    # the state is good once: the same link again is refused, and so is a forged one
    q = _start(c)
    assert _back(c, q, "c-low").status_code == 302
    c.logout()
    again = _back(c, q, "c-low")
    assert again.status_code == 400 and "_auth_user_id" not in c.session
    q = _start(c)
    assert _back(c, {"state": "forged"}, "c-low").status_code == 400
    assert _back(c, q, "c-low").status_code == 400  # the forged try used it up


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?code=x",
        "?state=",
        f"?state={'s' * 300}",
        "?state=a&code=" + "x" * 3000,
        "?code=x&state=a",
    ],
)
def test_bad_or_missing_callback_parameters_get_a_clear_refusal(wecom, query):
    """Missing, empty, oversized or wrong callback parameters: 400 with the refusal page."""
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    _start(c)
    r = c.get(f"/accounts/signin/wecom/callback/{query}")
    assert r.status_code == 400
    assert "This sign-in has expired or was already used" in r.content.decode()
    assert c.post("/accounts/signin/wecom/callback/").status_code in (302, 405)


def test_wecom_down_or_refusing_is_a_refusal_not_a_500(wecom, monkeypatch):
    """WeCom refusing the app's secret, or not listening: the refusal page, never a 500."""
    wecom.codes = {"c-boss": {"userid": "boss"}}
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    q = _start(c)
    monkeypatch.setenv("JIXIAO_WECOM_SECRET", "wrong")
    r = _back(c, q, "c-boss")
    assert r.status_code == 403 and "WeCom did not say who you are" in r.content.decode()
    monkeypatch.setenv("JIXIAO_WECOM_API", "http://127.0.0.1:9")  # nothing listens
    assert _back(c, _start(c), "c-boss").status_code == 403


def sync(*args):
    """(exit code, JSON report or None, stderr) of `directory sync`."""
    out, err = StringIO(), StringIO()
    try:
        call_command("directory", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue()
    return code, (json.loads(text) if text.strip().startswith("{") else text), err.getvalue()


def test_directory_sync_dry_run_then_apply(wecom, org):
    """A dry run lists each change and writes nothing; applied, the new employee is hired
    with WeCom's userid, address and leader, a moved one changes department, a leaver in
    WeCom is left alone; the same directory again changes nothing."""
    wecom.departments.append({"id": 2, "name": "销售部", "parentid": 1})
    wecom.members += [
        _member("mid", "mid", 2, leader="boss"),
        _member("zhang.san", "张三", 2, leader="mid", email="zhang.san@acme.example"),
        {**_member("low", "low", 2), "status": 5},  # left in WeCom: not synced
    ]
    code, report, err = sync("sync", "wecom", "--company", "acme", "--dry-run", "--json")
    assert (code, err, report["ok"], report["dry_run"]) == (0, "", True, True)
    whats = {c["what"]: c for c in report["changes"]}
    assert whats["new employee zhang.san"]["after"] == "张三 · 销售部 · 销售代表"
    assert whats["mid (mid) · department"] == {
        "row": 2,
        "what": "mid (mid) · department",
        "before": "Sub",
        "after": "销售部",
    }
    assert not Employee.objects.filter(number="zhang.san").exists()  # nothing written
    assert Employee.objects.get(number="mid").department.code == "sub"
    code, text, _ = sync("sync", "wecom", "--company", "acme", "--dry-run")
    assert code == 0 and "(dry run)" in text and "row 3: new employee zhang.san" in text

    code, report, err = sync("sync", "wecom", "--company", "acme", "--json")
    assert (code, report["ok"], report["changed"]) == (0, True, True)
    zhang = Employee.objects.select_related("user", "department", "supervisor").get(
        number="zhang.san"
    )
    assert (zhang.name, zhang.department.code, zhang.supervisor.number) == ("张三", "wx2", "mid")
    assert (zhang.user.username, zhang.user.email) == ("zhang.san", "zhang.san@acme.example")
    assert zhang.hire_date == dt.date(2024, 3, 1)
    assert Employee.objects.get(number="mid").department.name == "销售部"
    assert Employee.objects.get(number="boss").department.head.number == "boss"
    # the same directory again changes nothing; mid moved back to Acme in WeCom is applied
    code, report, _ = sync("sync", "wecom", "--company", "acme", "--json")
    assert (code, report["created"], report["updated"]) == (0, 0, 0)
    wecom.members[1] = _member("mid", "mid", 1, leader="boss")
    code, report, _ = sync("sync", "wecom", "--company", "acme", "--json")
    assert (code, report["updated"]) == (0, 1)
    assert Employee.objects.get(number="mid").department.code == "wx1"


def test_directory_bad_rows_and_bad_arguments(wecom, org, monkeypatch):
    """A member without a hire date is a bad row as the import reports it (exit 2, nothing
    changed); bad arguments: one line, exit 2; WeCom refusing: one line, exit 1."""
    wecom.members.append(_member("wu", "吴", 1, hired=""))
    code, report, err = sync("sync", "wecom", "--company", "acme", "--json")
    assert code == 2 and report["ok"] is False
    assert report["errors"][0]["column"] == "hire_date" and report["errors"][0]["row"] == 2
    assert err.strip() == "row 2, column 'Hire date': a date such as 2026-03-01; nothing changed"
    assert not Employee.objects.filter(number="wu").exists()
    for args, line in [
        (("sync", "nothing", "--company", "acme"), "plugin: no directory plugin 'nothing'"),
        (("sync", "wecom", "--company", "nope"), "company: no company 'nope'"),
        (("sync", "wecom", "--company", "acme", "--as", "boss"), "as: no HR user boss in acme"),
    ]:
        code, _, err = sync(*args)
        assert code == 2 and err.startswith(line) and "\n" not in err.strip(), err
    monkeypatch.setenv("JIXIAO_WECOM_SECRET", "wrong")
    code, _, err = sync("sync", "wecom", "--company", "acme")
    assert code == 1 and "the directory could not be read" in err


def test_the_example_declares_its_entry_point():
    """The example registers itself under `jixiao.signin`, the group the engine reads."""
    meta = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["jixiao.signin"] == {"wecom": "jixiao_wecom"}


def test_a_broken_sign_in_plugin_never_breaks_the_sign_in_page(wecom, monkeypatch):
    """One that cannot be imported is left out; one whose `enabled()` raises is hidden."""

    class Raising:
        label_zh = label_en = "Raising"

        @staticmethod
        def enabled():
            raise RuntimeError("misconfigured")

        @staticmethod
        def jixiao_signin_url(state, redirect_uri):
            return "https://example.com/"

        @staticmethod
        def jixiao_signin_identity(params, redirect_uri):
            return None

    class EP:
        def __init__(self, name, load):
            self.name, self.load = name, load

    def missing():
        raise ImportError("no module named jixiao_gone")

    monkeypatch.setattr(
        signin.metadata,
        "entry_points",
        lambda group: [
            EP("gone", missing),
            EP("raising", lambda: Raising),
            md.EntryPoint("wecom", "jixiao_wecom", group),
        ],
    )
    page = Client().get("/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'id="signin-wecom"' in html and "signin-raising" not in html and "signin-gone" not in html
    )
