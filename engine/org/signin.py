"""Sign-in through an enterprise directory that does not speak OpenID Connect (WeCom
企业微信, DingTalk 钉钉 …), as plugins: a distribution registers a module under the
entry-point group `jixiao.signin` implementing `jixiao_signin_url` and
`jixiao_signin_identity` (engine/plugins/hookspecs.py; `examples/jixiao-wecom`).

The plugin only speaks to its provider: the address of its sign-in page for a state,
and who came back. The engine owns the rest: the state (in the session, accepted once,
for ten minutes), the account (the rule of single sign-on, `sso.matching_accounts`:
the same e-mail address, else the same username; never a new account) and the
refusal. The same group carries `jixiao_directory_people` (engine/imports/directory.py).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata as metadata  # tests fake its entry points

from django.utils.translation import get_language

from engine.plugins.groups import plugins_of

from .sso import matching_accounts

log = logging.getLogger(__name__)
GROUP = "jixiao.signin"
SESSION_KEY = "jixiao_signin"
STATE_SECONDS = 600


def _plugins(hook: str) -> dict[str, object]:
    """The installed plugins of the group implementing `hook` (engine/plugins/groups.py)."""
    return plugins_of(GROUP, hook)


def _enabled(plugin) -> bool:
    check = getattr(plugin, "enabled", None)
    if check is None:
        return True
    try:
        return bool(check())
    except Exception:  # a plugin's fault hides its button, never the sign-in page
        log.exception("sign-in plugin %r: enabled() failed", plugin)
        return False


def signin_plugins() -> dict[str, object]:
    """The sign-in plugins offered here: installed, with both hooks, and enabled."""
    return {
        name: p
        for name, p in _plugins("jixiao_signin_url").items()
        if getattr(p, "jixiao_signin_identity", None) is not None and _enabled(p)
    }


def directory_plugins() -> dict[str, object]:
    return _plugins("jixiao_directory_people")


def label(plugin, name: str) -> str:
    """The plugin's name in the reader's language."""
    english = (get_language() or "zh-hans").startswith("en")
    return str(getattr(plugin, "label_en" if english else "label_zh", "") or name)


def buttons() -> list[dict]:
    """One button per sign-in plugin: its name (for the address) and its words."""
    return [{"name": n, "label": label(p, n)} for n, p in sorted(signin_plugins().items())]


class Refused(Exception):
    """Why sign-in through a plugin did not happen; `reason` is one of REASONS."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason, self.status = reason, status


REASONS = ("state", "provider", "unavailable", "no_account")


def signin_start(*, session, name: str, redirect_uri: str, next_url: str = "") -> str:
    """The provider's address for this person's browser; the state is kept in the
    session (a new start replaces an earlier one)."""
    plugin = signin_plugins()[name]
    state = secrets.token_urlsafe(24)
    try:
        url = plugin.jixiao_signin_url(state=state, redirect_uri=redirect_uri)
    except Exception as exc:
        log.exception("sign-in plugin %s: no sign-in address", name)
        raise Refused("unavailable", 503) from exc
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise Refused("unavailable", 503)
    session[SESSION_KEY] = {
        "plugin": name,
        "state": state,
        "next": next_url,
        "at": time.time(),
    }
    return url


@dataclass(frozen=True)
class SignedIn:
    user: object
    next_url: str


def _who(found) -> tuple[str, str]:
    if isinstance(found, Mapping):
        return str(found.get("email") or ""), str(found.get("username") or "")
    if isinstance(found, str):
        return found, found
    return "", ""


def signin_finish(*, session, name: str, params: Mapping[str, str], redirect_uri: str):
    """The account the provider's person signs in to, or `Refused`. The state is used
    up whatever the outcome."""
    plugin = signin_plugins()[name]
    kept = session.pop(SESSION_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("plugin") != name
        or not secrets.compare_digest(str(kept.get("state", "")), params.get("state", ""))
        or time.time() - float(kept.get("at", 0)) > STATE_SECONDS
    ):
        raise Refused("state", 400)
    try:
        found = plugin.jixiao_signin_identity(params=dict(params), redirect_uri=redirect_uri)
    except Exception as exc:
        log.exception("sign-in plugin %s: no identity", name)
        raise Refused("provider") from exc
    email, username = _who(found)
    if not (email.strip() or username.strip()):
        raise Refused("provider")
    accounts = list(matching_accounts(email=email, username=username)[:2])
    if len(accounts) != 1:  # none, or two sharing the address: which one is not ours to guess
        raise Refused("no_account")
    return SignedIn(accounts[0], str(kept.get("next") or ""))
