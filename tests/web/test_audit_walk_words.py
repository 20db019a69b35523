"""The auditor's fresh-eyes walk (issue: trail words): every before/after value in words
and in the reader's language, on the page ("What changed", folded under each row) as in
the files; a company column and an event number a spreadsheet keeps as text; a cycle's
calibration confirmations named by department; an invalid filter disables the downloads
and a download with one answers in words; the role a person acted in; the trail in the
auditor's menu; the zone by its name; page numbers."""

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from engine.audit.models import AuditEvent
from engine.org.models import Department, Position
from tests.web.test_audit_page import month  # noqa: F401
from tests.web.visible import RAW_CODE, visible_text
from workflows.auditor.words import DataWords
from workflows.common.labels import reason_text

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
HASH = "356dfef0f0850e664afbbec7d21dda2c0164e5191a24dcfc76c1e4e411060bb7"


def client(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _event(w, action, after, *, before=None, object_type="appraisals.appraisal", oid=None):
    """An event as the engine records it, not saved: the words need only its data."""
    a = w.a["staff02"]
    return AuditEvent(
        chain=a.company_id,
        seq=1,
        at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC),
        company_id=a.company_id,
        action=action,
        role="system",
        object_type=object_type,
        object_id=str(oid if oid is not None else a.pk),
        before=before,
        after=after,
    )


def _walked_events(w):
    """The data shapes the walk found as raw codes in the files."""
    a = w.a["staff02"]
    dept = Department.objects.filter(company_id=a.company_id).first()
    post = Position.objects.filter(company_id=a.company_id).first()
    return [
        _event(w, "publish", {"version": 1, "total": "82.00", "grade": "b"}),
        _event(w, "finalise", {"state": "final"}),
        _event(
            w,
            "update",
            {
                "id": a.employee_id,
                "company_id": a.company_id,
                "department_id": dept.pk,
                "position_id": post.pk,
                "status": "active",
            },
            object_type="org.employee",
            oid=a.employee_id,
        ),
        _event(w, "position_map", {"position": post.code, "pack": "general", "role": "staff"}),
        _event(
            w,
            "late_penalty",
            {"source_appraisal": a.pk, "step": "self", "rate": "0.10", "hits": "employee"},
        ),
        _event(
            w,
            "submit:supervisor",
            {
                "values": {
                    "self": {"efficiency": "20.0"},
                    "supervisor": {"efficiency": "21.0", "manager_rating": "careless"},
                    "gm": {"team_management": {"violations": 0}},
                },
                "events": {"minor_demerit": 1},
                "deductions": {"duties": [{"points": 4, "reason": "单据归档不全"}]},
            },
            before={"values": {}, "events": {}},
        ),
        _event(
            w,
            "calibration_confirm",
            {
                "department": dept.code,
                "departments": [dept.code],
                "distribution": [
                    {
                        "pack": "general",
                        "departments": [dept.code],
                        "lines": [["a", 0, 1], ["b", 2, 3], ["c", 4, None]],
                    }
                ],
            },
            object_type="appraisals.cycle",
            oid=a.cycle_id,
        ),
        _event(
            w,
            "pack_activate",
            {"pack": "sales", "version": "1.2.0", "hashes": {"sales_rep": HASH}},
            object_type="appraisals.packactivation",
        ),
        _event(
            w,
            "access_denied",
            {"step": "gm", "attempt": "step_return", "coalesced_for_seconds": 3600},
        ),
        _event(
            w,
            "trail_verify",
            {"ok": True, "events": 1402, "head_hash": HASH},
            object_type="org.company",
            oid=a.company_id,
        ),
        _event(
            w,
            "submit:self",
            {
                "late": False,
                "redated": [
                    {"step": "supervisor", "due_date": "2026-11-10", "was_due": "2026-11-05"},
                    {"step": "hr", "due_date": "2026-11-13", "was_due": "2026-11-09"},
                ],
            },
        ),
    ]


