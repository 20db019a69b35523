"""Every page every demo user can reach by following links: no server error and no raw
indicator code, state code or field path in the visible text, in both languages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from engine.demo.packs import demo_cycle
from engine.demo.people import load_demo
from tests.month import at
from tests.web.visible import raw_codes
from tests.web.walk import walk

pytestmark = pytest.mark.django_db
PAGES_PER_USER = 25


def crawl(user, lang: str) -> tuple[list, dict]:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    errors, codes = [], {}
    for url, r in walk(c, PAGES_PER_USER):
        if r.status_code >= 500:
            errors.append(url)
        elif "text/html" in r.get("Content-Type", ""):
            found = raw_codes(r.content.decode())
            if found:
                codes[url] = found
    return errors, codes


def test_every_page_of_every_demo_user_has_words_not_codes(set_clock):
    """As each demo user (employees, heads, HR, GM, board, auditor, the second company),
    in Chinese and English: no page answers 500 and none shows a raw code."""
    set_clock(at(2026, 11, 23, 10))
    load_demo(usable_passwords=False)
    demo_cycle(finished_months=1)  # a finished month (published, appealed, final) and the open one
    failures = []
    users = get_user_model().objects.order_by("username")
    for user in users:
        for lang in ("zh-hans", "en"):
            errors, codes = crawl(user, lang)
            failures += [f"{user.username} {lang} 500 {u}" for u in errors]
            failures += [f"{user.username} {lang} {u}: {c}" for u, c in codes.items()]
    assert failures == [], "\n".join(failures[:40])
