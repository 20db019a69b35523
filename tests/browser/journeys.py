"""What the journey tests share: a signed-in page in a language at a width, and the
checks every page passes."""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import log_in


class Visit:
    """One person in one language at one width; `check()` after each page. What it
    collects — sideways scrolling, Content-Security-Policy refusals — must stay empty."""

    def __init__(self, browser, base: str, username: str, lang: str, width: int):
        self.base, self.lang, self.width, self.username = base, lang, width, username
        self.ctx, self.page = log_in(
            browser, base, username, viewport={"width": width, "height": 900}
        )
        if lang == "en":
            with self.page.expect_navigation():
                self.page.select_option("header select[name=language]", "en")
        self.wide: list[str] = []
        # The Content-Security-Policy must never have to refuse anything a page does.
        self.page.on(
            "console",
            lambda m: (
                self.wide.append(f"{self.username} CSP: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check(path)

    def check(self, label: str) -> None:
        """No sideways scrolling; a screenshot when JIXIAO_SCREENSHOTS names a folder."""
        page = self.page
        page.wait_for_load_state()
        if page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        ):
            self.wide.append(f"{self.username} {label}")
        folder = os.environ.get("JIXIAO_SCREENSHOTS")
        if folder:
            name = f"{self.username}-{label.strip('/').replace('/', '_') or 'home'}"
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{self.lang}-{self.width}.png", full_page=True)

    def close(self) -> list[str]:
        self.ctx.close()
        return self.wide