def test_every_before_and_after_value_is_in_words_in_both_languages(month):  # noqa: F811
    """Grades, states, levels, departments, positions, metric parts, ids, calibration
    lines, fingerprints, refusals and the verification: no code, no bare id, no English
    on the Chinese file, and the verification's count labelled as events checked."""
    w = month
    events = _walked_events(w)
    a = w.a["staff02"]
    dept = Department.objects.filter(company_id=a.company_id).first()
    with translation.override("zh-hans"):
        data = DataWords(events)
        texts = [data.text(e.after, e) + " | " + data.text(e.before, e) for e in events]
    joined = "\n".join(texts)
    assert RAW_CODE.findall(joined) == [], RAW_CODE.findall(joined)
    for code in ("final", "active", "careless", "violations", "Id:", "Minor", "Sales", "Attempt"):
        assert code not in joined, code
    plain = joined.replace(HASH, "").replace(a.company.name, "")  # a name is what it is
    assert not re.search(r"[A-Za-z]{4,}", plain), joined  # no English
    assert "等级: 良好" in texts[0] and "状态: 已定稿" in texts[1]
    assert f"部门: {dept.name}" in texts[2] and "公司: " in texts[2] and "Id" not in texts[2]
    assert f"逾期的考核: {a.employee.name} 2026-10 月度考核" in texts[4]
    assert "员工本人：工作效率 20" in texts[5] and "直属上级：工作效率 21" in texts[5]  # per step
    assert "敷衍" in texts[5] and "违规次数 0" in texts[5] and "小过 1 次" in texts[5]
    assert f"{dept.name}" in texts[6] and "优秀 0 人（上限 1 人）" in texts[6]
    assert f"外贸业务员 {HASH}" in texts[7]
    assert "尝试的操作: 退回步骤" in texts[8] and "60 分钟" in texts[8]
    assert texts[9].startswith(f"完整: 是; 已校验事件数: 1,402; 链头哈希: {HASH}")
    assert (
        "截止日期已顺延: （步骤 直属上级评分，截止日期 2026-11-10，原截止日期 2026-11-05）"
        in texts[10]
    )
    with translation.override("en"):
        data = DataWords(events)
        english = "\n".join(data.text(e.after, e) for e in events)
    assert RAW_CODE.findall(english) == [] and "：" not in english
    assert "Grade: Good" in english and "State: Final" in english
    assert "Intact: Yes; Events verified: 1,402" in english
    assert (
        "Due days moved: （Step Supervisor's review, Due on 2026-11-10, Was due on 2026-11-05）"
        in english
    )


def test_the_page_folds_what_changed_under_each_row(month):  # noqa: F811
    """Each row with data has a "What changed" disclosure (a native details/summary,
    named for the row) with the same words as the files, changed fields marked."""
    w = month
    a = w.a["staff02"]
    html = client(w.u["auditor"]).get(f"/audit/?appraisal={a.pk}&order=oldest", **ZH)
    page = html.content.decode()
    assert '<th scope="col">变更内容</th>' in page
    opened = re.search(r'<tr data-event="[^"]+">(?:(?!</tr>).)*创建考核.*?</tr>', page, re.S)[0]
    assert '<details class="changes"><summary>变更内容' in opened
    assert f"<dt>员工</dt><dd>{a.employee.name} ({a.employee.number})</dd>" in opened
    handed = re.search(r'<tr data-event="[^"]+">(?:(?!</tr>).)*直属上级评分.*?</tr>', page, re.S)[0]
    assert "变更前：</span>" in handed and "变更后：</span>" in handed
    assert '<span class="badge">已修改</span>' in handed  # the values the step entered
    assert not RAW_CODE.findall(visible_text(page))


