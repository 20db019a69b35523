"""No exported value becomes a live formula: an employee named `=1+1` and an audit
reason `=HYPERLINK(…)` open in openpyxl as text in the payroll and trail XLSX, and the
CSVs carry them with a leading apostrophe; a negative number stays a number."""

import io

from openpyxl import load_workbook

from engine.exports import csv_safe
from engine.org import services as org
from engine.payroll.services import payroll_export
from tests.payroll.test_export_and_trail import client, finalised  # noqa: F401

LINK = '=HYPERLINK("http://evil.example","pay")'


def cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def test_formulas_open_as_text(finalised):  # noqa: F811
    """=1+1 in the payroll XLSX and =HYPERLINK in the trail XLSX are text cells with
    exactly that text; in the CSVs they start with an apostrophe."""
    w, _appeal = finalised
    staff03 = w.u["staff03"].employee
    org.employee_update(actor=w.u["hr"], employee=staff03, name="=1+1", reason=LINK)
    xlsx = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="xlsx").content
    (name,) = [c for c in cells(xlsx) if c.value == "=1+1"]
    assert name.data_type == "s"
    assert not [c for c in cells(xlsx) if c.data_type == "f"]
    csv_text = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="csv").content.decode("utf-8-sig")
    assert ",'=1+1," in csv_text and ",=1+1," not in csv_text
    auditor = client(w.u["auditor"])
    trail = auditor.get("/audit/export.xlsx?action=update").content
    (reason,) = [c for c in cells(trail) if c.value == LINK]
    assert reason.data_type == "s"
    trail_csv = auditor.get("/audit/export.csv?action=update").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in trail_csv
    assert (csv_safe("-12.50"), csv_safe("-x"), csv_safe("@SUM(A1)")) == (
        "-12.50",
        "'-x",
        "'@SUM(A1)",
    )
