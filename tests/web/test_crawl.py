"""Every page every demo user can reach by following links: no server error and no raw
indicator code, state code or field path in the visible text, in both languages. The
crawl also fetches every download link (200 with the content type of its extension)
and sends every GET form (filters, search) as it stands, with a real choice in each
list and, for the people who use the desks, with hostile values."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import on_postgres
from tests.month import at, demo_month
from tests.web.visible import raw_codes
from tests.web.walk import expected_type, walk_all

pytestmark = pytest.mark.django_db
PAGES_PER_USER = 25
DESKS = {"hr", "gm", "auditor", "cs_head", "ecom02", "yj_hr"}  # GET forms with hostile values
DESK_PAGES = {"hr": ["/hr/import/"]}  # beyond the first pages, where the templates are
DOWNLOADS: set[str] = set()
PATTERNS: set[str] = set()  # each kind of download fetched once per test
SENT: Counter = Counter()
# About half of what was measured (6 desks and 44 other users; GET forms sent: desks 270
# in Chinese with hostile values and 60 in English, the rest 278 in each language).
MIN_USERS = {"desks": len(DESKS), "the rest": 40}
MIN_FORMS = {
    ("zh-hans", "desks"): 135,
    ("en", "desks"): 30,
    ("zh-hans", "the rest"): 139,
    ("en", "the rest"): 139,
}


def crawl(user, lang: str, hostile: bool = False) -> tuple[list, dict]:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang, raise_request_exception=False)
    c.force_login(user)
    errors, codes = [], {}
    start = ["/", *DESK_PAGES.get(user.username, ())]
    for kind, url, r in walk_all(c, PAGES_PER_USER, start, hostile=hostile, once=PATTERNS):
        SENT[kind] += 1
        if r.status_code >= 500:
            errors.append(f"{r.status_code} {url}")
        elif kind == "download":
            got = r.get("Content-Type", "")
            if r.status_code != 200 or not got.startswith(expected_type(url)):
                errors.append(f"download {r.status_code} {got} {url}")
            DOWNLOADS.add(url.split("?")[0])
        elif "text/html" in r.get("Content-Type", ""):
            found = raw_codes(r.content.decode())
            if found:
                codes[url] = found
    return errors, codes


@pytest.mark.parametrize("part", ["desks", "the rest"])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_page_of_every_demo_user_has_words_not_codes(lang, part, set_clock):
    """As each demo user (employees, heads, HR, GM, board, auditor, the second company),
    in Chinese and in English: no page answers 500 and none shows a raw code. One
    language and one part of the users per test (the desks, whose GET forms also get
    hostile values in Chinese, and the rest), so that xdist spreads them."""
    if lang == "en" and on_postgres():
        pytest.skip(
            "the English pages send the queries of the Chinese ones: on PostgreSQL the "
            "crawl runs once, in Chinese (with the hostile GET forms)"
        )
    set_clock(at(2026, 11, 23, 10))
    demo_month(finished_months=1)  # a finished month (published, appealed, final) and the open one
    failures = []
    DOWNLOADS.clear()
    PATTERNS.clear()
    SENT.clear()
    users = get_user_model().objects.order_by("username")
    users = [u for u in users if (u.username in DESKS) == (part == "desks")]
    for user in users:
        errors, codes = crawl(user, lang, hostile=lang == "zh-hans" and user.username in DESKS)
        failures += [f"{user.username} {lang} {u}" for u in errors]
        failures += [f"{user.username} {lang} {u}: {c}" for u, c in codes.items()]
    assert failures == [], "\n".join(failures[:40])
    print(f"crawl {lang} {part}: {len(users)} users, {dict(SENT)}")
    if part == "desks":
        # The exports and templates of the desks were among what was fetched.
        exports = {f"/audit/export.{x}" for x in ("csv", "xlsx", "json")}
        templates = {f"/hr/import/template/{x}.xlsx" for x in ("people", "targets", "metrics")}
        assert exports | templates <= DOWNLOADS, DOWNLOADS
    assert len(users) >= MIN_USERS[part] and SENT["form"] >= MIN_FORMS[lang, part], SENT
    if part == "the rest":  # people's own appraisal forms, one of them made and fetched
        assert "/appraisals/N/form.pdf" in PATTERNS, PATTERNS
