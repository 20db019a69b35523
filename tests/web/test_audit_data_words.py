"""The auditor's files say what changed in words (issue 20, fresh-eyes walk): the
before/after columns of the XLSX and CSV read field labels, values by their unit and
people by name — no JSON, no field code; the JSON export keeps the raw data."""

import io
import json
import re

from django.test import Client
from openpyxl import load_workbook

from engine.audit.models import AuditEvent
from tests.web.test_audit_page import month  # noqa: F401
from tests.web.visible import RAW_CODE


def _client(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_xlsx_before_and_after_are_words(month):  # noqa: F811
    """The XLSX/CSV before and after columns are labelled words: no JSON, no code."""
    w = month
    r = _client(w.u["auditor"]).get(f"/audit/export.xlsx?cycle={w.cycle.pk}&order=oldest")
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    head = [c.value for c in sheet[1]]
    assert head[10:12] == ["变更前", "变更后"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    data = [str(v) for row in rows for v in row[10:12] if v]
    assert data, "the events carry data"
    joined = "\n".join(data)
    assert "{" not in joined and '"' not in joined  # no JSON
    assert RAW_CODE.findall(joined) == []  # no field path or snake_case code
    a = w.a["staff02"]
    opened = next(
        row
        for row in rows
        if row[0]
        == "{}#{}".format(
            *AuditEvent.objects.filter(action="open", object_id=str(a.pk))
            .values_list("chain", "seq")
            .get()
        )
    )
    # the employee by name and number, the rule pack by its title, the role in words
    assert f"员工: {a.employee.name} ({a.employee.number})" in opened[11]
    published = [row[11] for row in rows if row[11] and "总分: " in row[11]]
    assert published and all(re.search(r"总分: \d+\.\d{2}(;|$)", p) for p in published)
    en = _client(w.u["auditor"], "en").get(f"/audit/export.csv?cycle={w.cycle.pk}")
    text = en.content.decode("utf-8-sig")
    assert "Before,After" in text.splitlines()[0] and f"Employee: {a.employee.name}" in text


def test_the_json_keeps_the_raw_data(month):  # noqa: F811
    """The JSON export keeps the raw ids and codes for machines."""
    w = month
    body = json.loads(_client(w.u["auditor"]).get(f"/audit/export.json?cycle={w.cycle.pk}").content)
    opened = next(e for e in body["events"] if e["action"] == "open")
    assert isinstance(opened["after"]["employee"], int) and opened["after"]["pack"] == "general"
