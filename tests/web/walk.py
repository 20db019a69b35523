"""Following a signed-in person's links: every page they can reach from the home page,
breadth first, skipping logout, language switches, the admin, static files, the API
and downloads."""

import re

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/", "/api/", "/language/")
DOWNLOAD = re.compile(r"\.(csv|json|xlsx|xml)(\?|$)")


def walk(client, limit: int, start: str = "/"):
    """Yield (url, response) for up to `limit` pages; HTML pages' links are followed."""
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or url.startswith(SKIP) or DOWNLOAD.search(url):
            continue
        seen.add(url)
        r = client.get(url)
        yield url, r
        if r.status_code < 500 and "text/html" in r.get("Content-Type", ""):
            queue += HREF.findall(r.content.decode())
