"""Spreadsheets in and out: the columns of each import, the template HR downloads,
and the rows read back from an XLSX (or CSV) file with their row numbers. Headers
are matched in Chinese, English or by key, so a template filled in either language
reads the same.

A workbook is a zip of XML parts and says of itself how large it is; none of that is
believed. Before openpyxl sees a byte, `engine.uploads.open_zip` checks the archive's
directory (parts, unpacked sizes, packing ratio) and `_scan` streams through the parts
counting rows, cells per row and shared strings against SHEET_LIMITS, so a crafted file
is refused in about the time it takes to inflate it once. The first sheet is then read
streaming (read-only mode) with its declared dimension dropped and its width capped, so
a sheet declaring A1:XFD1048576 costs what its real cells cost. openpyxl parses with
defusedxml (a dependency), so entities and DTDs are refused too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zipfile import BadZipFile

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from engine.errors import InvalidInput
from engine.exports import xlsx_append
from engine.uploads import ArchiveRefused, open_zip

from .filetype import FileRefused, Refusal
from .limits import (  # noqa: F401  (SHEET_LIMITS and MAX_ROWS are read through this module)
    MAX_ROWS,
    SHEET_LIMITS,
    _Clock,
    _scan,
    _too_many_columns,
    _too_many_rows,
    sheet_limits,
)
from .report import Words


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


def _xlsx_rows(data: bytes, name: str, limits: dict[str, int]):
    """The first sheet's rows as tuples of values, read streaming within the limits."""
    try:
        archive = open_zip(data, name)
    except ArchiveRefused as exc:
        raise InvalidInput(exc.message, field="file", rule=exc.rule) from exc
    clock = _Clock(name, limits)
    with archive:
        _scan(archive, name, limits, clock)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, SyntaxError, OSError) as exc:
        raise _not_a_workbook(name) from exc
    try:
        if not book.worksheets:
            raise _not_a_workbook(name)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared A1:XFD1048576 is not believed
        width = limits["columns"]
        for number, cells in enumerate(sheet.iter_rows(max_col=width + 1), 1):
            # Each row comes padded to the cap: its cells up to the last one it holds.
            end = len(cells)
            while end and cells[end - 1] is EMPTY_CELL:
                end -= 1
            raw = tuple(_cell_value(c) for c in cells[:end])
            if number > limits["rows"] + 1:
                raise _too_many_rows(name, limits)
            if number % 1000 == 0:
                clock.check()
            if raw.count(None) == len(raw):
                yield ()  # a blank row, or one of a gap before a far row: nothing to read
                continue
            if len(raw) > width and raw[width] is not None:
                raise _too_many_columns(name, limits)
            yield raw[:width]
    except (BadZipFile, KeyError, ValueError, SyntaxError, TypeError, OSError) as exc:
        raise _not_a_workbook(name) from exc
    finally:
        book.close()


def _cell_value(cell: Any) -> Any:
    """A cell's value as typed: a number shown as a percentage (Excel stores "150%" as
    1.5 with a % format) reads as "150%", so a rate above 100% is never read as 1.5%."""
    value = cell.value
    fmt = getattr(cell, "number_format", None) or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return f"{format((Decimal(repr(value)) * 100).normalize(), 'f')}%"
    return value


# Columns of a number: written as numeric cells so that Excel sums and sorts them.
NUMBER_KEYS = frozenset({"target", "value"})
_PLAIN = re.compile(r"-?\d+(?:\.(\d+))?")
_PERCENT = re.compile(r"(-?\d+(?:\.(\d+))?)%")


def _numeric(text: Any) -> tuple[Any, str | None]:
    """A template's number as a numeric cell and its format ("120.750" → 120.750 shown
    with three places; "95%" → 0.95 shown as 95%); anything else as it is."""
    if not isinstance(text, str):
        return text, None
    if m := _PLAIN.fullmatch(text):
        places = len(m.group(1) or "")
        return Decimal(text), "0" + ("." + "0" * places if places else "")
    if m := _PERCENT.fullmatch(text):
        places = len(m.group(2) or "")
        return Decimal(m.group(1)) / 100, "0" + ("." + "0" * places if places else "") + "%"
    return text, None


def _not_a_workbook(name: str) -> InvalidInput:
    return InvalidInput(
        _("%(file)s is not an Excel workbook (.xlsx) or CSV.") % {"file": name},
        field="file",
        rule="format",
    )


