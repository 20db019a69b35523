"""Payroll export (CSV/XLSX, corrections since the previous export, audited) and the
auditor's read-only trail with its filters and exports."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.appeals import services as appeals
from engine.audit.models import AuditEvent
from engine.deadlines.sweep import sweep
from engine.errors import Forbidden, InvalidInput
from engine.payroll.models import PayrollExport
from engine.payroll.services import payroll_export
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def finalised(workshop, set_clock):
    """Three workshop appraisals published Nov 10; staff02 appeals; the others become final."""
    for name in ("staff02", "staff03", "workshop_head"):
        run_chain(
            workshop,
            name,
            set_clock,
            self_at=at(2026, 11, 1),
            sup_at=at(2026, 11, 4),
            hr_at=at(2026, 11, 6),
            gm_at=at(2026, 11, 10),
        )
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=workshop.u["staff02"],
        appraisal_id=workshop.a["staff02"].pk,
        items=["attitude"],
        reason="letters",
    )
    set_clock(at(2026, 11, 16, 9))
    sweep()  # windows closed: staff03 and the head become final; staff02 waits for the appeal
    return workshop, appeal


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_payroll_xlsx_and_corrections_since_the_previous_export(finalised, set_clock):
    """The payroll XLSX has one row per final appraisal; a later export lists the corrections
    since."""
    w, appeal = finalised
    cycle = w.cycle
    with pytest.raises(Forbidden, match="only HR"):
        payroll_export(actor=w.u["staff02"], cycle=cycle, fmt="xlsx")
    with pytest.raises(InvalidInput) as err:
        payroll_export(actor=w.u["hr"], cycle=cycle, fmt="pdf")
    assert err.value.field == "format"
    first = payroll_export(actor=w.u["hr"], cycle=cycle, fmt="xlsx", language="en")
    wb = load_workbook(io.BytesIO(first.content))
    sheet = wb["Payroll"]
    rows = list(sheet.iter_rows(values_only=True))
    # staff02 is under appeal: the file says so first, then the labelled, frozen header
    assert "1 appraisals are not final yet" in rows[0][0] and first.missing == 1
    assert rows[1][:6] == ("Employee number", "Employee", "Department", "Role", "Total", "Grade")
    assert sheet.freeze_panes == "A3"
    assert len(rows) - 2 == 2 == first.rows  # one row per final appraisal
    assert isinstance(rows[2][4], float | int) and rows[2][3].lower() == "staff"  # numbers, words
    assert [r[0] for r in wb["Not in this file"].iter_rows(values_only=True)][1:] == [
        w.a["staff02"].employee.number
    ]
    zh = load_workbook(io.BytesIO(payroll_export(actor=w.u["hr"], cycle=cycle, fmt="xlsx").content))
    assert next(zh["绩效工资"].iter_rows(min_row=2, values_only=True))[:2] == ("工号", "姓名")
    # the appeal is upheld later that day: staff02 becomes final with version 2
    set_clock(at(2026, 11, 16, 11))
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="no"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="facts")
    appeals.appeal_investigate(actor=w.u["hr"], appeal_id=appeal.pk, findings="letters exist")
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="ok",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "letters"}],
    )
    set_clock(at(2026, 11, 17, 9))
    second = payroll_export(actor=w.u["hr"], cycle=cycle, fmt="csv", language="en")
    text = second.content.decode("utf-8-sig")
    assert second.rows == 3 and second.corrections == 1
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Employee number" and len([r for r in table[1:4] if r]) == 3
    assert "Corrections since the previous export" in text and "85.00" in text
    head = PayrollExport.objects.order_by("-at").first().audit_head
    assert len(head) == 64 and head in text
    assert AuditEvent.objects.filter(action="payroll_export").count() == 3


def test_the_auditors_trail(finalised):
    """The trail filters by appraisal, person, cycle, time, actor and action, exports JSON and CSV,
    and refuses others."""
    w, appeal = finalised
    a = w.a["staff02"]
    auditor = client(w.u["auditor"])
    r = auditor.get(f"/audit/export.json?appeal={appeal.pk}&order=oldest")
    assert r.status_code == 200
    # filed, then its mediation (due Nov 12) went overdue at the Nov 16 sweep
    assert [e["action"] for e in r.json()["events"]] == ["appeal_file", "appeal_overdue"]
    events = auditor.get(f"/audit/export.json?appraisal={a.pk}&order=oldest").json()["events"]
    actions = [e["action"] for e in events]
    assert (
        actions[0] == "open"
        and "submit:gm" in actions
        and "publish" in actions
        and "appeal_file" in actions
    )
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)  # in order
    by_hr = auditor.get("/audit/export.json?actor=hr&action=publish").json()["events"]
    assert by_hr == []  # the GM publishes, not HR
    assert auditor.get(f"/audit/export.json?cycle={w.cycle.pk}&action=publish").json()["events"]
    person = auditor.get(f"/audit/export.json?person={a.employee.number}").json()["events"]
    assert any(e["object_type"] == "org.employee" for e in person)
    csv_text = auditor.get(
        f"/audit/export.csv?appraisal={a.pk}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith(
        "Event,Company,Time: Beijing time (UTC+8),Who,Employee number"
    )
    assert auditor.get("/audit/?since=yesterday").status_code == 400
    bad = auditor.get("/audit/?since=2026-02-30")
    assert bad.status_code == 400 and 'data-field="since"' in bad.content.decode()
    bad = auditor.get("/audit/export.json?until=2026-13-01")
    assert bad.status_code == 400 and 'data-field="until"' in bad.content.decode()
    assert auditor.get("/audit/export.xml").status_code == 404
    head_name = w.u["workshop_head"].employee.name
    by_name = auditor.get(f"/audit/export.json?actor={head_name}&action=submit").json()["events"]
    assert by_name and all(e["action"].startswith("submit:") for e in by_name)
    assert all(e["at"].endswith("+08:00") for e in by_name)  # the zone the page shows
    assert auditor.get(f"/audit/export.xlsx?cycle={w.cycle.pk}").status_code == 200
    assert auditor.get(f"/audit/?appraisal={a.pk}").status_code == 200
    # nobody else reads it, and it changes nothing
    assert client(w.u["staff02"]).get("/audit/export.json").status_code == 403
    assert client(w.u["yj_hr"]).get(f"/audit/export.json?appraisal={a.pk}").json()["events"] == []
    assert auditor.post("/audit/").status_code == 405
    n = AuditEvent.objects.count()
    auditor.get("/audit/export.json")
    assert AuditEvent.objects.count() == n


def test_the_payroll_export_is_a_post(finalised):
    """A GET changes nothing (it leads to the payroll page, never a blank 405); the POST downloads the workbook, labelled in the
    reader's language; others get the refusal in words on the board."""
    w, _appeal = finalised
    url = f"/hr/cycles/{w.cycle.pk}/payroll.xlsx"
    hr = client(w.u["hr"])
    r = hr.get(url)
    assert r.status_code == 302 and r.url == f"/hr/cycles/{w.cycle.pk}/payroll/"
    assert not PayrollExport.objects.exists()
    r = hr.post(url, HTTP_ACCEPT_LANGUAGE="zh-hans")  # asks once, with what it holds
    assert r.status_code == 200 and 'id="payroll-confirm"' in r.content.decode()
    assert not PayrollExport.objects.exists()
    r = hr.post(url, {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.title == "绩效工资" and PayrollExport.objects.count() == 1
    for outsider in ("staff02", "auditor"):
        assert client(w.u[outsider]).post(url).status_code == 403
    # a bad format comes back to the board in words; nothing written
    assert client(w.u["hr"]).post(url.replace("xlsx", "pdf")).status_code == 302
    assert PayrollExport.objects.count() == 1
