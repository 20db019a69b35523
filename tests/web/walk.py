"""Following a signed-in person's links: every page they can reach from the home page,
breadth first, skipping logout, language switches, the admin, static files, the API
and downloads."""

import re
from collections import Counter
from collections.abc import Callable

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/", "/api/", "/language/")
DOWNLOAD = re.compile(r"\.(csv|json|xlsx|xml|pdf|zip)(\?|$)")
NUMBER = re.compile(r"/\d+(?=/|$)")


def url_pattern(url: str) -> str:
    """`/appraisals/131/?page=2` → `/appraisals/N/`: pages built by the same view."""
    return NUMBER.sub("/N", url.split("?")[0])


def walk(
    client,
    limit: int,
    start: str = "/",
    *,
    kind: Callable[[str], str] | None = None,
    per_kind: int = 0,
):
    """Yield (url, response) for up to `limit` pages; HTML pages' links are followed.

    With `kind` (e.g. `url_pattern`) and `per_kind`, at most `per_kind` pages of each kind
    are fetched: a slow client (a real browser) then sees every page once or a few times
    instead of every appraisal in the company."""
    seen, queue, kinds = set(), [start], Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or url.startswith(SKIP) or DOWNLOAD.search(url):
            continue
        seen.add(url)
        if kind is not None and per_kind:
            kinds[kind(url)] += 1
            if kinds[kind(url)] > per_kind:
                continue
        r = client.get(url)
        yield url, r
        if r.status_code < 500 and "text/html" in r.get("Content-Type", ""):
            queue += HREF.findall(r.content.decode())


# What a download link must answer, by its extension.
CONTENT_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml",
    "pdf": "application/pdf",
    "zip": "application/zip",
}
# A few values a person (or a pasted link) may put in a filter or a search box.
GET_HOSTILE = [
    "<script>alert(1)</script>",
    "-1",
    "99999999999999999999999999",
    "٣٤",
    "a\x00b",
    "2026-02-30",
    "'; --",
]


def expected_type(url: str) -> str:
    return CONTENT_TYPES[DOWNLOAD.search(url).group(1)]


def walk_all(
    client, limit: int, start: str | list = "/", hostile: bool = True, once: set | None = None
):
    """Yield (kind, url, response) as `walk` does for up to `limit` pages ("page"),
    and also every download link found on them ("download"), and every GET form
    (filters, search) sent as it stands, with each list's last choice, and — when
    `hostile` — with each hostile value in every field ("form")."""
    from tests.web.forms import page_forms

    queue = [start] if isinstance(start, str) else list(start)
    seen, forms_seen, pages = set(), set(), 0
    while queue and pages < limit:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        if DOWNLOAD.search(url):
            # With `once`, one download of each kind (`url_pattern`) across the walks
            # that share the set: every appraisal's PDF form is made the same way, and
            # making each one (a second or more) is what a crawl of 50 people would spend.
            if once is not None:
                if url_pattern(url) in once:
                    continue
                once.add(url_pattern(url))
            yield "download", url, client.get(url)
            continue
        pages += 1
        r = client.get(url)
        yield "page", url, r
        if r.status_code >= 500 or "text/html" not in r.get("Content-Type", ""):
            continue
        text = r.content.decode()
        queue += HREF.findall(text)
        for f in page_forms(text):
            if f["attrs"].get("method", "get").lower() != "get":
                continue
            action = (f["attrs"].get("action") or url).split("?")[0]
            names = sorted({k for k, _v in f["fields"]} | set(f["options"]))
            if (action, tuple(names)) in forms_seen or action.startswith(SKIP):
                continue
            forms_seen.add((action, tuple(names)))
            sends = [dict(f["fields"])]
            sends.append({**dict(f["fields"]), **{k: v[-1] for k, v in f["options"].items()}})
            if hostile:
                sends += [dict.fromkeys(names, v) for v in GET_HOSTILE]
            for data in sends:
                yield "form", f"{action}?{data!r:.120}", client.get(action, data)
