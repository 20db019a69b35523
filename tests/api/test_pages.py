"""One way to page: every list of the API that can grow answers the same envelope
(`results`, `next` and `previous` as URLs or null), and a client that follows `next`
gets every row exactly once, in a stable order, even when rows are added meanwhile."""

import pytest
from django.test import Client

from engine.org import services as org
from tests.api.test_schema_valid import served_schema
from tests.month import at, open_department

pytestmark = pytest.mark.django_db

PAGED = {
    "/api/v1/appeals/": "",
    "/api/v1/appraisals/": "",
    "/api/v1/audit/events/": "?company=litong",
    "/api/v1/companies/": "",
    "/api/v1/cycles/": "",
    "/api/v1/departments/": "?company=litong",
    "/api/v1/employees/": "?company=litong",
    "/api/v1/inbox/": "",
    "/api/v1/positions/": "?company=litong",
    "/api/v1/results/": "",
    "/api/v1/tokens/": "",
}
# Short by nature, never paged: the rule packs and the channels installed (docs/api.md)
UNPAGED = {"/api/v1/packs/", "/api/v1/me/channels/"}


def _hr(litong) -> Client:
    c = Client()
    c.force_login(litong.u["hr"])
    return c


def _follow(c, url: str) -> tuple[list, list[dict]]:
    """Every row of a list, page by page as a client does; and each page."""
    rows, pages = [], []
    while url:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content[:300])
        page = r.json()
        pages.append(page)
        rows += page["results"]
        url = page["next"]
    return rows, pages


def test_the_schema_lists_every_growing_list_with_the_same_envelope(litong):
    """Each GET answering a list is paged with the common envelope in the schema, or is
    one of the few short lists named here."""
    schema = served_schema(litong.u["hr"])
    paged, unpaged = set(), set()
    for path, ops in schema["paths"].items():
        ok = ops.get("get", {}).get("responses", {}).get("200", {})
        body = ok.get("content", {}).get("application/json", {}).get("schema", {})
        ref = body.get("$ref", "")
        if ref.startswith("#/components/schemas/Paginated"):
            paged.add(path)
            envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            assert set(envelope["properties"]) == {"results", "next", "previous"}, path
            assert envelope["properties"]["next"]["format"] == "uri", path
            names = {p["name"] for p in ops["get"].get("parameters", [])}
            assert {"cursor", "limit"} <= names, path
        elif body.get("type") == "array":
            unpaged.add(path)
    assert paged == set(PAGED)
    assert unpaged == UNPAGED


def test_every_list_pages_the_same_and_following_next_gets_every_row_once(litong, set_clock):
    """As HR, each paged list one row a page: the envelope is the same everywhere, `next`
    is a URL until the last page, and the rows met are those of one big page, in order."""
    set_clock(at(2026, 11, 1, 9))
    open_department(litong, "cs")
    c = _hr(litong)
    for path, query in PAGED.items():
        everything = c.get(f"{path}{query}{'&' if query else '?'}limit=200").json()["results"]
        rows, pages = _follow(c, f"{path}{query}{'&' if query else '?'}limit=1")
        for page in pages:
            assert set(page) == {"results", "next", "previous"}, path
            assert page["next"] is None or page["next"].startswith("http"), path
        assert rows == everything, path
        assert len(pages) == max(len(everything), 1), path  # no empty last page


def test_rows_added_while_a_client_pages_are_neither_repeated_nor_skipped(litong):
    """Positions added after the first page: following `next` meets each old one once
    and the new ones after them (oldest first: the cursor is on the primary key)."""
    c = _hr(litong)
    first = c.get("/api/v1/positions/?company=litong&limit=2").json()
    before = [
        p["code"] for p in c.get("/api/v1/positions/?company=litong&limit=200").json()["results"]
    ]
    for code in ("aaa-new", "zzz-new"):
        org.position_create(
            actor=None, company=litong.company, code=code, name_zh=code, name_en=code
        )
    rest, _ = _follow(c, first["next"])
    seen = [p["code"] for p in first["results"] + rest]
    assert seen == [*before, "aaa-new", "zzz-new"]
    assert len(seen) == len(set(seen))


def test_a_cursor_the_api_did_not_give_is_a_400_naming_it(litong):
    """A made-up cursor is refused as the caller's mistake, in problem+json."""
    r = _hr(litong).get("/api/v1/cycles/?cursor=812")
    assert (r.status_code, r.json()["field"], r.json()["rule"]) == (400, "cursor", "cursor")
