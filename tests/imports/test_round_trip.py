"""`manage.py import people|targets|metrics` round trips: the template, a file with
one bad row (exit 2, the row named, nothing changed), the corrected file (exit 0), the
same file again (nothing changed); audited once."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from engine.appraisals.models import Appraisal, Cycle
from engine.audit.models import AuditEvent
from engine.org.models import Employee
from engine.plugins import registry
from engine.scoring.units import unit_of
from tests.month import at, open_department

pytestmark = pytest.mark.django_db


def run(*args):
    """(exit code, parsed JSON report or None, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import", *args, "--json", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    text = out.getvalue()
    return code, (json.loads(text) if text.strip().startswith("{") else None), err.getvalue()


GOOD = {"rate": "50%", "score": "4.5"}  # a plausible target by unit; others "30"


def unit(cells) -> str:
    """The unit of a targets row's indicator (pack, role, indicator, …)."""
    return unit_of(registry.get_pack(cells[0]).role(cells[1]).indicator(cells[2]))


def template(folder, kind, *args):
    """The template `import template KIND` writes, as a path."""
    path = folder / f"{kind}.xlsx"
    call_command(
        "import",
        "template",
        kind,
        *args,
        "--out",
        str(path),
        "--company",
        "litong",
        stdout=StringIO(),
    )
    return path


def fill(template_path, path, value_of):
    """Fill the template's last column from `value_of(row cells)`."""
    book = load_workbook(template_path)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        row[-1].value = value_of([c.value for c in row])
    book.save(path)


def test_metrics_round_trip(litong, set_clock, tmp_path):
    """The template lists every metric of every open appraisal; "abc" in one row is
    refused with that row named and nothing loaded; the corrected file loads every
    row; the same file again changes nothing."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    tpl = template(tmp_path, "metrics", "--cycle", "2026-10")
    rows = list(load_workbook(tpl).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) > 20 and all(r[-1] in (None, "") for r in rows)
    bad = tmp_path / "bad.xlsx"
    fill(tpl, bad, lambda cells: "abc" if cells[0] == rows[3][0] and cells[2] == rows[3][2] else 1)
    code, report, err = run("metrics", str(bad), "--company", "litong", "--cycle", "2026-10")
    assert code == 2 and "row 5" in err and "nothing changed" in err
    assert report["errors"] == [
        {"row": 5, "column": "value", "reason": "abc is not a number: enter one such as 95%."}
    ]
    assert not Appraisal.objects.filter(cycle=cs.cycle, values__has_key="system").exists()
    good = tmp_path / "good.xlsx"
    fill(tpl, good, lambda cells: 1)
    code, report, _ = run("metrics", str(good), "--company", "litong", "--cycle", "2026-10")
    assert (code, report["created"], report["errors"]) == (0, len(rows), [])
    code, report, _ = run("metrics", str(good), "--company", "litong", "--cycle", "2026-10")
    assert (code, report["created"], report["updated"], report["unchanged"]) == (0, 0, 0, len(rows))
    assert AuditEvent.objects.filter(action="import:metrics").count() == 1


def test_targets_round_trip(litong, set_clock, tmp_path):
    """Targets: a negative target is refused at its row; the corrected file sets every
    target of the cycle; again, nothing changes."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    tpl = template(tmp_path, "targets", "--cycle", "2026-10")
    n = len(list(load_workbook(tpl).active.iter_rows(min_row=2)))
    bad = tmp_path / "bad.xlsx"
    fill(tpl, bad, lambda cells: "-1" if cells[2] == "payment_success" else "0.5")
    code, report, err = run("targets", str(bad), "--company", "litong", "--cycle", "2026-10")
    assert code == 2 and report["errors"][0]["column"] == "target" and "row" in err
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    good = tmp_path / "good.xlsx"
    fill(tpl, good, lambda cells: GOOD.get(unit(cells), "30"))
    code, report, _ = run("targets", str(good), "--company", "litong", "--cycle", "2026-10")
    assert (code, report["created"]) == (0, n)
    assert Appraisal.objects.get(pk=cs.a["ecom02"].pk).targets["inquiry_conversion"] == "0.5"
    code, report, _ = run("targets", str(good), "--company", "litong", "--cycle", "2026-10")
    assert (code, report["created"], report["updated"], report["unchanged"]) == (0, 0, 0, n)


def test_a_rate_target_of_500_percent_is_refused_with_a_hint(litong, set_clock, tmp_path):
    """CLI and import: a 500% conversion target is refused at its row with the hint
    ("did you mean 5%?"), exit 2 with one line, nothing set; a bare 500 for a rate is
    the same 500%."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    tpl = template(tmp_path, "targets", "--cycle", "2026-10")
    bad = tmp_path / "bad.xlsx"
    typed = {"inquiry_conversion": "500%", "avg_order_value": "150", "payment_success": "90%"}
    fill(tpl, bad, lambda cells: typed.get(cells[2], GOOD.get(unit(cells), "30")))
    code, report, err = run("targets", str(bad), "--company", "litong", "--cycle", "2026-10")
    (error,) = report["errors"]
    assert code == 2 and len(err.strip().splitlines()) == 1 and "did you mean 5%?" in err
    assert error["column"] == "target"
    assert error["reason"] == "500% — did you mean 5%? A target here is at most 100%."
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    typed["inquiry_conversion"] = "500"
    fill(tpl, bad, lambda cells: typed.get(cells[2], GOOD.get(unit(cells), "30")))
    code, report, _ = run("targets", str(bad), "--company", "litong", "--cycle", "2026-10")
    assert code == 2 and [e["reason"] for e in report["errors"]] == [error["reason"]]


def test_metrics_are_read_by_their_unit(litong, set_clock, tmp_path):
    """Metrics: "95%" for a rate loads 0.95; "95%" for a response time in seconds is
    refused as a percentage; a conversion of 120% is above its 100% maximum."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    tpl = template(tmp_path, "metrics", "--cycle", "2026-10")
    ecom = cs.a["ecom02"].employee.number
    typed = {"inquiry_conversion": "120%", "response_time": "95%", "payment_success": "95%"}
    bad = tmp_path / "bad.xlsx"
    fill(tpl, bad, lambda cells: typed.get(cells[2], "1") if cells[0] == ecom else "1")
    code, report, _ = run("metrics", str(bad), "--company", "litong", "--cycle", "2026-10")
    reasons = sorted(e["reason"] for e in report["errors"])
    assert code == 2 and reasons == [
        "120% is too high: at most 100%.",
        "A percentage does not fit here: enter a number such as 30.",
    ]
    typed.update(inquiry_conversion="35%", response_time="28")
    good = tmp_path / "good.xlsx"
    fill(tpl, good, lambda cells: typed.get(cells[2], "1") if cells[0] == ecom else "1")
    code, report, _ = run("metrics", str(good), "--company", "litong", "--cycle", "2026-10")
    loaded = Appraisal.objects.get(pk=cs.a["ecom02"].pk).values["system"]
    assert code == 0, report["errors"]
    assert (loaded["inquiry_conversion"], loaded["payment_success"]) == ("0.35", "0.95")
    assert loaded["response_time"] == "28"


PEOPLE = [
    # dept, dept name, parent, position, position name, number, name, hire, supervisor, head
    ["qa", "质量部 Quality", "", "qa_lead", "质检组长", "Q001", "方明", "2026-03-01", "", "是"],
    ["qa", "质量部 Quality", "", "qa_staff", "质检员", "Q002", "白露", "2026-02-30", "Q001", ""],
]


def test_people_round_trip(litong, tmp_path):
    """A new department with its head and one report, added below the company's people
    the template lists: 30 Feb is refused at its row with nothing created; corrected,
    everything is created and linked; again, nothing."""
    tpl = template(tmp_path, "people")
    book = load_workbook(tpl)
    listed = book.active.max_row - 1  # the template lists the people there are
    for row in PEOPLE:
        book.active.append(row)
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    code, report, err = run("people", str(bad), "--company", "litong")
    row = listed + 3  # header, the listed people, Q001, then Q002
    assert code == 2 and f"row {row}" in err
    assert report["errors"] == [
        {"row": row, "column": "hire_date", "reason": "a date such as 2026-03-01"}
    ]
    assert not Employee.objects.filter(number__in=["Q001", "Q002"]).exists()
    book.active[f"H{row}"] = "2026-03-02"
    good = tmp_path / "good.xlsx"
    book.save(good)
    code, report, _ = run("people", str(good), "--company", "litong")
    assert code == 0 and report["created"] == 5  # department, 2 positions, 2 employees
    staff = Employee.objects.get(number="Q002")
    assert staff.supervisor.number == "Q001" and staff.department.head.number == "Q001"
    code, report, _ = run("people", str(good), "--company", "litong")
    assert (code, report["created"], report["updated"]) == (0, 0, 0)
