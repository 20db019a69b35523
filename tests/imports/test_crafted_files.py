"""Crafted spreadsheets must not stop a worker (issue 21): each hostile file is built
here from a zip and a few lines of XML, and is refused with a 4xx naming the file and
the limit — before openpyxl is handed it where the trouble is in the archive, and
without padding rows to a declared dimension where it is in the sheet."""

from __future__ import annotations

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl.worksheet import _read_only

from engine.errors import InvalidInput
from engine.imports import sheets

pytestmark = pytest.mark.django_db

HEADER = ["工号", "姓名", "指标编码", "数值"]
CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="metrics" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: str, dimension: str = "A1:D3", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def good_rows() -> str:
    header = "".join(cell(f"{c}1", h) for c, h in zip("ABCD", HEADER, strict=True))
    data = "".join(
        cell(f"{c}2", v) for c, v in zip("ABCD", ["S01", "杜芳", "sales", "3"], strict=True)
    )
    return f'<row r="1">{header}</row><row r="2">{data}</row>'


def xlsx(sheet: bytes, shared: bytes | None = None, extra: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr(
            "xl/sharedStrings.xml",
            shared or f'<sst xmlns="{MAIN}" count="0" uniqueCount="0"></sst>'.encode(),
        )
        for i in range(extra):
            z.writestr(f"xl/media/pad{i}.xml", b"<x/>")
    return out.getvalue()


@pytest.fixture
def parser_spy(monkeypatch):
    """Every time openpyxl is handed a workbook."""
    handed: list = []
    real = sheets.load_workbook

    def spy(*args, **kwargs):
        handed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sheets, "load_workbook", spy)
    return handed


def refused(data: bytes, name: str = "metrics.xlsx") -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        sheets.read_rows(data, "metrics", name)
    assert info.value.field == "file"
    return info.value


def test_a_well_formed_minimal_workbook_reads(parser_spy):
    """The hand-built workbook the hostile ones are made from is a good file."""
    assert sheets.read_rows(xlsx(sheet_xml(good_rows())), "metrics", "m.xlsx") == [
        (2, {"number": "S01", "name": "杜芳", "indicator": "sales", "value": "3"})
    ]
    assert len(parser_spy) == 1


def test_a_declared_dimension_of_the_whole_grid_is_not_believed(monkeypatch):
    """4.9 KB declaring A1:XFD1048576 (16,384 columns × 1,048,576 rows): read as its
    two real rows. Before the fix openpyxl padded every row to 16,384 cells and then
    yielded a million empty rows; the spy refuses any row wider than the cap + 1."""
    widths: list[int | None] = []
    real = _read_only.ReadOnlyWorksheet._get_row

    def narrow(self, row, min_col=1, max_col=None, values_only=False):
        widths.append(max_col)
        assert max_col is not None and max_col <= sheets.SHEET_LIMITS["columns"] + 1, max_col
        return real(self, row, min_col, max_col, values_only)

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_get_row", narrow)
    data = xlsx(sheet_xml(good_rows(), dimension="A1:XFD1048576"))
    assert len(data) < 5000
    rows = sheets.read_rows(data, "metrics", "dimension.xlsx")
    assert [n for n, _ in rows] == [2] and widths == [65, 65]


def test_a_row_far_below_is_stopped_at_the_row_cap(settings):
    """A header in row 1 and one cell in row 1,048,576: the million rows between are
    counted as read and the file is refused at the cap (here 1,000 rows), naming it."""
    settings.JIXIAO_SHEET_LIMITS = {"rows": 1000}
    far = good_rows() + f'<row r="1048576">{cell("A1048576", "x")}</row>'
    exc = refused(xlsx(sheet_xml(far, dimension="A1:A1")), "far.xlsx")
    assert exc.rule == "file_limit"
    assert "far.xlsx" in exc.message and "1000" in exc.message


def test_a_file_that_reads_too_slowly_is_stopped_by_the_clock(settings, monkeypatch):
    """Within every count but slow to read: the wall-clock bound stops it, naming the
    file and the seconds, during the scan and during the rows (the clock is moved on
    here instead of waiting)."""
    import time

    settings.JIXIAO_SHEET_LIMITS = {"seconds": 30}
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    many = good_rows() + "".join(f'<row r="{i}">{cell(f"A{i}", "x")}</row>' for i in range(3, 2100))
    data = xlsx(sheet_xml(many))
    real_scan = sheets._scan

    def slow_scan(*args):
        now[0] += 31
        return real_scan(*args)

    monkeypatch.setattr(sheets, "_scan", slow_scan)
    exc = refused(data, "slow.xlsx")
    assert exc.rule == "file_limit" and "slow.xlsx" in exc.message and "30" in exc.message
    monkeypatch.setattr(sheets, "_scan", real_scan)
    real_row = _read_only.ReadOnlyWorksheet._get_row

    def slow_row(self, *args, **kwargs):
        now[0] += 0.02  # 2,100 rows at 20 ms: past 30 s at the 2,000th row's check
        return real_row(self, *args, **kwargs)

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_get_row", slow_row)
    exc = refused(data, "slow.xlsx")
    assert "30" in exc.message
    now[0] = 0.0
    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_get_row", real_row)
    assert len(sheets.read_rows(data, "metrics", "fast.xlsx")) > 2000


