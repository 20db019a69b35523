"""Every write page, posted through a live server WITHOUT the test's transaction: each
test in this suite otherwise runs inside one, which hid a write whose audit record
sat outside its transaction (the audit refuses to write outside one: the webhook page
answered 500 after saving the webhook, so its secret was never shown).

The demo people who use each page sign in with the login form and post the page's
own forms over real HTTP with the CSRF token, as a browser would, and each write must
succeed (a redirect, a download, or the page again with what was saved). The write
pages are read from the URL conf: a new page that takes a POST without a post here
fails `test_every_write_page_is_posted`."""

from __future__ import annotations

import inspect
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.urls import URLResolver, get_resolver, resolve
from openpyxl import load_workbook

from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.audit.models import AuditEvent
from engine.committee import services as committee
from engine.committee.models import Committee, CommitteeTask, SelfReport
from engine.demo.people import password
from engine.feedback.models import RaterTask
from engine.notifications.models import Webhook
from engine.org import services as org
from engine.org.models import CalendarOverride, CompanyRole, Department, Employee, Position
from tests.annual import annual_of, fake_results, open_cycle
from tests.committee.conftest import CHAIR, MEMBERS, hire_manager
from tests.month import at, demo_litong, submit
from tests.web.forms import page_forms

pytestmark = pytest.mark.django_db(transaction=True)
OUT_OF_SCOPE = ("admin/", "api/", "i18n/")  # Django's own pages; the API has its own tests


