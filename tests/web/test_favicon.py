"""The app's icon: linked from every page and answering /favicon.ico (no 404 in logs)."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_apps_icon(client):
    """/favicon.ico redirects to the static SVG icon, which is served."""
    r = client.get("/favicon.ico")
    assert r.status_code == 302 and r["Location"].endswith("people/favicon.svg")
    icon = client.get(r["Location"])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])


def test_every_page_links_the_icon(client):
    """The base template links the icon, so even the login page has it."""
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "people/favicon.svg" in page
