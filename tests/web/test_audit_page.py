"""The auditor's page and files read words: no raw action, role or object code on the
page or in the XLSX/CSV; a person found by name; newest or oldest first; exports with
labelled headers in the reader's language, date-time cells in the page's zone and a
frozen header; JSON a download keeping the codes; the verification state on the page.
Query counts do not grow with the number of rows."""

import datetime as dt
import io
import json
import re
from collections import Counter

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.audit.models import AuditEvent
from engine.org.models import Employee
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# codes the trail stores that must never reach the page or the people's files
RAW = re.compile(
    r"\b(submit:\w+|dept_head|appraisals\.\w+|appeals\.appeal|org\.\w+|late_penalty|"
    r"population_outcome|cycle_open|calibration_confirm|position_map|pack_activate)\b"
)


@pytest.fixture
def month(workshop, set_clock):
    """The workshop's October: all three published (Nov 10) with every step's event."""
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
    set_clock(at(2026, 11, 12))
    return workshop


def client(user):
    c = Client()
    c.force_login(user)
    return c


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-event="[^"]+">(.*?)</tr>', html, re.S)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_page_reads_words_with_names_and_linked_objects(month):
    """No raw action, role or object code on the page; the GM's approval names the GM
    with the number and the appraisal as "<name> 2026-10 月度考核", linked to its page."""
    w = month
    a = w.a["staff02"]
    r = client(w.u["auditor"]).get("/audit/", **ZH)
    assert r.status_code == 200
    html = r.content.decode()
    rows = _rows(html)
    assert len(rows) == 50 < AuditEvent.objects.count()  # a full page, the rest on the next
    rows += _rows(client(w.u["auditor"]).get(f"/audit/?cycle={w.cycle.pk}", **ZH).content.decode())
    table = _text("".join(rows))
    assert not RAW.findall(table), RAW.findall(table)[:5]
    for code in (">employee<", ">admin<", ">approved<", ">self<", ">gm<", ">hr<", "考核 "):
        assert code not in "".join(rows)  # roles, reasons and bare "appraisal 151" objects
    gm = w.u["gm"].employee
    approval = next(
        row for row in rows if f'href="/appraisals/{a.pk}/"' in row and "总经理审批" in row
    )
    assert gm.name in approval and gm.number in approval  # the person, with the number
    assert f"{a.employee.name} 2026-10 月度考核" in approval  # the object in words, linked
    assert "终审通过" in table  # the engine's reason "approved" in words
    assert "北京时间 (UTC+8)" in html and 'id="pager-range"' in html


def test_a_person_is_searched_by_name_or_number(month):
    """The person filter finds the same events by name as by number; an unknown person
    and a name shared by several are refused at the field, the latter listing who
    matched, each a link that applies the filter to that one person."""
    w = month
    emp = w.u["staff03"].employee
    auditor = client(w.u["auditor"])
    by_name = auditor.get("/audit/", {"person": emp.name}, **ZH)
    by_number = auditor.get("/audit/", {"person": emp.number}, **ZH)
    assert by_name.status_code == by_number.status_code == 200
    rows = _rows(by_name.content.decode())
    assert rows and rows == _rows(by_number.content.decode())
    assert all(emp.name in row for row in rows)  # what they did or what was done to them
    unknown = auditor.get("/audit/", {"person": "无此人"}, **ZH)
    assert unknown.status_code == 400
    assert 'data-field="person"' in unknown.content.decode()
    assert "没有此姓名或工号" in unknown.content.decode()
    # a character shared by several names asks for the number, listing who matched
    names = list(Employee.objects.filter(company=emp.company).values_list("name", flat=True))
    common = Counter(ch for n in names for ch in set(n)).most_common(1)[0][0]
    sharing = [n for n in names if common in n]
    assert len(sharing) > 1
    many = auditor.get("/audit/", {"person": common}, **ZH).content.decode()
    assert "请选择您要找的人" in many and all(n in many for n in sharing[:8])
    links = re.findall(r'<ul class="matches" id="person-matches">(.*?)</ul>', many, re.S)[0]
    numbers = re.findall(r'href="\?[^"]*person=([^"&]+)[^"]*">', links)
    ours = Employee.objects.filter(company=emp.company, name__in=sharing[:8])
    assert set(ours.values_list("number", flat=True)) <= set(numbers)
    chosen = auditor.get("/audit/", {"person": numbers[0]}, **ZH)
    assert chosen.status_code == 200


def test_newest_first_by_default_and_oldest_first_on_request(month):
    """Newest first by default; the order links keep the filters and reverse the rows; a
    bad order or an impossible date is refused at its field."""
    w = month
    auditor = client(w.u["auditor"])
    query = {"appraisal": w.a["staff02"].pk}
    newest = auditor.get("/audit/", query, **ZH).content.decode()
    oldest = auditor.get("/audit/", {**query, "order": "oldest"}, **ZH).content.decode()
    order_of = lambda html: re.findall(r'<tr data-event="([^"]+)">', html)  # noqa: E731
    assert order_of(newest) == order_of(oldest)[::-1] and len(order_of(newest)) > 3
    assert "创建考核" in _rows(oldest)[0]  # opened first
    assert 'id="order-oldest"' in newest and 'aria-current="true"' in newest
    assert f"appraisal={w.a['staff02'].pk}&amp;order=oldest" in newest  # keeps the filters
    bad = auditor.get("/audit/", {"order": "sideways"}, **ZH)
    assert bad.status_code == 400 and 'data-field="order"' in bad.content.decode()
    dates = auditor.get("/audit/", {"since": "2026-11-31"}, **ZH)
    assert dates.status_code == 400 and 'data-field="since"' in dates.content.decode()


