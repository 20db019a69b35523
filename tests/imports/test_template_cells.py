"""The import page and its templates speak plainly: the cycle list opens on a worded
prompt, a template with no rows says why (in its instructions and on the page), an
empty employee number is called empty naming its row, and numbers are numeric cells
that Excel treats as numbers and that read back as the same number."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine.appraisals.models import Cycle
from engine.demo.history import setup_moment
from engine.imports.sheets import read_rows, template
from tests.imports.test_templates_and_files import NOW, hr_client, post
from tests.month import demo_month
from tests.web.visible import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(set_clock):

    set_clock(NOW)
    demo_month(finished_months=3, at=setup_moment())  # the demo test's build, replayed
    return Cycle.objects.get(company__code="litong", period="2026-11")


def test_numbers_are_numeric_cells_with_a_format_and_read_back_unchanged():
    """ "120.750" is written as the number 120.75 shown with three places, "95%" and
    "150%" as 0.95 and 1.5 shown as percentages; read back they are the same numbers,
    a rate above 100% never read as 1.5%."""
    rows = [
        {"number": "E1", "indicator": "a", "value": "120.750"},
        {"number": "E1", "indicator": "b", "value": "95%"},
        {"number": "E1", "indicator": "c", "value": "150%"},
        {"number": "E1", "indicator": "d", "value": "{}"},
    ]
    body = template("metrics", rows)
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    cells = [r[4] for r in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells[:3]] == ["n", "n", "n"]
    assert (cells[0].value, cells[0].number_format) == (Decimal("120.75"), "0.000")
    assert cells[1].number_format == "0%" and cells[2].number_format == "0%"
    assert cells[3].value == "{}"
    back = [r["value"] for _n, r in read_rows(body, "metrics", "m.xlsx")]
    assert back[0] == "120.75" and back[1:] == ["95%", "150%", "{}"]


def test_the_cycle_list_opens_on_a_worded_prompt(demo):
    """The cycle select's empty choice reads 请选择考核周期, never "---------"."""
    page = hr_client().get("/hr/import/").content.decode()
    assert '<option value="" selected>请选择考核周期</option>' in page
    assert "---------" not in page


def test_an_empty_metrics_template_says_why(demo):
    """October is final: its metrics template has no rows, and both the file's
    instructions and the page say that no appraisal is still in progress."""
    october = Cycle.objects.get(company__code="litong", period="2026-10")
    c = hr_client()
    got = c.get(f"/hr/import/template/metrics.xlsx?company=litong&cycle={october.pk}")
    book = load_workbook(io.BytesIO(got.content))
    assert list(book.worksheets[0].iter_rows(min_row=2)) == []
    said = [r[0] for r in book.worksheets[1].iter_rows(values_only=True) if r and r[0]]
    assert any("本周期已没有进行中的考核" in s for s in said)
    page = c.get("/hr/import/").content.decode()
    assert f'id="metrics-closed-{october.pk}"' in page
    assert f'id="metrics-closed-{demo.pk}"' not in page


def test_an_empty_employee_number_is_called_empty_naming_the_row(demo):
    """A metrics row with no 工号 is refused as 第 2 行工号为空, not as 没有工号为 “”."""
    body = template("metrics", [{"number": "", "indicator": "x", "value": "1"}])
    r = post(hr_client(), "metrics", body, cycle=demo, dry_run=True)
    reasons = [str(e.reason) for e in r.context["report"].errors]
    assert reasons == ["第 2 行工号为空：请填写工号"]
    assert "“”" not in visible_text(r.content.decode())
