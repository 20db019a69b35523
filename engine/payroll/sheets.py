"""Writing the payroll file: XLSX sheets with a bold frozen header (under a warning
row when the file is partial), money with two places, shares as percentages, times
as date-time cells in the company's time zone; or one CSV with the same sections."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engine.exports import csv_writer, xlsx_append

MONEY = "#,##0.00"
RATE = "0.00##"
PERCENT = "0%"
WHEN = "yyyy-mm-dd hh:mm:ss"


@dataclass
class Sheet:
    name: str
    title: str  # the section's title in the CSV
    header: list[str]
    body: list[list[Any]]
    formats: dict[int, str]  # column (0-based) → number format; others by value
    warning: str = ""
    widths: dict[int, int] | None = None


def _local(value: Any) -> Any:
    """Excel has no time zones: an aware time is written as the wall-clock time of the
    zone it was converted to (the header names the zone)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None, microsecond=0)
    return value


def _width(value: Any) -> int:
    text = str(value or "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _write(ws, sheet: Sheet) -> None:
    if sheet.warning:
        xlsx_append(ws, [sheet.warning])
        ws.cell(row=1, column=1).font = Font(bold=True, color="B00020")
    xlsx_append(ws, sheet.header)
    head = ws.max_row
    for cell in ws[head]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{head + 1}"
    for row in sheet.body:
        xlsx_append(ws, [_local(v) for v in row])
    for row in ws.iter_rows(min_row=head + 1):
        for i, cell in enumerate(row):
            fmt = sheet.formats.get(i)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = WHEN
            elif isinstance(cell.value, Decimal | int | float) and not isinstance(cell.value, bool):
                if fmt:
                    cell.number_format = fmt
                elif isinstance(cell.value, Decimal):
                    exact = cell.value == cell.value.quantize(Decimal("0.01"))
                    cell.number_format = "0.00" if exact else "0.0000"
    for i, label in enumerate(sheet.header):
        longest = max([_width(label)] + [_width(r[i]) for r in sheet.body[:500] if i < len(r)])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(10, longest + 2))


def workbook(sheets: list[Sheet]) -> bytes:
    wb = Workbook()
    for i, sheet in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = sheet.name
        _write(ws, sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    return value


def csv_file(sheets: list[Sheet]) -> bytes:
    """The first sheet's header on the first line (under the warning, when partial);
    the other sheets follow as titled sections."""
    buf = io.StringIO()
    w = csv_writer(buf)
    for i, sheet in enumerate(sheets):
        if sheet.warning:
            w.writerow([sheet.warning])
        if i:
            w.writerow([])
            w.writerow([sheet.title])
        w.writerow(sheet.header)
        w.writerows([[_csv_value(v) for v in row] for row in sheet.body])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8