def test_the_files_have_a_company_and_an_event_number_kept_as_text(month):  # noqa: F811
    """The first column reads "<chain>#<seq>" (no spreadsheet turns it into a number or
    a date), the second the company; a cycle's calibration confirmation names its
    department in the object column."""
    w = month
    auditor = client(w.u["auditor"])
    text = auditor.get(f"/audit/export.csv?cycle={w.cycle.pk}", **ZH).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["事件", "公司", "时间：北京时间 (UTC+8)"]
    body = [r for r in rows[1:] if len(r) > 3]
    assert all(re.fullmatch(r"\d+#\d+", r[0]) for r in body)
    assert {r[1] for r in body} == {w.a["staff02"].company.name}
    book = load_workbook(io.BytesIO(auditor.get("/audit/export.xlsx", **ZH).content))
    first = next(book.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(first[0], str) and "#" in first[0] and first[1]


def test_a_calibration_confirmation_names_its_department(month):  # noqa: F811
    """Three confirmations of one cycle are told apart by their departments."""
    w = month
    dept = Department.objects.filter(company_id=w.cycle.company_id).first()
    e = _event(
        w,
        "calibration_confirm",
        {"department": dept.code, "departments": [dept.code], "distribution": []},
        object_type="appraisals.cycle",
        oid=w.cycle.pk,
    )
    from workflows.auditor.words import lines

    with translation.override("zh-hans"):
        (line,) = lines([e], w.u["auditor"])
    assert line.object == f"2026-10 月度考核 · {dept.name}"


def test_an_invalid_filter_disables_the_downloads_and_a_download_answers_in_words(month):  # noqa: F811
    """While the period ends before it starts, the page offers no download and no order
    link (they would select something else); the download itself answers with a page
    saying what is wrong and the way back, not JSON."""
    w = month
    auditor = client(w.u["auditor"])
    bad = {"since": "2026-11-10", "until": "2026-11-01"}
    page = auditor.get("/audit/", bad, **ZH)
    assert page.status_code == 400
    html = page.content.decode()
    assert "/audit/export." not in html and 'id="order-oldest"' not in html
    assert "请先更正上方的筛选条件" in html
    for fmt in ("csv", "xlsx", "json"):
        r = auditor.get(f"/audit/export.{fmt}", bad, **ZH)
        assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
        text = r.content.decode()
        assert ("未下载" in text and "结束早于开始" in visible_text(text)) or "结束" in text
        assert 'href="/audit/?since=2026-11-10&amp;until=2026-11-01"' in text


def test_the_role_names_the_capacity_and_refusals_read_the_rule(month):  # noqa: F811
    """The GM's approval publishes the result: the publication reads the GM's role, not
    "system"; the board's role is Chinese; a refused step reads the rule in words."""
    w = month
    a = w.a["staff02"]
    html = client(w.u["auditor"]).get(f"/audit/?appraisal={a.pk}&action=publish", **ZH)
    row = re.findall(r'<tr data-event="[^"]+">(.*?)</tr>', html.content.decode(), re.S)[0]
    assert '<td data-label="角色">总经理</td>' in row
    from workflows.auditor.words import role_words

    with translation.override("zh-hans"):
        assert role_words("board") == "董事会"
        words = reason_text("You do not hold the gm step of this appraisal")
    assert words == "并非本考核该步骤的处理人：总经理审批"


def test_the_auditor_finds_the_trail_in_the_menu_and_pages_by_number(month):  # noqa: F811
    """The auditor's menu links the trail; employees' does not; the zone is named in
    words; the pager offers first, last and numbered pages."""
    w = month
    html = client(w.u["auditor"]).get("/audit/?page=2", **ZH).content.decode()
    assert 'id="nav-audit" href="/audit/"' in html or 'href="/audit/" id="nav-audit"' in html
    assert "北京时间 (UTC+8)" in html and "Asia/Shanghai" not in visible_text(html)
    assert 'class="pager-first"' in html and 'class="pager-last"' in html
    assert '<span aria-current="page" class="pager-current">2</span>' in html
    assert 'page=1"' in html and "page=3" in html
    assert "系统管理员设置签名密钥" in html or "签名检查点：" in html  # who sets the key
    staff = client(w.u["staff02"]).get("/", **ZH).content.decode()
    assert 'id="nav-audit"' not in staff
