"""Two server errors the imports used to answer: a structured metric ({"violations": 0},
the demo's customer-service supervisor) could not be written to the template, and a
row given twice crashed the report (`Report.bad() got multiple values for 'row'`).
Now the structured metric is one fillable row per sub-field, read back on import, and
a repeated row is a report line naming both rows (CLI exit 2, API 422, page 400)."""

import json
from io import StringIO

from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from tests.api.test_tokens import bearer, token
from tests.imports.test_round_trip import run, template
from tests.month import ECOM_SYSTEM, at, demo_month, open_department, submit


def _cs_with_team_metric(litong, set_clock):
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    lead = cs.a["cs_head"]
    services.appraisal_set_inputs(
        actor=litong.u["hr"],
        appraisal=lead,
        system_values={"sales_linked": "1", "team_management": {"violations": 0}},
    )
    return cs, lead


def _sheet(path):
    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_a_structured_metric_is_a_row_per_sub_field_and_reads_back(litong, set_clock, tmp_path):
    """The template (CLI and page) writes {"violations": 0} as the cell "0" on a row
    labelled 团队管理 · 违规次数; the same file reads back unchanged; 2 in that cell
    stores {"violations": 2}; 1.5 is refused naming the row."""
    cs, lead = _cs_with_team_metric(litong, set_clock)
    tpl = template(tmp_path, "metrics", "--cycle", "2026-10")
    rows = _sheet(tpl)
    mine = [r for r in rows if r[0] == lead.employee.number and r[2].startswith("team_management")]
    assert mine == [(lead.employee.number, lead.employee.name, *mine[0][2:])]
    assert mine[0][2:] == ("team_management.violations", "团队管理 · 违规次数", 0)

    book = load_workbook(tpl)
    others = [
        r[0].row for r in book.active.iter_rows(min_row=2) if r[0].value != lead.employee.number
    ]
    for n in reversed(others):  # only the supervisor's rows: the others are blank
        book.active.delete_rows(n)
    book.save(tpl)
    code, report, err = run("metrics", str(tpl), "--company", "litong", "--cycle", "2026-10")
    assert code == 0, err
    assert report["updated"] == 0 and report["unchanged"] == 2  # and sales_linked

    for row in book.active.iter_rows(min_row=2):
        if row[0].value == lead.employee.number and row[2].value == "team_management.violations":
            at_row, row[4].value = row[0].row, 2
    book.save(tmp_path / "two.xlsx")
    code, report, _ = run(
        "metrics", str(tmp_path / "two.xlsx"), "--company", "litong", "--cycle", "2026-10"
    )
    assert (code, report["updated"]) == (0, 1)
    lead.refresh_from_db()
    assert lead.values["system"]["team_management"] == {"violations": 2}  # an object, not text

    book.active.cell(at_row, 5).value = "1.5"
    book.save(tmp_path / "half.xlsx")
    code, report, err = run(
        "metrics", str(tmp_path / "half.xlsx"), "--company", "litong", "--cycle", "2026-10"
    )
    assert code == 2 and report["errors"] == [
        {"row": at_row, "column": "value", "reason": '"1.5" is not a whole number ≥ 0'}
    ]
    lead.refresh_from_db()
    assert lead.values["system"]["team_management"] == {"violations": 2}

    c = Client()
    c.force_login(litong.u["hr"])
    r = c.get(f"/hr/import/template/metrics.xlsx?company=litong&cycle={cs.cycle.pk}")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    (tmp_path / "page.xlsx").write_bytes(r.content)
    assert ("team_management.violations", "团队管理 · 违规次数", 2) in [
        x[2:] for x in _sheet(tmp_path / "page.xlsx")
    ]