def write_views() -> set[str]:
    """Every view of ours (workflows.*) whose code reads a POST, by URL name."""
    found: set[str] = set()

    def visit(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(OUT_OF_SCOPE):
                    continue
                visit(p.url_patterns, p.namespace or namespace)
                continue
            view = inspect.unwrap(p.callback)
            code = inspect.getsource(getattr(p.callback, "view_class", view))
            takes_post = any(w in code for w in ("POST", "def post", "request.body"))
            if view.__module__.startswith("workflows.") and takes_post:
                found.add(f"{namespace}:{p.name}")

    visit(get_resolver().url_patterns, "")
    return found


class Person:
    """One demo user's browser: a cookie jar, the login form, the page's forms."""

    posted: set[str] = set()

    def __init__(self, base: str, username: str, language: str = "zh-hans"):
        self.base, self.username = base, username
        self.s = requests.Session()
        self.s.headers["Accept-Language"] = language
        self.post(
            "/accounts/login/", {"username": username, "password": password()}, has("username")
        )

    def get(self, url: str) -> requests.Response:
        r = self.s.get(urljoin(self.base, url), allow_redirects=False)
        assert r.status_code < 500, f"{self.username} GET {url}: {r.status_code}"
        return r

    def form(self, url: str, pick) -> tuple[str, dict]:
        """The first POST form on `url` that `pick` accepts: (its action, the form)."""
        page = self.get(url)
        assert page.status_code == 200, f"{self.username} GET {url}: {page.status_code}"
        forms = page_forms(page.text)
        for f in forms:
            if f["attrs"].get("method", "get").lower() == "post" and pick(f):
                return urljoin(page.url, f["attrs"].get("action") or url), f
        shown = [(f["attrs"], [k for k, _v in f["fields"]]) for f in forms]
        raise AssertionError(f"no such form on {url}: {shown}")

    def post(
        self,
        url: str,
        changes: dict,
        pick=lambda f: True,
        *,
        button=None,
        action=None,
        files=None,
        expect=(302,),
    ) -> requests.Response:
        """Post the form as it stands on `url` with `changes` typed in (a list for
        several values, None drops a field), pressing the button whose id is
        `button` (its name, value and formaction count) or posting to `action`."""
        target, f = self.form(url, pick)
        data = [(k, v) for k, v in f["fields"] if k not in changes]
        for k, v in changes.items():
            if v is not None:
                data += [(k, x) for x in v] if isinstance(v, list) else [(k, v)]
        if button is not None:
            b = next(b for b in f["buttons"] if button in (b.get("id"), b.get("name")))
            if b.get("name"):
                data.append((b["name"], b["value"]))
            target = urljoin(target, b.get("formaction") or target)
        target = urljoin(target, action) if action else target
        r = self.s.post(target, data=data, files=files, allow_redirects=False)
        path = urlsplit(target).path
        if not path.startswith("/accounts/"):  # Django's own login
            Person.posted.add(resolve(path).view_name)
        assert r.status_code < 500, f"{self.username} POST {path}: {r.status_code}\n{r.text[:3000]}"
        assert r.status_code in expect, (
            f"{self.username} POST {path}: {r.status_code}, expected {expect}\n"
            + " ".join(re.findall(r'role="alert"[^>]*>(.*?)<', r.text, re.S))
        )
        return r

    def submit(self, url: str, changes: dict, form_id: str = "submit-confirm") -> requests.Response:
        """Hand a step in as a person does: the step form answers with its summary page
        (nothing handed in yet), whose button confirms."""
        r = self.post(url, changes, by_id("step-form"), expect=(200,))
        f = next((f for f in page_forms(r.text) if f["attrs"].get("id") == form_id), None)
        assert f is not None, f"{self.username}: no confirmation {form_id} on {url}"
        target = urljoin(r.url, f["attrs"].get("action") or r.url)
        done = self.s.post(target, data=f["fields"], allow_redirects=False)
        assert done.status_code == 302, f"{self.username} confirm: {done.status_code}"
        return done

    def said(self, url: str) -> str:
        """What the page says in its status line (the message after a redirect)."""
        text = self.get(url).text
        return " ".join(re.findall(r'role="status"[^>]*>(.*?)</', text, re.S))


def has(name: str):
    return lambda f: any(k == name for k, _v in f["fields"])


def action_has(text: str):
    return lambda f: text in f["attrs"].get("action", "")


def pressing(name: str):
    return lambda f: any(b.get("name") == name for b in f["buttons"])


def by_id(form_id: str):
    return lambda f: f["attrs"].get("id") == form_id


def test_every_write_page_is_posted(live_server, set_clock, tmp_path, dns):
    """The workshop's October, from the self-review to the appeal, and HR's desk: every
    write through its page as the person who uses it; nothing answers 500, every write
    lands with its audit record, and every write page of the URL conf was posted."""
    set_clock(at(2026, 10, 31, 9))
    litong = demo_litong(usable_passwords=True)
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=list(
            Department.objects.filter(code__in=["workshop", "rnd"]).values_list("pk", flat=True)
        ),
        calibration_required=True,
    )
    apps = {a.employee.user.username: a for a in Appraisal.objects.filter(cycle=cycle)}
    base, staff02 = live_server.url, apps["staff02"]
    workshop = str(Department.objects.get(company=litong.company, code="workshop").pk)
    researcher = next(
        a
        for a in Appraisal.objects.filter(cycle=cycle, role="researcher")
        if a.employee.supervisor and a.employee.supervisor.user.username != "gm"
    )
    Person.posted = set()
    trail = AuditEvent.objects.count()
    assert len(write_views()) > 20  # the URL conf was read

    # 360° feedback (customer service's September): HR nominates a support agent's
    # peers on the appraisal's feedback page; a peer answers on the rating page.
    september = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-09",
        department_ids=[Department.objects.get(company=litong.company, code="cs").pk],
    )
    agent = Appraisal.objects.filter(cycle=september, role="support_agent").first()
    peers = list(
        Employee.objects.filter(department=agent.department, position=agent.employee.position)
        .exclude(pk=agent.employee_id)
        .select_related("user")
    )
    Person(base, "hr").post(
        f"/appraisals/{agent.pk}/feedback/",
        {"group_peer": [str(e.user_id) for e in peers]},
        by_id("nominate-form"),
    )
    task = RaterTask.objects.get(appraisal=agent, assignee=peers[0].user)
    Person(base, peers[0].user.username).post(
        f"/feedback/{task.pk}/", {"score": "4", "comment": "配合好"}, by_id("rate-form")
    )
    assert RaterTask.objects.get(pk=task.pk).score == 4

    # The employee: language, notices, channels, a draft, the preview, the self-review.
    emp = Person(base, "staff02")
    emp.post("/", {"language": "en"}, action_has("/language/"))
    emp.post("/", {"language": "zh-hans"}, action_has("/language/"))
    emp.post("/notifications/", {}, action_has("/notifications/channels/"))
    emp.post("/notifications/", {}, pressing("every"), button="every")
    page = f"/appraisals/{staff02.pk}/"
    emp.post(page, {"comment": "写了一半"}, by_id("step-form"), button="save-draft")
    preview = emp.form(page, by_id("step-form"))[1]["attrs"]["data-preview"]
    emp.post(page, {"comment": "写了一半"}, by_id("step-form"), action=preview, expect=(200,))
    emp.submit(page, {"comment": "按计划完成 done as planned"})
    assert AppraisalStep.objects.get(appraisal=staff02, code="self").state == "done"

    # The supervisor: a deputy (and ended), the supervisor's review, a bonus proposal.
    head = Person(base, "workshop_head")
    deputies = head.form("/delegate/", by_id("delegate-form"))[1]["options"]["deputy"]
    head.post(
        "/delegate/",
        {
            "deputy": deputies[0],
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-25",
            "reason": "出差 travelling",
        },
        by_id("delegate-form"),
    )
    head.post("/delegate/", {}, pressing("revoke"), button="revoke", expect=(200,))  # asks
    head.post("/delegate/", {"confirm": "1"}, pressing("revoke"), button="revoke")
    scores = {f"values.{k}": "22" for k in ("efficiency", "operation", "attitude", "knowledge")}
    head.submit(page, {**scores, "comment": "认真 diligent"})
    boss = Person(base, researcher.employee.supervisor.user.username)
    boss.post(
        f"/appraisals/{researcher.pk}/",
        {"points": "5", "description": "抢修设备 fixed the press", "witness": "王工"},
        by_id("bonus-form"),
        files={"evidence": ("note.txt", b"the press was fixed overnight", "text/plain")},
    )

    # HR: the bonus, the HR step, the desk's pages.
    hr = Person(base, "hr")
    bonuses = "/hr/bonuses/?company=litong"
    hr.post(bonuses, {"decision": "approve", "reason": "证据充分 evidence holds"}, has("bonus"))
    hr.submit(page, {"comment": ""})
    hr.post("/hr/packs/?company=litong", {}, lambda f: ("pack", "general") in f["fields"])
    hr.post(
        "/hr/packs/general/staff/?company=litong",
        {"w.efficiency": "30", "w.knowledge": "20", "reason": "重在效率 efficiency first"},
        by_id("role-form"),
    )
    hr.post("/hr/positions/?company=litong", {}, has("position"))
    tpl = hr.get(f"/hr/import/template/targets.xlsx?company=litong&cycle={cycle.pk}")
    assert tpl.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(tpl.content)).active.iter_rows(values_only=True))
    rate = next(r for r in rows[1:] if r[3] and r[3].endswith("成本降低率"))  # a rate: 5%
    target = f"t.{rate[0]}.{rate[1]}.{rate[2]}"
    hr.post(f"/hr/cycles/{cycle.pk}/inputs/", {target: "0.05"}, by_id("inputs-form"))
    assert AuditEvent.objects.filter(action="targets").count() == 1
    board = f"/hr/cycles/{cycle.pk}/"
    waiting = [str(a.pk) for a in apps.values() if a.pk != staff02.pk]
    hr.post(board, {"ids": waiting, "reason": "请尽快 please hurry", "confirm": "1"}, by_id("bulk"))
    hook = "/hr/webhooks/?company=litong"
    dns["hooks.example.com"] = ["93.184.215.14"]  # public, answered without the network
    hr.post(hook, {"url": "https://hooks.example.com/jixiao"}, by_id("webhook-form"))
    secret = Webhook.objects.get().secret
    assert secret in hr.said(hook)  # shown once, right after it was added
    assert secret not in hr.get(hook).text
    hr.post(hook, {}, pressing("off"), button="off")
    assert not Webhook.objects.get().active
    roles = "/hr/roles/?company=litong"
    people = [p for p in hr.form(roles, by_id("grant-form"))[1]["options"]["person"] if p]
    hr.post(roles, {"person": people[-1], "role": "auditor"}, by_id("grant-form"))
    grant = CompanyRole.objects.get(role="auditor", user__employee__pk=people[-1])
    hr.post(roles, {}, by_id(f"revoke-{grant.pk}"), expect=(200,))  # asks first
    hr.post(roles, {"confirm": "1"}, by_id(f"revoke-{grant.pk}"))
    assert not CompanyRole.objects.filter(pk=grant.pk).exists()
    filled = "pack,role,indicator,target\n" + f"{rate[0]},{rate[1]},{rate[2]},0.06\n"
    hr.post(
        "/hr/import/?company=litong",
        {"kind": "targets", "cycle": str(cycle.pk), "dry_run": None},
        by_id("import-form"),
        files={"file": ("targets.csv", filled.encode(), "text/csv")},
        expect=(200,),
    )
    assert AuditEvent.objects.filter(action="import:targets").count() == 1
    hr.post(
        "/hr/cycles/?company=litong",
        {"period": "2026-11", "departments": workshop, "targets_later": "on"},
        by_id("open-cycle"),
        expect=(302,),
    )
    assert Appraisal.objects.filter(cycle__period="2026-11").count() == 3
    november = Cycle.objects.get(company=litong.company, period="2026-11")
    hr.post(
        f"/hr/cycles/{november.pk}/",
        {"reason": "开错了 opened by mistake", "confirm": "1"},
        action_has("/cancel/"),
    )

    # The workshop's head goes through the chain; HR calibrates the workshop.
    for name, boss_name in (("workshop_head", "gm"), ("staff03", "workshop_head")):
        submit(apps[name], "self", litong.u[name])
        values = {k[7:]: "18" for k in scores}
        submit(apps[name], "supervisor", litong.u[boss_name], {"values": values})
        submit(apps[name], "hr", litong.u["hr"])
    calib = f"/hr/cycles/{cycle.pk}/calibration/"

    def card(kind):
        return lambda f: {("department", workshop), ("action", kind)} <= set(f["fields"])

    hr.post(calib, {"reason": "小部门按上限 caps of a small team"}, card("apply"))
    hr.post(calib, {}, card("confirm"), expect=(200,))  # the summary first
    hr.post(calib, {"confirm": "1"}, card("confirm"))
    assert "✓" in hr.get(calib).text

    # The GM publishes; the employee appeals; the head mediates.
    set_clock(at(2026, 11, 10))
    gm = Person(base, "gm")
    gm.post(page, {"comment": "", "confirmed": "1"}, by_id("step-form"))
    staff02.refresh_from_db()
    assert staff02.state == "published"
    # The GM's overview: a department's ready items, approved after the summary.
    gm.post("/gm/?company=litong", {}, action_has("/gm/approve/"), expect=(200,))
    # The overview page itself only reads; its company helper is shared with approve.
    Person.posted.add("people:gm_overview")
    Person(base, "auditor").post("/audit/", {}, action_has("/audit/verify/"), expect=(200, 302))
    set_clock(at(2026, 11, 11, 9))
    # After the result: the employee signs the acknowledgement with the password.
    emp.post(
        f"/appraisals/{staff02.pk}/after/",
        {"decision": "acknowledged", "password": "jixiao-demo-2026"},
        by_id("sign-form"),
    )
    set_clock(at(2026, 11, 11, 10))
    emp.post(
        page,
        {
            "items": ["attitude"],
            "reason": "客户表扬信未计入 the letters were ignored",
            "confirmed": "1",
        },
        by_id("appeal-form"),
        files={"attachments": ("letters.pdf", b"%PDF-1.4 letters", "application/pdf")},
    )
    head.post(
        page, {"note": "未能调解 not settled"}, by_id("appeal-step-form"), button="decision-go-on"
    )

    # A researcher's supervisor returns the self-review; HR exports the payroll.
    submit(researcher, "self", researcher.employee.user)
    boss.post(
        f"/appraisals/{researcher.pk}/",
        {"return_comment": "请补充数据 add the data", "confirmed": "1"},
        by_id("return-form"),
    )
    r = hr.post(board, {"confirm": "1"}, by_id("payroll-form"), expect=(200,))
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    # HR downloads the department's appraisal forms (staff02's is published): one zip.
    r = hr.post(f"/hr/cycles/{cycle.pk}/payroll/", {}, by_id("forms-zip"), expect=(200,))
    assert r.headers["Content-Type"] == "application/zip" and r.content[:2] == b"PK"

    people = f"/hr/people/{apps['staff03'].employee_id}/leave/"
    hr.post(
        people, {"left_on": "2026-10-31", "reason": "辞职 resigned", "confirm": "1"}, has("left_on")
    )

    # HR adds a person by form (no password yet), invites them, then asks to invite
    # everyone (the summary); sets a company day on the calendar and removes it.
    position = str(Position.objects.filter(company=litong.company).order_by("pk").first().pk)
    hr.post(
        "/hr/people/add/?company=litong",
        {
            "number": "N800",
            "name": "新人 newcomer",
            "email": "n800@litong.example",
            "department": workshop,
            "position": position,
            "hire_date": "2026-10-08",
        },
        by_id("person-form"),
    )
    newcomer = Employee.objects.get(company=litong.company, number="N800")
    edit = f"/hr/people/{newcomer.pk}/edit/?company=litong"
    hr.post(edit, {"name": "新同事 newcomer"}, by_id("person-form"))
    hr.post("/hr/people/?company=litong&q=N800", {}, by_id(f"invite-{newcomer.pk}"))
    hr.post("/hr/people/?company=litong", {}, by_id("invite-all"), expect=(200,))
    month = "/hr/calendar/?company=litong&month=2026-11"
    hr.post(
        month, {"date": "2026-11-15", "kind": "workday", "note": "盘点"}, by_id("override-form")
    )
    day = CalendarOverride.objects.get(company=litong.company, date="2026-11-15")
    hr.post(month, {}, by_id(f"remove-{day.pk}"))

    committee_review(base, litong, set_clock, hr)
    compute_year(litong, set_clock, hr)

    # Every write left its audit record, and every write page was posted.
    assert AuditEvent.objects.count() > trail
    assert Person.posted == write_views(), sorted(write_views() ^ Person.posted)


