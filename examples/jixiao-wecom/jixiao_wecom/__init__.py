"""Sign-in with WeCom (企业微信) and its contacts as jixiao's people, by WeCom's
documented server API (https://developer.work.weixin.qq.com/document/path/91022 …):

- the sign-in page: `{LOGIN}?login_type=CorpApp&appid=CORP&agentid=AGENT&redirect_uri=…&state=…`,
  which comes back with `?code=…&state=…`;
- `GET {API}/cgi-bin/gettoken?corpid=…&corpsecret=…` → `{"errcode": 0, "access_token": …}`;
- `GET {API}/cgi-bin/auth/getuserinfo?access_token=…&code=…` → `{"errcode": 0, "userid": …}`
  (a person outside the company gets an `openid` and no `userid`);
- `GET {API}/cgi-bin/user/get?access_token=…&userid=…` → the member (`email`, `biz_mail` …);
- `GET {API}/cgi-bin/department/list?access_token=…` → `{"department": [{id, name, parentid}]}`;
- `GET {API}/cgi-bin/user/list?access_token=…&department_id=1&fetch_child=1` →
  `{"userlist": [{userid, name, department, main_department, position, email,
  is_leader_in_dept, direct_leader, status, extattr}]}`.

Configured by environment variables (README.md): `JIXIAO_WECOM_CORP_ID`,
`JIXIAO_WECOM_SECRET`, `JIXIAO_WECOM_AGENT_ID`, `JIXIAO_WECOM_API`, `JIXIAO_WECOM_LOGIN`,
`JIXIAO_WECOM_HIRE_DATE_ATTR`.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
import urllib.request

from engine.plugins.hookspecs import hookimpl

# How a person sees this plugin on the sign-in page.
label_zh = "企业微信"
label_en = "WeCom"

ACTIVE = {1, 4}  # 1 activated, 4 not yet activated; 2 disabled and 5 left are not people here


class WeComError(Exception):
    """WeCom answered with an error code (errcode ≠ 0) or not at all."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"JIXIAO_WECOM_{name}", default).strip()


def enabled() -> bool:
    """The button shows only when a company is configured."""
    return bool(_env("CORP_ID"))


def _get(path: str, **query) -> dict:
    base = _env("API", "https://qyapi.weixin.qq.com").rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise WeComError("JIXIAO_WECOM_API must be an http(s) address")
    url = f"{base}{path}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 — checked above
        data = json.loads(answer.read().decode("utf-8"))
    if not isinstance(data, dict) or data.get("errcode", 0) != 0:
        raise WeComError(f"{path}: {data.get('errcode')} {data.get('errmsg')}")
    return data


def _token() -> str:
    return _get("/cgi-bin/gettoken", corpid=_env("CORP_ID"), corpsecret=_env("SECRET"))[
        "access_token"
    ]


@hookimpl
def jixiao_signin_url(state: str, redirect_uri: str) -> str:
    query = {
        "login_type": "CorpApp",
        "appid": _env("CORP_ID"),
        "agentid": _env("AGENT_ID"),
        "redirect_uri": redirect_uri,
        "state": state,
    }
    login = _env("LOGIN", "https://login.work.weixin.qq.com/wwlogin/sso/login")
    return f"{login}?{urllib.parse.urlencode(query)}"


@hookimpl
def jixiao_signin_identity(params: dict, redirect_uri: str):
    code = params.get("code", "")
    if not code:
        return None  # the person cancelled at WeCom
    token = _token()
    found = _get("/cgi-bin/auth/getuserinfo", access_token=token, code=code)
    userid = found.get("userid") or found.get("UserId")
    if not userid:
        return None  # not a member of the company (an openid only)
    member = _get("/cgi-bin/user/get", access_token=token, userid=userid)
    return {"email": member.get("email") or member.get("biz_mail") or "", "username": userid}


def _code(prefix: str, text: str) -> str:
    return f"{prefix}{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _hire_date(member: dict) -> str:
    name = _env("HIRE_DATE_ATTR", "入职日期")
    for attr in (member.get("extattr") or {}).get("attrs", []):
        if attr.get("name") == name:
            return str((attr.get("text") or {}).get("value", ""))
    return ""


def _row(member: dict, departments: dict, used: set) -> dict:
    dept = member.get("main_department") or (member.get("department") or [0])[0]
    ids = member.get("department") or []
    leads = member.get("is_leader_in_dept") or []
    heads = dept in ids and ids.index(dept) < len(leads) and leads[ids.index(dept)] == 1
    parent = departments.get(dept, {}).get("parentid")
    position = str(member.get("position") or "").strip() or "员工"
    return {
        "department_code": f"wx{dept}",
        "department_name": departments.get(dept, {}).get("name", f"{dept}"),
        "parent_department_code": f"wx{parent}" if parent in used else "",
        "position_code": _code("p", position),
        "position_name": position,
        "number": member["userid"],
        "name": member.get("name", ""),
        "hire_date": _hire_date(member),
        "supervisor_number": (member.get("direct_leader") or [""])[0],
        "heads_department": "yes" if heads else "",
        "email": member.get("email") or member.get("biz_mail") or "",
        "username": member["userid"],
    }


@hookimpl
def jixiao_directory_people(company_code: str) -> list:
    token = _token()
    departments = {
        d["id"]: d for d in _get("/cgi-bin/department/list", access_token=token)["department"]
    }
    root = min(departments) if departments else 1
    members = [
        m
        for m in _get("/cgi-bin/user/list", access_token=token, department_id=root, fetch_child=1)[
            "userlist"
        ]
        if m.get("status", 1) in ACTIVE
    ]
    used = {m.get("main_department") or (m.get("department") or [0])[0] for m in members}
    return [_row(m, departments, used) for m in members]
