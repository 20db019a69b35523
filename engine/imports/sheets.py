"""Spreadsheets in and out: the columns of each import, the template HR downloads,
and the rows read back from an XLSX (or CSV) file with their row numbers. Headers
are matched in Chinese, English or by key, so a template filled in either language
reads the same."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from engine.errors import InvalidInput
from engine.exports import xlsx_append


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = True

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


KINDS: dict[str, tuple[Column, ...]] = {
    "people": (
        Column("department_code", "部门编码", "department code"),
        Column("department_name", "部门名称", "department name"),
        Column("parent_department_code", "上级部门编码", "parent department code", False),
        Column("position_code", "岗位编码", "position code"),
        Column("position_name", "岗位名称", "position name"),
        Column("number", "工号", "employee number"),
        Column("name", "姓名", "name"),
        Column("hire_date", "入职日期", "hire date"),
        Column("supervisor_number", "直属上级工号", "supervisor's number", False),
        Column("heads_department", "部门负责人", "heads the department", False),
        Column("trial_end_date", "试用期截止", "trial ends", False),
        Column("email", "邮箱", "email", False),
        Column("username", "登录名", "username", False),
    ),
    "targets": (
        Column("pack", "规则包", "pack"),
        Column("role", "岗位角色", "role"),
        Column("indicator", "指标编码", "indicator"),
        Column("indicator_name", "指标名称", "indicator name", False),
        Column("target", "目标值", "target"),
    ),
    "metrics": (
        Column("number", "工号", "employee number"),
        Column("name", "姓名", "name", False),
        Column("indicator", "指标编码", "indicator"),
        Column("indicator_name", "指标名称", "indicator name", False),
        Column("value", "数值", "value"),
    ),
}
MAX_ROWS = 200_000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, int | Decimal):
        return format(Decimal(value).normalize(), "f")
    return str(value).strip()


def _match(headers: list[str], kind: str) -> dict[int, str]:
    columns = KINDS[kind]
    names = {}
    for c in columns:
        for label in (c.key, c.zh, c.en, c.header):
            names[label.strip().lower()] = c.key
    found = {
        i: names[h.strip().lower()] for i, h in enumerate(headers) if h.strip().lower() in names
    }
    missing = [c.header for c in columns if c.required and c.key not in found.values()]
    if missing:
        raise InvalidInput(
            f"row 1: missing columns {', '.join(missing)}", field="header", rule="required"
        )
    return found


def read_rows(data: bytes, kind: str, filename: str = "") -> list[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, key → text) for every non-empty row."""
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {sorted(KINDS)}", field="kind", rule="choices")
    if filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        table: Any = csv.reader(io.StringIO(text))
    else:
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InvalidInput(
                "the file is not an Excel workbook (.xlsx) or CSV", field="file", rule="format"
            ) from exc
        table = book.worksheets[0].iter_rows(values_only=True)
    rows: list[tuple[int, dict[str, str]]] = []
    columns: dict[int, str] | None = None
    for number, raw in enumerate(table, start=1):
        cells = [_text(v) for v in raw]
        if columns is None:
            columns = _match(cells, kind)
            continue
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(f"at most {MAX_ROWS} rows per file", field="file", rule="max")
        rows.append(
            (number, {key: cells[i] if i < len(cells) else "" for i, key in columns.items()})
        )
    if columns is None:
        raise InvalidInput("the file is empty", field="file", rule="required")
    return rows


def template(kind: str, rows: list[dict[str, Any]] | None = None) -> bytes:
    """The XLSX HR fills in: a bold, frozen header in both languages, then `rows`."""
    columns = KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    xlsx_append(sheet, [c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, c in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + i)].width = max(14, len(c.header) + 4)
    for row in rows or []:
        xlsx_append(sheet, [row.get(c.key, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