def test_too_many_rows_or_cells_in_a_row_are_refused_before_parsing(settings, parser_spy):
    """The scan counts <row> and the <c> of each row before openpyxl sees the file."""
    settings.JIXIAO_SHEET_LIMITS = {"rows": 10}
    many = good_rows() + "".join(f'<row r="{i}">{cell(f"A{i}", "x")}</row>' for i in range(3, 20))
    exc = refused(xlsx(sheet_xml(many)), "rows.xlsx")
    assert "rows.xlsx" in exc.message and "10" in exc.message
    wide = '<row r="1">' + "".join(f'<c r="A1"><v>{i}</v></c>' for i in range(65)) + "</row>"
    exc = refused(xlsx(sheet_xml(good_rows() + wide.replace('r="1"', 'r="3"', 1))), "wide.xlsx")
    assert "wide.xlsx" in exc.message and "64" in exc.message
    assert parser_spy == []


def test_a_large_shared_strings_part_is_refused_from_the_zip_directory(parser_spy):
    """Three million one-letter strings: 51 MB of XML (under the 64 MB part limit)
    packed into well under 1 MB —
    refused by its packing ratio from the zip's directory, before it is inflated and
    before openpyxl is handed it (it built 1.5 GB of strings from such a part)."""
    body = b"<si><t>a</t></si>" * 3_000_000  # 17 bytes × 3,000,000 = 51,000,000
    shared = f'<sst xmlns="{MAIN}">'.encode() + body + b"</sst>"
    data = xlsx(sheet_xml(good_rows()), shared)
    assert len(data) < 2 * 1024 * 1024
    exc = refused(data, "strings.xlsx")
    assert exc.rule == "file_limit" and "strings.xlsx" in exc.message and "100" in exc.message
    assert parser_spy == []


def test_many_shared_strings_are_counted_even_when_they_pack_poorly(settings, parser_spy):
    """With the ratio check out of the way (ratio 10⁶), the count of <si> stops it:
    2,000 different texts against a cap of 1,000."""
    settings.JIXIAO_ZIP_LIMITS = {"ratio": 1_000_000}
    settings.JIXIAO_SHEET_LIMITS = {"shared_strings": 1000}
    body = "".join(f"<si><t>{i:x}-{i * 7919 % 100003}</t></si>" for i in range(2000))
    exc = refused(xlsx(sheet_xml(good_rows()), f'<sst xmlns="{MAIN}">{body}</sst>'.encode()))
    assert "1000" in exc.message
    settings.JIXIAO_SHEET_LIMITS = {"shared_strings_bytes": 1024}
    exc = refused(xlsx(sheet_xml(good_rows()), f'<sst xmlns="{MAIN}">{body}</sst>'.encode()))
    assert "MB" in exc.message
    assert parser_spy == []


def test_an_archive_of_many_parts_or_a_huge_part_is_refused(settings, parser_spy):
    """From the zip's directory alone: 300 parts against 200; a 2 MB part against a
    1 MB part limit; the same file against a 1 MB total."""
    exc = refused(xlsx(sheet_xml(good_rows()), extra=300), "parts.xlsx")
    assert "parts.xlsx" in exc.message and "200" in exc.message
    settings.JIXIAO_ZIP_LIMITS = {"part_bytes": 1024 * 1024, "ratio": 1_000_000}
    big = sheet_xml(good_rows() + "<!--" + "x" * (2 * 1024 * 1024) + "-->")
    exc = refused(xlsx(big), "part.xlsx")
    assert "part.xlsx" in exc.message and "1 MB" in exc.message
    settings.JIXIAO_ZIP_LIMITS = {"total_bytes": 1024 * 1024, "ratio": 1_000_000}
    exc = refused(xlsx(big), "total.xlsx")
    assert "total.xlsx" in exc.message
    assert parser_spy == []


def test_entities_are_refused_not_expanded():
    """A DTD with entities in a sheet (the billion-laughs shape): defusedxml refuses it,
    answered as a file that is not a workbook, never a 500."""
    prolog = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    rows = good_rows().replace("杜芳", "&b;")
    exc = refused(xlsx(sheet_xml(rows, prolog=prolog)), "dtd.xlsx")
    assert exc.rule == "format"


def test_the_page_and_the_command_refuse_it_naming_the_file(litong, settings, tmp_path):
    """HR uploads the shared-strings bomb: 400, the page names the file and the limit
    in the reader's language; the command exits 2 with one line."""
    body = b"<si><t>a</t></si>" * 2_000_000
    data = xlsx(sheet_xml(good_rows()), f'<sst xmlns="{MAIN}">'.encode() + body + b"</sst>")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    upload = io.BytesIO(data)
    upload.name = "bomb.xlsx"
    r = c.post("/hr/import/", {"kind": "people", "file": upload})
    page = r.content.decode()
    assert r.status_code == 400 and "bomb.xlsx" in page and "100" in page, page[-3000:]
    assert "无法安全读取" in page
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as info:
        call_command(
            "import",
            "people",
            str(path),
            "--company",
            litong.company.code,
            "--json",
            stdout=out,
            stderr=err,
        )
    assert info.value.code == 2
    line = err.getvalue().strip()
    assert "\n" not in line and "bomb.xlsx" in line and line.startswith("file:"), line
    assert not out.getvalue().strip() or json.loads(out.getvalue())
