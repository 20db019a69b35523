"""Issue 20, the import journey: every template HR downloads imports back unchanged
(dry run and for real) and changes nothing, even after an appraisal closed; the people
template lists the people with instructions in the reader's language; the page names
cycles, roles, people and columns in words; a wrong file is refused at the file field
saying what was received and what is accepted, keeping the other choices; the CLI says
the same on one line with exit 2."""

import io
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from engine.appraisals.models import Appraisal, Cycle
from engine.audit.models import AuditEvent
from engine.demo.history import setup_moment
from engine.org.models import Department, Employee, Position
from tests.month import at, demo_month, open_department
from tests.web.visible import raw_codes, visible_text

pytestmark = pytest.mark.django_db
NOW = at(2026, 12, 4, 10)  # early December: November is the month being appraised
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(set_clock):
    set_clock(NOW)
    demo_month(finished_months=3, at=setup_moment())  # the demo test's build, replayed
    return Cycle.objects.get(company__code="litong", period="2026-11")


def hr_client(lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(Employee.objects.get(user__username="hr").user)
    return c


def snapshot():
    """Everything an import could write."""
    return (
        list(Cycle.objects.order_by("pk").values_list("pk", "targets")),
        list(Appraisal.objects.order_by("pk").values_list("pk", "values", "state")),
        list(
            Employee.objects.order_by("pk").values_list(
                "name", "department", "position", "supervisor", "hire_date", "trial_end_date"
            )
        ),
        list(Department.objects.order_by("pk").values_list("code", "name", "parent", "head")),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )


def post(c, kind, body, cycle=None, dry_run=False, name=None):
    data = {
        "company": "litong",
        "kind": kind,
        "file": SimpleUploadedFile(name or f"{kind}.xlsx", body, XLSX),
    }
    if cycle is not None:
        data["cycle"] = str(cycle.pk)
    if dry_run:
        data["dry_run"] = "on"
    return c.post("/hr/import/", data)


def cli(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import", *args, "--company", "litong", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("kind", ["targets", "metrics", "people"])
def test_every_template_imports_back_unchanged_on_the_demo(demo, kind, tmp_path):
    """The template of the current month (people: of the company), downloaded from the
    page and sent back untouched: the dry run and the import both succeed with nothing
    created or updated, the data is as it was, and the CLI agrees (exit 0). Before the
    fix the targets template was refused for its blank cells (a role's target left to
    the pack's default) and the people template had no rows at all."""
    c = hr_client()
    got = c.get(f"/hr/import/template/{kind}.xlsx?company=litong&cycle={demo.pk}")
    assert got.status_code == 200
    rows = list(load_workbook(io.BytesIO(got.content)).worksheets[0].iter_rows(min_row=2))
    if kind == "people":
        assert len(rows) == Employee.objects.filter(company__code="litong", status="active").count()
    assert rows, "a template of the demo's month has rows to fill"
    before = snapshot()
    for dry_run in (True, False):
        r = post(c, kind, got.content, cycle=demo, dry_run=dry_run)
        report = r.context["report"]
        assert r.status_code == 200, [e.reason for e in report.errors][:3]
        assert report.ok and (report.created, report.updated) == (0, 0)
        assert report.rows == len(rows)
    assert snapshot() == before
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(got.content)
    code, out, err = cli(kind, str(path), "--cycle", "2026-11")
    assert (code, err) == (0, "") and "0 created, 0 updated" in out
    assert snapshot() == before


def test_a_metrics_template_still_imports_after_an_appraisal_closed(demo):
    """Downloaded, then one person's appraisal is finalised, then the file comes back
    (with a changed value on that person's row and one blank cell elsewhere): not a
    refusal but that person's rows skipped with a note naming them by name and number,
    the blank cell left as it is, nothing changed."""
    c = hr_client()
    got = c.get(f"/hr/import/template/metrics.xlsx?company=litong&cycle={demo.pk}")
    book = load_workbook(io.BytesIO(got.content))
    rows = list(book.worksheets[0].iter_rows(min_row=2))
    closed = Appraisal.objects.select_related("employee").get(
        cycle=demo, employee__number=rows[0][0].value
    )
    Appraisal.objects.filter(pk=closed.pk).update(state="final")
    theirs = [r for r in rows if r[0].value == closed.employee.number]
    theirs[0][4].value = "999"  # would have been an update; the appraisal is closed
    rows[-1][4].value = None  # blank: left as it is
    body = io.BytesIO()
    book.save(body)
    before = snapshot()
    r = post(c, "metrics", body.getvalue(), cycle=demo)
    report = r.context["report"]
    assert r.status_code == 200 and report.ok
    assert report.skipped == len(theirs) and report.updated == 0
    page = visible_text(r.content.decode())
    assert f"{closed.employee.name}（{closed.employee.number}）" in page
    assert raw_codes(r.content.decode()) == []
    assert snapshot() == before


def test_the_people_template_has_the_people_and_instructions_in_the_readers_language(litong):
    """zh: sheets 人员 and 说明, the HR manager's row filled; en: People, Instructions."""
    for lang, sheets, note in (
        ("zh-hans", ["人员", "说明"], "工号"),
        ("en", ["People", "Instructions"], "employee number"),
    ):
        got = hr_client(lang).get("/hr/import/template/people.xlsx?company=litong")
        book = load_workbook(io.BytesIO(got.content))
        assert book.sheetnames == sheets
        numbers = [r[5] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
        assert litong.u["hr"].employee.number in numbers
        help_rows = list(book.worksheets[1].iter_rows(values_only=True))
        assert any(r[0] and note in r[0] and r[2] for r in help_rows)


def test_the_page_names_cycles_in_words(litong, set_clock):
    """The cycle list and the template links read "2026-10 月度考核", never "1 2026-10"."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    page = hr_client().get("/hr/import/").content.decode()
    assert f'<option value="{cs.cycle.pk}">2026-10 月度考核</option>' in page
    assert "2026-10 月度考核" in visible_text(page.split('id="templates"')[1])
    assert not re.search(r">\s*\d+ 2026-10\s*<", page)


def test_the_report_names_roles_people_and_columns_in_words(litong, set_clock):
    """A target for an indicator that takes none, a role nobody holds, a metric that is
    not a system metric: each reason names the role by its name (电商客服), the person by
    name and number and the column by its header; no code reaches the page."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    c = hr_client()
    targets = (
        "规则包,岗位角色,指标编码,目标值\n"
        "customer_service,ecommerce_agent,follow_up,5\n"
        "sales,sales_rep,sales_completion,90%\n"
    )
    r = post(c, "targets", targets.encode(), cycle=cs.cycle, name="targets.csv")
    page = r.content.decode()
    assert r.status_code == 400 and raw_codes(page) == [], raw_codes(page)
    reasons = [e.reason for e in r.context["report"].errors]
    assert "电商客服" in reasons[0] and "外贸业务员" in reasons[1]
    assert ">指标编码</td>" in page and ">岗位角色</td>" in page
    ecom = cs.a["ecom02"].employee
    metrics = f"工号,指标编码,数值\n{ecom.number},follow_up,3\n"
    r = post(c, "metrics", metrics.encode(), cycle=cs.cycle, name="metrics.csv")
    page = r.content.decode()
    assert r.status_code == 400 and raw_codes(page) == [], raw_codes(page)
    assert f"{ecom.name}（{ecom.number}）" in page and "电商客服" in page


WRONG = [
    ("people.csv", "不是 UTF-8".encode("gbk") + b",x\n", "不是 UTF-8"),
    ("review.docx", b"PK\x03\x04 not really a document", "review.docx"),
    ("renamed.xlsx", "部门编码,部门名称\n".encode(), "纯文本"),
    ("empty.xlsx", b"", "是空的"),
]


@pytest.mark.parametrize(("name", "body", "says"), WRONG)
def test_a_wrong_file_is_refused_at_the_file_field(litong, set_clock, name, body, says):
    """400, the reason at the file field naming the file and what it is, and what is
    accepted, in Chinese; the kind, cycle and dry-run choices kept; nothing changed."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    before = snapshot()
    r = post(hr_client(), "metrics", body, cycle=cs.cycle, dry_run=True, name=name)
    page = r.content.decode()
    at_field = re.findall(r'<p class="error" role="alert" data-field="file">([^<]*)</p>', page)
    assert r.status_code == 400 and len(at_field) == 1, page[:0]
    assert name in at_field[0] and says in at_field[0] and ".xlsx" in at_field[0]
    assert "可接受" in at_field[0]
    assert '<option value="metrics" selected>' in page
    assert f'<option value="{cs.cycle.pk}" selected>' in page
    assert re.search(r'name="dry_run"[^>]*checked', page)
    assert snapshot() == before


@pytest.mark.parametrize(("name", "body", "says"), WRONG)
def test_the_cli_refuses_a_wrong_file_in_one_line(litong, set_clock, tmp_path, name, body, says):
    """Exit 2, one line on stderr naming the file and what is accepted, nothing on stdout."""
    set_clock(at(2026, 10, 31, 9))
    open_department(litong, "cs")
    path = tmp_path / name
    path.write_bytes(body)
    code, out, err = cli("metrics", str(path), "--cycle", "2026-10")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("file: ") and name in err and "Accepted: an Excel workbook" in err


def test_the_dry_run_lists_each_change_and_confirming_imports_that_file(litong, set_clock):
    """A dry run of two targets names each change by role and indicator with its row and
    its values by unit (inquiry conversion — → 40%); nothing changes until "import this
    file now" is pressed, which imports the very file checked without choosing it again;
    the same token a second time is refused at the file field (taken once)."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    c = hr_client()
    targets = (
        "规则包,岗位角色,指标编码,目标值\n"
        "customer_service,ecommerce_agent,inquiry_conversion,40%\n"
        "customer_service,ecommerce_agent,avg_order_value,200\n"
    )
    r = post(c, "targets", targets.encode(), cycle=cs.cycle, dry_run=True, name="t.csv")
    page = r.content.decode()
    assert r.status_code == 200, page
    table = page.split('id="row-changes"', 1)[1].split("</table>", 1)[0]
    assert "电商客服 · 询单转化率" in table and "40%" in table and ">2<" in table
    cs.cycle.refresh_from_db()
    assert cs.cycle.targets == {}
    token = r.context["staged"]
    confirm = {"company": "litong", "kind": "targets", "cycle": str(cs.cycle.pk)}
    assert 'id="import-confirm"' in page
    done = c.post("/hr/import/", {**confirm, "staged": token})
    assert done.status_code == 200 and done.context["report"].changed
    cs.cycle.refresh_from_db()
    assert cs.cycle.targets["customer_service"]["ecommerce_agent"]["inquiry_conversion"] == "0.4"
    again = c.post("/hr/import/", {**confirm, "staged": token})
    assert again.status_code == 400 and "已过期" in again.content.decode()


def test_the_confirm_button_says_which_checked_file_it_imports(litong, set_clock):
    """After a dry run, beside "import this file now": the file's name, what it holds,
    the company, the cycle, its rows and when it was checked — in Chinese and in
    English, no code; the upload form shows no bare "Staged" label for its hidden
    token."""
    set_clock(at(2026, 10, 31, 9))
    cs = open_department(litong, "cs")
    targets = (
        "规则包,岗位角色,指标编码,目标值\n"
        "customer_service,ecommerce_agent,inquiry_conversion,40%\n"
        "customer_service,ecommerce_agent,avg_order_value,200\n"
    )
    for lang, words in (
        ("zh-hans", ("您即将导入的文件", "文件", "november.csv", "力同", "行数", "检查时间")),
        ("en", ("The file you are about to import", "File", "november.csv", "Rows in the file")),
    ):
        r = post(
            hr_client(lang),
            "targets",
            targets.encode(),
            cycle=cs.cycle,
            dry_run=True,
            name="november.csv",
        )
        page = r.content.decode()
        facts = page.split('id="staged-title"', 1)[1].split("</dl>", 1)[0]
        text = visible_text(facts)
        assert all(w in text for w in words), (lang, text)
        assert cs.cycle.period in text and "2026-10-31 09:00" in text
        assert raw_codes(facts) == [] and "targets" not in text and "ecommerce" not in text
        assert 'for="id_staged"' not in page  # the hidden token has no bare label
        form = page.split('id="import-confirm"', 1)[1].split("</form>", 1)[0]
        assert 'id="import-staged"' in form and 'aria-describedby="import-staged"' in form
    assert "staged-cycle" in facts
