"""Every page people use, at 390 px wide in Chinese and in English: nothing scrolls
sideways, the header keeps the log-out button on screen, no number or badge breaks
across lines, and the versions table of a changed result fits its own box."""

import pytest
from django.db.models import Count
from django.test import override_settings

from engine.appraisals.models import Appraisal
from engine.demo.packs import demo_cycle
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "staff02": ["/", "/inbox/", "/mine/", "/notifications/", "TASK"],
    "workshop_head": ["/inbox/", "/team/", "TASK"],
    "hr": [
        "/hr/cycles/",
        "/hr/packs/",
        "/hr/positions/",
        "/hr/people/",
        "/hr/roles/",
        "/hr/dashboard/",
        "/audit/",
        "VERSIONS",
    ],
    "gm": ["/inbox/", "/team/", "/gm/"],
    "auditor": ["/audit/"],
}


# Each run of digits (10000%, 0.760, 2026-11-01; not the digits inside a hash such as
# 9f06353a) and each badge must sit on one line:
# the text's client rectangles all share one top.
BROKEN = """() => {
  const broken = [];
  const lines = (r) => new Set([...r.getClientRects()].filter((x) => x.width > 0)
    .map((x) => Math.round(x.top))).size;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest("svg, select")) continue;  // chart text and options never wrap
    for (const m of node.data.matchAll(/(?<![A-Za-z\\d])\\d[\\d.,:%\\-]*\\d(?![A-Za-z\\d])/g)) {
      const r = document.createRange();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      if (lines(r) > 1) broken.push(`${m[0]} in <${node.parentElement.tagName}> ${node.data.trim().slice(0, 80)}`);
    }
  }
  for (const el of document.querySelectorAll(".badge, .count")) {
    const r = document.createRange();
    r.selectNodeContents(el);
    if (lines(r) > 1) broken.push(el.textContent.trim());
  }
  return broken;
}"""
VERSIONS_FIT = """() => {
  const t = document.querySelector("#versions-side");
  return t !== null && t.getBoundingClientRect().width <= t.parentElement.clientWidth + 1;
}"""


@override_settings(DEBUG=True)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_nothing_scrolls_sideways_at_390_px(live_server, browser, litong_live, locale):
    """At 390 × 844 each page fits its width and the log-out button is visible."""
    demo_cycle(finished_months=1)  # a finished month (published, appealed, final) and the open one
    changed = Appraisal.objects.annotate(n=Count("versions")).filter(n__gt=1).first()
    assert changed is not None  # the demo's upheld appeal gives a second version
    base, wide, broken = live_server.url, [], []
    for username, paths in PAGES.items():
        ctx, page = log_in(browser, base, username, viewport={"width": 390, "height": 844})
        if locale.startswith("en"):
            with page.expect_navigation():
                page.select_option("header select[name=language]", "en")
        for path in paths:
            if path == "TASK":
                page.goto(base + "/inbox/")
                link = page.locator("#inbox a").first
                if not link.count():
                    continue
                link.click()
            elif path == "VERSIONS":
                page.goto(f"{base}/appraisals/{changed.pk}/")
                if not page.evaluate(VERSIONS_FIT):
                    wide.append(f"{username} versions table cut {page.url}")
            else:
                page.goto(base + path)
            page.wait_for_load_state()
            too_wide = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            logout = page.locator("header button[type=submit]").last.bounding_box()
            if too_wide or logout is None or logout["x"] + logout["width"] > 390:
                wide.append(f"{username} {path} {page.url}")
            broken += [f"{username} {page.url}: {text}" for text in page.evaluate(BROKEN)]
        ctx.close()
    assert wide == []
    assert broken == []


# One line: every item overlaps every other vertically (the lowest top sits above the
# highest bottom), whatever their heights.
ONE_LINE = """() => {
  const oneLine = (sel) => {
    const r = [...document.querySelectorAll(sel)].map((el) => el.getBoundingClientRect());
    return Math.max(...r.map((x) => x.top)) < Math.min(...r.map((x) => x.bottom));
  };
  return [oneLine("header.top > *"), oneLine("nav.main > a")];
}"""


@override_settings(DEBUG=True)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_boards_header_and_links_keep_one_line_at_390_px(
    live_server, browser, litong_live, lang
):
    """The board member's header (brand, language, name, "Log out") and main links each
    stay on one line at 390 px in both languages: in English "Log out" wrapped under
    the brand and "Notifications" went to a second line."""
    demo_cycle(finished_months=0)
    base = live_server.url
    ctx, page = log_in(browser, base, "board", viewport={"width": 390, "height": 844})
    if lang == "en":
        with page.expect_navigation():
            page.select_option("header select[name=language]", "en")
    page.goto(base + "/")
    assert page.evaluate(ONE_LINE) == [True, True]
    ctx.close()


@override_settings(DEBUG=True)
def test_a_remarks_box_counts_its_characters_against_the_limit(live_server, browser, litong_live):
    """A step's remarks box and its return comment say how many of their 4,000
    characters are used, and the count follows the typing (a line break counts once)."""
    demo_cycle(finished_months=0)
    base = live_server.url
    ctx, page = log_in(browser, base, "workshop_head", viewport={"width": 1280, "height": 900})
    page.goto(base + "/inbox/")
    page.locator("#inbox a").first.click()
    page.wait_for_load_state()
    box = page.locator("textarea[maxlength]").first
    counter = page.locator(f"#{box.get_attribute('id')}-count")
    assert counter.text_content() == "0 / 4,000 字"  # a Chinese page (the context is zh-CN)
    box.fill("第一行\n第二行")
    assert counter.text_content() == "7 / 4,000 字"
    assert page.locator("#comment-count").count() == 1  # the return comment's too
    ctx.close()
