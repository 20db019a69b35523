"""The forms' tests draw with a reduced copy of the CJK font, as an installation does
after `manage.py archive_font`, but holding only the characters the tests can meet
(the catalogue, the packs, the demo people): built once per machine in a few seconds
instead of the full copy's minute. A character outside it still falls back to the full
font (engine/archive/fonts.py), so the copy changes the speed, never the text."""

import hashlib
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from engine.archive import fonts

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["engine/locale/zh_Hans/LC_MESSAGES/django.po", "rulepacks", "engine/demo"]


def _characters() -> set[int]:
    chars = {c for c in fonts.common_characters() if c < 0x3400}  # all but the hanzi
    for source in SOURCES:
        path = ROOT / source
        for f in [path] if path.is_file() else sorted(path.rglob("*.py")):
            chars |= {ord(c) for c in f.read_text(encoding="utf-8")}
    return chars


@pytest.fixture(scope="session")
def _test_font_copies() -> Path | None:
    if not fonts.font_file("").path.is_file():
        return None  # no CJK font: the tests that need one say so
    chars = _characters()
    digest = hashlib.sha256(repr(sorted(chars)).encode()).hexdigest()[:12]
    where = Path(tempfile.gettempdir()) / f"jixiao-test-font-copies-{digest}"
    with override_settings(JIXIAO_PDF_FONT_CACHE=str(where)):
        if not all(fonts.copy_path(s).is_file() for s in fonts.STYLES):
            fonts.font_copies_build(chars)
    return where


@pytest.fixture(autouse=True)
def _font_copies(settings, _test_font_copies):
    if _test_font_copies is not None:
        settings.JIXIAO_PDF_FONT_CACHE = str(_test_font_copies)
