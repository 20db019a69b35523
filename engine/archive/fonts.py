"""The CJK font the form embeds (fpdf2 subsets it to the characters each form uses).

Where it comes from (docs/install.md, "The PDF font"): `JIXIAO_PDF_FONT` (and
`JIXIAO_PDF_FONT_BOLD`) name an OpenType/TrueType file or collection; unset, Debian's
`fonts-noto-cjk` package is used (/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc,
the Simplified Chinese face of the collection). Noto Sans CJK is under the SIL Open
Font License, which allows embedding.

Reading the whole CJK collection costs about two seconds a face for every form, so
`python manage.py archive_font` keeps a reduced copy of each face in
`JIXIAO_PDF_FONT_CACHE` (GB 2312's characters, Latin and the punctuation: ~1.6 MB):
a form whose every character is in it is drawn from the copy (about four times
faster); a form with a rarer character (a name outside GB 2312) is drawn from the full
font, so nothing is ever missing. Without the copy every form uses the full font."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from engine.errors import Conflict

log = logging.getLogger(__name__)
NOTO = Path("/usr/share/fonts/opentype/noto")
DEFAULTS = {"": NOTO / "NotoSansCJK-Regular.ttc", "B": NOTO / "NotoSansCJK-Bold.ttc"}
SETTINGS = {"": "JIXIAO_PDF_FONT", "B": "JIXIAO_PDF_FONT_BOLD"}
WANTED = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN")
STYLES = ("", "B")
COPY_VERSION = 2  # of common_characters(): a copy of another version is not used


@dataclass(frozen=True)
class FontFile:
    path: Path
    number: int  # the face in a collection (.ttc), 0 for a single font


def _face(path: Path) -> int:
    """The Simplified Chinese face of a collection, the first one otherwise."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    try:
        names = [f["name"].getDebugName(1) or "" for f in coll.fonts]
    finally:
        coll.close()
    return next((i for i, n in enumerate(names) if n in WANTED), 0)


@functools.cache
def font_file(style: str = "") -> FontFile:
    """The full font for `style` ("" regular, "B" bold); the bold falls back to the
    regular. Raises Conflict, in words, when no CJK font is installed."""
    configured = getattr(settings, SETTINGS[style], "") or ""
    path = Path(configured) if configured else DEFAULTS[style]
    if not path.is_file():
        if style == "B":
            return font_file("")
        raise Conflict(
            f"the CJK font for the PDF forms is missing ({path}): install Debian's "
            "fonts-noto-cjk or set JIXIAO_PDF_FONT",
            field="font",
            rule="pdf_font",
        )
    return FontFile(path, _face(path))


def common_characters() -> set[int]:
    """What the reduced copy holds: ASCII, Latin-1, general punctuation, letterlike
    symbols, arrows, mathematical operators (− ×), enclosed numbers, box drawing, CJK
    punctuation, full-width forms and GB 2312. A change here changes COPY_VERSION."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for low, high in ((0x2000, 0x2070), (0x2100, 0x2300), (0x2460, 0x2600)):
        chars |= set(range(low, high))
    chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def _cache_dir() -> Path | None:
    where = getattr(settings, "JIXIAO_PDF_FONT_CACHE", "") or ""
    return Path(where) if where else None


def copy_path(style: str) -> Path | None:
    where = _cache_dir()
    if where is None:
        return None
    full = font_file(style)
    st = full.path.stat()
    name = f"{full.path.stem}-{full.number}-{st.st_size}-{int(st.st_mtime)}-v{COPY_VERSION}.otf"
    return where / name


@functools.cache
def _coverage(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as f:
        return frozenset(f.getBestCmap())


def fonts_for(text: Iterable[str]) -> dict[str, FontFile]:
    """Per style, the font to draw `text` with: the reduced copy when it has every
    character, else the full font."""
    needed = {ord(c) for piece in text for c in piece if not c.isspace()}
    out = {}
    for style in STYLES:
        copy = copy_path(style)
        if copy is not None and copy.is_file() and needed <= _coverage(copy):
            out[style] = FontFile(copy, 0)
        else:
            out[style] = font_file(style)
    return out


def font_copies_build(chars: set[int] | None = None) -> list[Path]:
    """Write the reduced copy of each face into the cache directory (install step,
    `manage.py archive_font`); `chars` only for tests. Returns the files written."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    written = []
    for style in STYLES:
        target = copy_path(style)
        if target is None:
            raise Conflict("JIXIAO_PDF_FONT_CACHE is not set", field="font", rule="pdf_font")
        full = font_file(style)
        target.parent.mkdir(parents=True, exist_ok=True)
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        font = TTFont(str(full.path), fontNumber=full.number, lazy=True)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=chars or common_characters())
        sub.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.part")
        font.save(str(partial))
        font.close()
        os.replace(partial, target)
        _coverage.cache_clear()
        written.append(target)
        log.info("PDF font copy written: %s", target)
    return written