# The first sheet's title and the instructions HR reads, in the reader's language.
TITLES = {
    "people": gettext_lazy("People"),
    "targets": gettext_lazy("Targets"),
    "metrics": gettext_lazy("System metrics"),
}
KIND_WORDS = {  # inside a sentence
    "people": Words("人员", "people"),
    "targets": Words("目标值", "targets"),
    "metrics": Words("系统指标", "system metrics"),
}
HELP = {
    "department_code": gettext_lazy(
        "Letters, digits, - or _; the same code for every row of a department."
    ),
    "department_name": gettext_lazy("The department's name."),
    "parent_department_code": gettext_lazy(
        "The code of the department above; blank for a top department."
    ),
    "position_code": gettext_lazy("Letters, digits, - or _."),
    "position_name": gettext_lazy("The position's name."),
    "number": gettext_lazy("The employee number, unique in the company."),
    "name": gettext_lazy("The person's name."),
    "hire_date": gettext_lazy("A date such as 2026-03-01."),
    "supervisor_number": gettext_lazy("The direct supervisor's employee number; blank for none."),
    "heads_department": gettext_lazy(
        "是 or yes when this person heads the department; otherwise blank."
    ),
    "trial_end_date": gettext_lazy(
        "The end of the trial period, such as 2026-06-30; blank for none."
    ),
    "email": gettext_lazy("Where the person is told of their steps; may be blank."),
    "username": gettext_lazy(
        "The login name for a new person; blank: made from the company and the number."
    ),
    "pack": gettext_lazy("The rule pack's code, as the template gives it; do not change it."),
    "role": gettext_lazy("The role's code, as the template gives it; do not change it."),
    "indicator": gettext_lazy("The indicator's code, as the template gives it; do not change it."),
    "indicator_name": gettext_lazy("For reading only; the import does not use it."),
    "target": gettext_lazy(
        "The target, in the unit shown (such as 95% or 150). Blank: left as it is."
    ),
    "value": gettext_lazy(
        "The value, in the unit shown (such as 95% or 150). Blank: left as it is."
    ),
}


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
    missing = [c for c in columns if c.required and c.key not in found.values()]
    if missing:
        names = Words("、".join(c.zh for c in missing), ", ".join(c.en for c in missing))
        raise FileRefused(
            Refusal(
                gettext_lazy(
                    "The first row lacks the columns %(names)s, so this is not a %(kind)s "
                    "file: download the template and keep its first row."
                ),
                {"names": names, "kind": KIND_WORDS[kind]},
                accepted=False,
            )
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
        table = _xlsx_rows(data, filename or _("the file"), sheet_limits())
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


def column_words(key: str) -> str:
    """A column's header as the reader sees it: "目标值" / "Target"; "—" for none."""
    english = (get_language() or "zh-hans").startswith("en")
    for columns in KINDS.values():
        for c in columns:
            if c.key == key:
                return c.en[:1].upper() + c.en[1:] if english else c.zh
    return "—"


def _instructions(book: Workbook, kind: str, empty_because: str = "") -> None:
    """A second sheet saying, in the reader's language, what each column takes; the
    import reads only the first sheet, so HR may keep it."""
    sheet = book.create_sheet(_("Instructions"))
    xlsx_append(sheet, [_("Column"), _("Required"), _("What to enter")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in KINDS[kind]:
        xlsx_append(
            sheet, [c.header, _("yes") if c.required else _("no"), str(HELP.get(c.key, ""))]
        )
    sheet.append([])
    if empty_because:
        xlsx_append(sheet, [empty_because])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for line in (
        _("Fill in the first sheet; keep its first row (the column headers) as it is."),
        _("Check the file first on the import page; any bad row and nothing changes."),
        _("Importing the same file again changes nothing."),
    ):
        xlsx_append(sheet, [line])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 70


def sheet_title(data: bytes, filename: str = "") -> str:
    """The title of the sheet an import reads (the first), for its report; "" for CSV."""
    if filename.lower().endswith(".csv"):
        return ""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError):
        return ""
    return book.sheetnames[0] if book.sheetnames else ""


def template(kind: str, rows: list[dict[str, Any]] | None = None, empty_because: str = "") -> bytes:
    """The XLSX HR fills in: a bold, frozen header in both languages, then `rows`, and
    a sheet of instructions in the reader's language."""
    columns = KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = str(TITLES[kind])
    xlsx_append(sheet, [c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, c in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + i)].width = max(14, len(c.header) + 4)
    for row in rows or []:
        cells = [
            _numeric(row.get(c.key, "")) if c.key in NUMBER_KEYS else (row.get(c.key, ""), None)
            for c in columns
        ]
        xlsx_append(sheet, [value for value, _fmt in cells])
        for cell, (_value, fmt) in zip(sheet[sheet.max_row], cells, strict=False):
            if fmt is not None:
                cell.number_format = fmt
    _instructions(book, kind, empty_because)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
