"""Playwright driving Debian's chromium against Django's live server."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (python3 dev.py test installs it)")
    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def log_in(browser, base: str, username: str, **context_options):
    """A fresh browser context signed in as a demo user: (context, page)."""
    from engine.demo.people import password

    ctx = browser.new_context(locale="zh-CN", **context_options)
    pg = ctx.new_page()
    pg.goto(base + "/accounts/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", password())
    pg.click("button[type=submit]")
    pg.wait_for_url(base + "/")
    return ctx, pg


@pytest.fixture
def litong_live(transactional_db, set_clock):
    """The demo company on the packs, with passwords people can type (30 Oct 2026)."""
    from tests.month import at, demo_litong

    set_clock(at(2026, 10, 31, 9))
    return demo_litong(usable_passwords=True)
