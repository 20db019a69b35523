"""HR's import page: the template downloads as a workbook, a dry run reports and
changes nothing, a bad row is shown with its number, column and reason in Chinese
(400) and nothing changes, a good file imports; others are turned away."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from engine.org.models import Department
from tests.web.visible import raw_codes

pytestmark = pytest.mark.django_db

HEADER = (
    "部门编码,部门名称,上级部门编码,岗位编码,岗位名称,工号,姓名,入职日期,直属上级工号,部门负责人\n"
)


def upload(c, text, dry_run):
    data = {
        "company": "litong",
        "kind": "people",
        "file": SimpleUploadedFile("people.csv", text.encode("utf-8"), "text/csv"),
    }
    if dry_run:
        data["dry_run"] = "on"
    return c.post("/hr/import/", data)


def test_import_people_from_the_page(litong):
    """Dry run: 200, nothing created; a bad date: 400 with row 2 named; the good file:
    the department exists."""
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    tpl = c.get("/hr/import/template/people.xlsx?company=litong")
    assert tpl.status_code == 200
    header = next(load_workbook(io.BytesIO(tpl.content)).active.iter_rows(values_only=True))
    assert header[0] == "部门编码 / department code"
    good = HEADER + "qa,质量部,,qa_lead,质检组长,Q001,方明,2026-03-01,,是\n"
    r = upload(c, good, dry_run=True)
    assert r.status_code == 200 and not Department.objects.filter(code="qa").exists()
    r = upload(c, HEADER + "qa,质量部,,qa_lead,质检组长,Q001,方明,2026-02-30,,是\n", False)
    page = r.content.decode()
    assert r.status_code == 400 and 'id="row-errors"' in page and "入职日期" in page
    assert raw_codes(page) == [] and not Department.objects.filter(code="qa").exists()
    assert upload(c, good, dry_run=False).status_code == 200
    assert Department.objects.get(company=litong.company, code="qa").head.number == "Q001"


def test_only_hr_imports(litong):
    """A supervisor gets 403 on the page and the template."""
    c = Client()
    c.force_login(litong.u["workshop_head"])
    assert c.get("/hr/import/").status_code == 403
    assert c.get("/hr/import/template/people.xlsx").status_code == 403
