"""Following a signed-in person's links: every page they can reach from the home page,
breadth first, skipping logout, language switches, the admin, static files, the API
and downloads."""

import re
from collections import Counter
from collections.abc import Callable

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/", "/api/", "/language/")
DOWNLOAD = re.compile(r"\.(csv|json|xlsx|xml)(\?|$)")
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