def test_a_repeated_target_row_names_both_rows(litong, set_clock, tmp_path):
    """The same target on rows 2 and 3: exit 2, one line naming both, nothing set."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    tpl = template(tmp_path, "targets", "--cycle", "2026-10")
    book = load_workbook(tpl)
    sheet = book.active
    # Only the first target row and its copy, each with a value its unit allows.
    first = [c.value for c in sheet[2]]
    sheet.delete_rows(3, sheet.max_row)
    first[4] = "1"
    sheet[2][4].value = "1"
    sheet.append(first)
    repeated = sheet.max_row
    book.save(tmp_path / "twice.xlsx")
    code, report, err = run(
        "targets", str(tmp_path / "twice.xlsx"), "--company", "litong", "--cycle", "2026-10"
    )
    assert code == 2
    assert report["errors"] == [
        {"row": repeated, "column": "indicator", "reason": "given twice (also row 2)"}
    ]
    assert err.strip().count("\n") == 0 and f"row {repeated}" in err and "row 2" in err
    cs.cycle.refresh_from_db()
    assert cs.cycle.targets == {}


def test_a_repeated_metric_row_through_the_api_and_the_page(litong, set_clock, tmp_path):
    """PUT with one metric twice answers 422 naming rows 1 and 2, nothing loaded; the
    page's upload of such a file answers 400 with the row named."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    number = cs.a["ecom02"].employee.number
    rows = [{"number": number, "indicator": k, "value": v} for k, v in ECOM_SYSTEM.items()]
    rows.insert(1, dict(rows[0]))
    r = bearer(token("hr", "metrics:write")).put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"row": 2, "column": "indicator", "reason": "重复填写（第 1 行也有）"}
    ]
    assert "system" not in Appraisal.objects.get(pk=cs.a["ecom02"].pk).values

    csv = "工号,指标编码,数值\n" + f"{number},reply_rate,1\n{number},reply_rate,1\n"
    path = tmp_path / "twice.csv"
    path.write_text(csv, encoding="utf-8")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    with path.open("rb") as f:
        r = c.post(
            "/hr/import/?company=litong",
            {"kind": "metrics", "cycle": cs.cycle.pk, "file": f, "company": "litong"},
        )
    assert r.status_code == 400
    table = r.content.decode().split('id="row-errors"')[1].split("</table>")[0]
    assert '<td class="num">3</td>' in table and "2" in table.split('<td class="num">3</td>')[1]
    assert "system" not in Appraisal.objects.get(pk=cs.a["ecom02"].pk).values


def test_the_cli_template_on_the_demo_month(set_clock, tmp_path, db):
    """The README's command on the demo's data: `import template metrics --company
    litong --cycle 2026-11` writes the file (it used to crash on {'violations': 0})."""

    set_clock(at(2026, 12, 4, 10))  # the month being appraised is the one before
    demo_month(finished_months=0)
    out = tmp_path / "m.xlsx"
    call_command(
        "import",
        "template",
        "metrics",
        "--company",
        "litong",
        "--cycle",
        "2026-11",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    rows = _sheet(out)
    assert any(r[2] == "team_management.violations" for r in rows[1:])
    code, report, _ = run("metrics", str(out), "--company", "litong", "--cycle", "2026-11")
    assert code == 0 and report["updated"] == report["created"] == 0


def test_the_inputs_page_edits_a_structured_metric_by_sub_field(litong, set_clock):
    """HR's grid shows {"violations": 0} as a cell labelled 团队管理 · 违规次数 holding
    0 (not the object's text, which could never be saved again); the grid saved with 2
    there stores {"violations": 2}; -1 is refused at that cell and nothing changes."""
    cs, lead = _cs_with_team_metric(litong, set_clock)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    page = c.get(url).content.decode()
    key = f"m.{lead.pk}.team_management.violations"
    assert f'name="{key}" value="0"' in page and "团队管理 · 违规次数" in page
    assert "violations&#x27;" not in page and "{&#x27;" not in page
    grid = {"part": "metrics", f"m.{lead.pk}.sales_linked": "1", key: "-1"}
    r = c.post(url, grid)
    assert r.status_code == 400 and f'data-field="{key}"' in r.content.decode()
    lead.refresh_from_db()
    assert lead.values["system"]["team_management"] == {"violations": 0}
    r = c.post(url, {**grid, key: "2"})
    assert r.status_code == 302
    lead.refresh_from_db()
    assert lead.values["system"]["team_management"] == {"violations": 2}


def test_the_step_form_names_each_sub_field_in_words(litong, set_clock):
    """The customer-service supervisor's team retention is typed by the GM as two
    whole numbers, each named in the reader's language as the pack names it."""
    _cs, lead = _cs_with_team_metric(litong, set_clock)
    submit(lead, "self", litong.u["cs_head"])
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["gm"])
    page = c.get(f"/appraisals/{lead.pk}/").content.decode()
    assert "团队稳定性 · 离职的转正员工人数" in page and "团队稳定性 · 被辞退员工人数" in page
    assert 'name="values.team_retention.quit"' in page
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(litong.u["gm"])
    assert "members who quit" in c.get(f"/appraisals/{lead.pk}/").content.decode()
