"""Every CSV and XLSX the installation writes goes through here, so no exported value
can turn into a live formula in the reader's spreadsheet (CSV/formula injection): a
name such as `=HYPERLINK(…)` typed by an employee must open as that text.

- XLSX: a text cell is always written as text (openpyxl would otherwise store a value
  that starts with "=" as a formula); numbers stay numbers.
- CSV: a text value that starts with =, +, -, @, a tab or a carriage return, and is not
  a plain number, gets a leading apostrophe — the form spreadsheets show as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(RISKY) and not NUMBER.match(value):
        return "'" + value
    return value


def csv_writer(buf) -> _SafeWriter:
    return _SafeWriter(csv.writer(buf))


class _SafeWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, writer):
        self._w = writer

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([csv_safe(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def _printable(v: Any) -> Any:
    """A control character cannot stand in a spreadsheet cell (openpyxl refuses the
    whole file): such a character, stored before the edge refused them or brought in by
    an import, is shown as U+FFFD instead of failing the export."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v


def xlsx_append(ws: Worksheet, row: Iterable[Any]) -> None:
    """Append a row; text that looks like a formula stays text."""
    row = [_printable(v) for v in row]
    if type(ws).__name__ == "WriteOnlyWorksheet":  # cells must be made before appending
        cells = []
        for v in row:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
        return
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"