def test_the_xlsx_is_for_people(month):
    """Labelled headers in the reader's language with the zone named; the time a real
    date-time cell in that zone; a frozen header; no raw code in the worded columns."""
    w = month
    r = client(w.u["auditor"]).get(f"/audit/export.xlsx?cycle={w.cycle.pk}&order=oldest", **ZH)
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    head = [c.value for c in sheet[1]]
    assert head[:10] == [
        "事件",
        "公司",
        "时间：北京时间 (UTC+8)",
        "操作人",
        "员工工号",
        "角色",
        "操作",
        "对象类型",
        "对象",
        "理由",
    ]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    n = AuditEvent.objects.filter(object_type="appraisals.appraisal").count()
    assert len(rows) >= n
    first = rows[0]
    assert isinstance(first[2], dt.datetime)
    stored = (
        AuditEvent.objects.order_by("at", "chain", "seq")
        .filter(chain=int(first[0].split("#")[0]), seq=int(first[0].split("#")[1]))
        .get()
    )
    assert first[1] == stored.company.name  # the chain's company in words
    # 2026-10-31 09:00 in Shanghai is stored as 01:00 UTC: the cell says 09:00
    assert first[2] == stored.at.astimezone(dt.timezone(dt.timedelta(hours=8))).replace(
        tzinfo=None, microsecond=0
    )
    worded = " ".join(str(v) for row in rows for v in row[:10] if v is not None)
    assert not RAW.findall(worded), RAW.findall(worded)[:5]
    assert "月度考核" in worded and "总经理" in worded


def test_the_csv_is_labelled_and_the_json_keeps_the_codes(month):
    """The CSV's headers are labelled in the reader's language with the zone; the JSON
    is an attachment that keeps the raw codes, the zone and the signed checkpoints."""
    w = month
    auditor = client(w.u["auditor"])
    en = auditor.get(f"/audit/export.csv?cycle={w.cycle.pk}", HTTP_ACCEPT_LANGUAGE="en")
    text = en.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith(
        "Event,Company,Time: Beijing time (UTC+8),Who,Employee number,Role"
    )
    assert "monthly appraisal" in text and "submit:" not in text.split("\n")[1].split(",")[6]
    r = auditor.get(f"/audit/export.json?cycle={w.cycle.pk}", **ZH)
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="audit-trail.json"'
    body = json.loads(r.content)
    assert body["zone"] == "Asia/Shanghai"
    actions = {e["action"] for e in body["events"]}
    assert "submit:gm" in actions and "open" in actions  # codes, for machines
    assert all(e["at"].endswith("+08:00") for e in body["events"])
    assert body["checkpoints"]  # signed heads travel with the file


def test_query_counts_do_not_grow_with_the_rows(month, django_assert_max_num_queries):
    """A page of 3 rows, a page of 50 and an export of every event cost the same few
    queries: each kind of object is named in one query, never one per row (what
    changed names departments, positions and appraisals too: a few more, still fixed)."""
    w = month
    auditor = client(w.u["auditor"])
    total = AuditEvent.objects.count()
    assert total > 100
    with django_assert_max_num_queries(36):
        small = auditor.get(f"/audit/?appraisal={w.a['staff02'].pk}&action=open")
    with django_assert_max_num_queries(36):
        full = auditor.get("/audit/")
    assert len(_rows(small.content.decode())) == 1 and len(_rows(full.content.decode())) == 50
    with django_assert_max_num_queries(36):
        assert auditor.get("/audit/export.xlsx").status_code == 200
    with django_assert_max_num_queries(36):
        assert auditor.get("/audit/export.csv").status_code == 200


def test_the_verification_state_is_on_the_page(month):
    """The page shows each chain's head and whether it was verified; verifying (a POST)
    is recorded on each chain and read back as "last verified"; reading changes nothing;
    employees are refused."""
    w = month
    auditor = client(w.u["auditor"])
    html = auditor.get("/audit/", **ZH).content.decode()
    assert "链头哈希" in html and "尚未在本页校验过" in html
    n = AuditEvent.objects.count()
    assert auditor.get("/audit/export.json").status_code == 200
    assert AuditEvent.objects.count() == n  # reading changes nothing
    r = auditor.post("/audit/verify/", {"next": "order=oldest"}, **ZH)
    assert r.status_code == 302 and r["Location"] == "/audit/?order=oldest#verification"
    assert AuditEvent.objects.filter(action="trail_verify").count() == 2  # one per company
    page = auditor.get("/audit/", **ZH).content.decode()
    assert "审计轨迹完整" in page  # the outcome, said once
    assert "上次校验" in page and "完整" in page and "审计轨迹已校验" in page
    assert client(w.u["staff02"]).post("/audit/verify/").status_code == 403
    r = auditor.get("/audit/verify/")  # a GET verifies nothing: back to the trail page
    assert r.status_code == 302 and r.url == "/audit/"
