"""axe-core on every page each demo role reaches: zero violations at any impact.

axe-core comes from the `axe-playwright-python` wheel (a dev dependency), read from the
installed package and injected into each page: nothing is fetched from the internet. The
people's links are followed as in the crawl (tests/web/walk.py), at most a few pages of
each kind (`/appraisals/N/` is one kind), so the run stays short while every view, and
an appraisal in each of its states, is checked."""

import time
from importlib import resources

import pytest
from django.test import override_settings
from playwright.sync_api import Error as PlaywrightError

from engine.demo.packs import demo_cycle
from tests.browser.conftest import log_in
from tests.web.walk import url_pattern, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()
RUN = (
    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
    "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))"
)
# One person per demo role: employee, supervisor (a department head), HR, GM, board, auditor.
ROLES = {
    "employee": "ecom02",
    "supervisor": "cs_head",
    "hr": "hr",
    "gm": "gm",
    "board": "board",
    "auditor": "auditor",
}
# Beyond axe: a disabled button looks disabled (the stylesheet's grey, not-allowed
# cursor) and says why in its title or a described-by text.
DISABLED = """() => [...document.querySelectorAll("button:disabled")]
  .filter((b) => !(b.title || b.getAttribute("aria-describedby"))
    || getComputedStyle(b).cursor !== "not-allowed")
  .map((b) => ({id: "disabled-button-without-reason", impact: "serious",
    nodes: [b.outerHTML.slice(0, 120)]}))"""
PER_KIND = 2  # an appraisal in two states (open step, published), each HR page twice


class _Page:
    """What tests.web.walk reads from a response, taken from the browser's page."""

    def __init__(self, status: int, content_type: str, html: str):
        self.status_code, self.content = status, html.encode()
        self._headers = {"Content-Type": content_type}

    def get(self, key: str, default: str = "") -> str:
        return self._headers.get(key, default)


class BrowserClient:
    """`client.get(url)` for tests.web.walk, driving a signed-in browser page."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base

    def get(self, url: str) -> _Page:
        try:
            response = self.page.goto(self.base + url)
        except PlaywrightError:  # a download: no page to check
            return _Page(0, "", "")
        if response is None:
            return _Page(0, "", "")
        kind = response.headers.get("content-type", "")
        return _Page(response.status, kind, self.page.content() if "text/html" in kind else "")


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE)
    return page.evaluate(RUN) + page.evaluate(DISABLED)


@override_settings(DEBUG=True)
def test_axe_finds_nothing_on_any_page_as_any_role(live_server, browser, litong_live):
    """Signed out, then as each demo role: every page reached by links has no axe
    violation at any impact, no unexplained disabled button, and no link refuses."""
    demo_cycle(finished_months=1)  # a finished month (published, appealed, final) and the open one
    started = time.monotonic()
    base, found, counts = live_server.url, [], {}
    ctx = browser.new_context(locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/accounts/login/")
    found += [("anonymous", "/accounts/login/", v) for v in axe_violations(page)]
    ctx.close()
    for role, username in ROLES.items():
        ctx, page = log_in(browser, base, username)
        client, pages = BrowserClient(page, base), 0
        for url, r in walk(client, 400, kind=url_pattern, per_kind=PER_KIND):
            assert r.status_code < 400, (username, url)  # no link leads to a refusal
            if "text/html" not in r.get("Content-Type"):
                continue
            pages += 1
            found += [(username, url, v) for v in axe_violations(page)]
        counts[role] = pages
        ctx.close()
    by_rule: dict[str, int] = {}
    for _who, _url, v in found:
        by_rule[v["id"]] = by_rule.get(v["id"], 0) + 1
    took = time.monotonic() - started
    print(f"\naxe: {sum(counts.values()) + 1} pages checked {counts} in {took:.0f} s: {by_rule}")
    assert counts["hr"] > 20 and all(counts.values()), counts
    assert [(who, url, v["id"], v["impact"], v["nodes"][:3]) for who, url, v in found] == []
