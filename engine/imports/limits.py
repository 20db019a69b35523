"""How much of a workbook is read before it is believed: the counts (rows, cells per
row, shared strings) streamed from its parts before openpyxl sees a byte, and the wall
clock of reading one file. engine.imports.sheets reads within these limits."""

from __future__ import annotations

import re
import time
from zipfile import ZipFile

from django.conf import settings
from django.utils.translation import gettext as _

from engine.errors import InvalidInput

MAX_ROWS = 200_000
SHEET_LIMITS = {
    "rows": MAX_ROWS,  # below the header
    "columns": 64,  # the widest import has 13
    "shared_strings": 500_000,
    "shared_strings_bytes": 32 * 1024 * 1024,
    # Wall-clock bound on reading one file (scan and rows): the counts above bound its
    # memory, this bounds a file that is within them and still slow, so a web worker is
    # never held until gunicorn kills it.
    "seconds": 60,
}
# The start of a <row>, <c> (cell) or <si> (shared string) element, with any prefix.
_TOKENS = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?(row|c|si)[\s/>]")
_TOKEN_MAX = 64  # longer than any match: what is kept from one chunk for the next
_CHUNK = 1024 * 1024


def sheet_limits() -> dict[str, int]:
    """SHEET_LIMITS, each overridable in settings.JIXIAO_SHEET_LIMITS."""
    return {**SHEET_LIMITS, **getattr(settings, "JIXIAO_SHEET_LIMITS", {})}


def _too_much(name: str, what: str) -> InvalidInput:
    return InvalidInput(
        _("%(file)s cannot be read safely: %(what)s.") % {"file": name, "what": what},
        field="file",
        rule="file_limit",
    )


def _too_many_rows(name: str, limits: dict[str, int]) -> InvalidInput:
    return _too_much(name, _("it has more than %(n)s rows") % {"n": limits["rows"]})


def _too_many_columns(name: str, limits: dict[str, int]) -> InvalidInput:
    return _too_much(name, _("a row has more than %(n)s columns") % {"n": limits["columns"]})


class _Clock:
    """The moment reading one file must end by; checked every chunk and every 1,000 rows."""

    def __init__(self, name: str, limits: dict[str, int]) -> None:
        self.name, self.seconds = name, limits["seconds"]
        self.until = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise _too_much(
                self.name, _("reading it took longer than %(n)s seconds") % {"n": self.seconds}
            )


def _scan(archive: ZipFile, name: str, limits: dict[str, int], clock: _Clock) -> None:
    """Stream through every part once (its size is bounded by open_zip), counting what
    openpyxl would build: rows, cells of one row, shared strings. Stops at the first
    limit passed; never holds more than a chunk."""
    rows = strings = 0
    for part in archive.infolist():
        shared = part.filename.lower().endswith("sharedstrings.xml")
        if shared and part.file_size > limits["shared_strings_bytes"]:
            raise _too_much(name, _too_many_strings_bytes(limits))
        cells = strings_here = 0
        tail = b""
        with archive.open(part) as source:
            while True:
                clock.check()
                chunk = source.read(_CHUNK)
                buf = tail + chunk
                end = len(buf) if not chunk else max(len(buf) - _TOKEN_MAX, 0)
                for m in _TOKENS.finditer(buf, 0, len(buf)):
                    if m.start() >= end:
                        break
                    kind = m.group(1)
                    if kind == b"c":
                        cells += 1
                        if cells > limits["columns"]:
                            raise _too_many_columns(name, limits)
                    elif kind == b"row":
                        rows, cells = rows + 1, 0
                        if rows > limits["rows"] + 1:
                            raise _too_many_rows(name, limits)
                    else:
                        strings, strings_here = strings + 1, strings_here + 1
                        if strings > limits["shared_strings"]:
                            raise _too_much(
                                name,
                                _("it has more than %(n)s different texts")
                                % {"n": limits["shared_strings"]},
                            )
                if not chunk:
                    break
                tail = buf[end:]
        if strings_here and part.file_size > limits["shared_strings_bytes"]:
            raise _too_much(name, _too_many_strings_bytes(limits))


def _too_many_strings_bytes(limits: dict[str, int]) -> str:
    return _("its texts unpack to more than %(mb)s MB") % {
        "mb": limits["shared_strings_bytes"] // (1024 * 1024)
    }