def trail_of(a: Appraisal) -> list[str]:
    """The appraisal's audited actions, in order."""
    return list(
        AuditEvent.objects.filter(object_id=str(a.pk), object_type="appraisals.appraisal")
        .order_by("chain", "seq")
        .values_list("action", flat=True)
    )


def committee_review(base: str, litong, set_clock, hr: Person) -> None:
    """Two department managers' 2026-H2 (述职报告评议, general pack): HR forms one's
    appraisal leadership group on that appraisal's own page and the other's on the
    cycle's committees page; the manager saves the self-report, then submits it; the
    chair scores and, with the other members' scores in, closes the review."""
    set_clock(at(2026, 12, 28, 9))
    mgr = hire_manager(litong, password())
    other = org.employee_create(
        actor=litong.u["hr"],
        company=litong.company,
        user=org.user_create(username="mgr02", password=None, email="mgr02@demo.jixiao.invalid"),
        number="LT9002",
        name="吴经理",
        department=mgr.department,
        position=mgr.position,
        supervisor=mgr.supervisor,
        hire_date=mgr.hire_date,
    )
    half = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="half",
        period="2026-H2",
        position_ids=[mgr.position_id],
    )
    mine, theirs = (Appraisal.objects.get(cycle=half, employee=e) for e in (mgr, other))
    group = {"members": [str(litong.u[m].pk) for m in MEMBERS], "chair": str(litong.u[CHAIR].pk)}
    hr.post(f"/appraisals/{theirs.pk}/committee/", group, by_id("committee-form"))
    desk = f"/hr/cycles/{half.pk}/committees/"
    hr.post(desk, group, by_id("cycle-committee-form"))
    assert "已组成考核领导小组：1 个" in hr.said(desk)
    assert Committee.objects.filter(appraisal__in=[mine, theirs]).count() == 2

    page = f"/appraisals/{mine.pk}/committee/"
    me = Person(base, "mgr01")
    me.post(page, {"text": "草稿 a draft"}, by_id("report-form"), button="report-draft")
    assert SelfReport.objects.get(appraisal=mine).text == "草稿 a draft"
    report = "下半年完成车间改造 the workshop rebuilt"
    me.post(page, {"text": report}, by_id("report-form"), button="report-submit")
    assert SelfReport.objects.get(appraisal=mine).state == SelfReport.State.SUBMITTED
    chair = Person(base, CHAIR)
    chair.post(page, {"score": "90", "comment": "好 good"}, by_id("score-form"))
    for name, score in zip(MEMBERS[1:], ("80", "85"), strict=True):  # the others, directly
        task = CommitteeTask.objects.get(
            appraisal=mine, assignee=litong.u[name], kind=CommitteeTask.Kind.SCORE
        )
        committee.committee_score(actor=litong.u[name], task_id=task.pk, score=score)
    chair.post(page, {}, by_id("close-form"))
    # 90, 80, 85: the highest and the lowest dropped → 85.00
    assert Committee.objects.get(appraisal=mine).combined == 85
    assert trail_of(theirs)[-1] == "committee_form"
    done = trail_of(mine)
    assert done.count("committee_score") == 3, done
    assert {"committee_form", "report_draft", "report_submit", "committee_close"} <= set(done)


def compute_year(litong, set_clock, hr: Person) -> None:
    """The workshop's year 2026, opened on 4 January 2027; December's result becomes
    final after it opened, and HR presses "Compute from the year" on the year's board:
    the annual appraisal takes December, audited."""
    set_clock(at(2027, 1, 4, 9))
    year = open_cycle(litong, "year", "2026")
    fake_results(litong, {"2026-12": "91"})
    taken = AuditEvent.objects.filter(action="annual_compute").count()
    board = f"/hr/cycles/{year.pk}/"
    r = hr.post(board, {}, action_has("/compute-year/"))
    assert urlsplit(r.headers["Location"]).path == board
    assert "有 1 份取用了新的或更正后的结果" in hr.said(board)
    periods = annual_of(litong).values["annual"]["periods"]
    assert "2026-12" in [p["period"] for p in periods]
    assert AuditEvent.objects.filter(action="annual_compute").count() > taken
