"""HR's cycle board and its targets-and-metrics page: gaps listed before the GM finds
them, targets typed as "50%" carried into the appraisals, metrics in a grid, a bad cell
refused at the cell with nothing saved, the same values again changing nothing, and
bulk reminders and pushes from the board."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal, AppraisalStep
from engine.audit.models import AuditEvent
from engine.notifications.models import Notification
from tests.month import ECOM_SYSTEM, at, step, submit
from tests.web.visible import raw_codes

pytestmark = pytest.mark.django_db


def hr_client(litong, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(litong.u["hr"])
    return c


def test_gaps_then_targets_from_the_page(cs):
    """Opened without targets: the board and the page name what is missing; 50% for the
    conversion target reaches every e-commerce appraisal; a bad cell saves nothing; the
    same targets again change nothing."""
    c = hr_client(cs)
    board = c.get(f"/hr/cycles/{cs.cycle.pk}/").content.decode()
    assert 'id="gaps"' in board and raw_codes(board) == []
    page = c.get(f"/hr/cycles/{cs.cycle.pk}/inputs/").content.decode()
    assert "询单转化率" in page and raw_codes(page) == []
    key = "t.customer_service.ecommerce_agent"
    bad = c.post(
        f"/hr/cycles/{cs.cycle.pk}/inputs/",
        {"part": "targets", f"{key}.inquiry_conversion": "50%", f"{key}.payment_success": "很多"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert f'data-field="{key}.payment_success"' in text and 'value="50%"' in text
    cs.cycle.refresh_from_db()
    assert cs.cycle.targets == {}
    good = {
        "part": "targets",
        f"{key}.inquiry_conversion": "50%",
        f"{key}.payment_success": "0.8",
        f"{key}.avg_order_value": "200",
    }
    assert c.post(f"/hr/cycles/{cs.cycle.pk}/inputs/", good).status_code == 302
    a = Appraisal.objects.get(pk=cs.a["ecom02"].pk)
    assert a.targets["inquiry_conversion"] == "0.5" and a.targets["avg_order_value"] == "200"
    again = c.post(f"/hr/cycles/{cs.cycle.pk}/inputs/", good, follow=True).content.decode()
    assert "没有任何改动" in again
    assert Appraisal.objects.get(pk=a.pk).targets == a.targets


def test_metrics_grid(cs):
    """Every metric of ecom02 typed in the grid is loaded; one bad cell among good ones
    saves none of them; the same values again change nothing."""
    c = hr_client(cs)
    a = cs.a["ecom02"]
    cells = {f"m.{a.pk}.{k}": v for k, v in ECOM_SYSTEM.items()}
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    bad = c.post(url, {"part": "metrics", **cells, f"m.{a.pk}.reply_rate": "-3"})
    assert bad.status_code == 400 and f'data-field="m.{a.pk}.reply_rate"' in bad.content.decode()
    assert Appraisal.objects.get(pk=a.pk).values.get("system") is None
    assert c.post(url, {"part": "metrics", **cells}).status_code == 302
    assert Appraisal.objects.get(pk=a.pk).values["system"]["inquiry_conversion"] == "0.5"
    page = c.post(url, {"part": "metrics", **cells}, follow=True).content.decode()
    assert "没有任何改动" in page


def test_board_filters_and_bulk_actions(cs, set_clock):
    """Late only lists the appraisals with an overdue step; remind tells each holder;
    push without a reason is refused; with one the overdue self-reviews move on."""
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    assert "ecom02" not in c.get(url).content.decode()  # names, never usernames
    set_clock(at(2026, 11, 3, 10))  # the self-reviews were due 2 Nov
    late = c.get(url, {"late": "on"}).content.decode()
    assert cs.a["ecom02"].employee.name in late
    ids = [cs.a["ecom02"].pk, cs.a["ecom03"].pk]
    # a bulk action asks once, naming the rows, and does nothing until confirmed
    r = c.post(url, {"action": "remind", "ids": ids})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="bulk-confirm"' in body
    assert cs.a["ecom02"].employee.name in body and cs.a["ecom03"].employee.name in body
    assert not Notification.objects.filter(kind="hr_reminder").exists()
    c.post(url, {"action": "remind", "ids": ids, "confirm": "1"})
    assert Notification.objects.filter(kind="hr_reminder").count() == 2
    r = c.post(url, {"action": "push", "ids": ids, "reason": "", "confirm": "1"})
    assert r.status_code == 400 and 'data-field="reason"' in r.content.decode()
    r = c.post(url, {"action": "push", "ids": ids, "reason": "逾期未交"})
    assert "逾期未交" in r.content.decode()  # the summary says why
    assert not AppraisalStep.objects.filter(appraisal_id__in=ids, state="skipped").exists()
    c.post(url, {"action": "push", "ids": ids, "reason": "逾期未交", "confirm": "1"})
    assert set(
        AppraisalStep.objects.filter(appraisal_id__in=ids, code="self").values_list(
            "state", flat=True
        )
    ) == {"skipped"}


def test_bulk_form_checked_before_the_confirmation(cs, set_clock):
    """A push without its reason, a hand-over without its person, no row ticked: the
    board comes back (400, no confirmation page, nothing done) with each error at its
    field, the ticked rows still ticked and the typed text kept."""
    import re

    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    set_clock(at(2026, 11, 3, 10))
    ids = [cs.a["ecom02"].pk, cs.a["ecom03"].pk]
    r = c.post(url, {"action": "push", "ids": ids, "reason": "  "})
    body = r.content.decode()
    assert r.status_code == 400 and 'id="bulk-confirm"' not in body
    assert 'id="bulk-reason-error" data-field="reason"' in body
    for pk in ids:
        assert re.search(rf'name="ids" value="{pk}"[^>]*checked', body)
    other = next(a.pk for a in cs.a.values() if a.pk not in ids)
    assert not re.search(rf'name="ids" value="{other}"[^>]*checked', body)
    assert '<option value="push" selected>' in body
    r = c.post(url, {"action": "reassign", "ids": ids, "reason": "交接"})
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="to"' in body
    assert 'name="reason" value="交接"' in body  # the typed text kept
    assert '<p class="card err"' not in body  # not at the top of the page
    r = c.post(url, {"action": "remind"})
    assert r.status_code == 400 and 'data-field="ids"' in r.content.decode()
    assert not AppraisalStep.objects.filter(appraisal_id__in=ids, state="skipped").exists()
    assert not Notification.objects.filter(kind="hr_reminder").exists()


def test_only_hr_reaches_the_cycle_pages(cs):
    """A supervisor gets 403 on the board and the inputs page."""
    c = Client()
    c.force_login(cs.u["cs_head"])
    assert c.get(f"/hr/cycles/{cs.cycle.pk}/").status_code == 403
    assert c.get(f"/hr/cycles/{cs.cycle.pk}/inputs/").status_code == 403


def test_cancel_a_cycle_and_open_it_again(cs):
    """Cancelled with a reason: every appraisal withdrawn, the period free again, the
    cancellation audited; without a reason it is refused in words."""
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/cancel/"
    r = c.post(url, {"reason": ""}, follow=True)
    assert 'role="alert"' in r.content.decode()
    r = c.post(url, {"reason": "部门选错了"})  # the summary first: nothing withdrawn yet
    assert r.status_code == 200 and 'id="cancel-confirm"' in r.content.decode()
    assert not Appraisal.objects.filter(cycle=cs.cycle, state="withdrawn").exists()
    assert c.post(url, {"reason": "部门选错了", "confirm": "1"}).status_code == 302
    assert set(Appraisal.objects.filter(cycle=cs.cycle).values_list("state", flat=True)) == {
        "withdrawn"
    }
    assert AuditEvent.objects.filter(action="cycle_cancel").exists()
    r = c.post(
        "/hr/cycles/?company=litong",
        {
            "company": "litong",
            "kind": "month",
            "period": "2026-10",
            "departments": [cs.cycle.department_ids[0]],
            "targets_later": "1",
        },
    )
    assert r.status_code == 302  # the same period opened again, on its board


def test_a_far_period_needs_confirming(cs):
    """Opening a period two years ahead is stopped at the field until HR ticks the box."""
    c = hr_client(cs)
    data = {"company": "litong", "kind": "month", "period": "2028-10"}
    r = c.post("/hr/cycles/?company=litong", data)
    assert r.status_code == 400 and 'data-field="period"' in r.content.decode()
    assert (
        c.post(
            "/hr/cycles/?company=litong", {**data, "unusual": "1", "targets_later": "1"}
        ).status_code
        == 302
    )


def test_hand_steps_to_another_person(cs, set_clock):
    """Two supervisor steps handed to the HR officer hr02; the self-reviews stay with
    their employees; without a person chosen nothing moves."""
    set_clock(at(2026, 11, 1))
    for name in ("ecom02", "ecom03"):
        submit(cs.a[name], "self", cs.u[name])
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    ids = [cs.a["ecom02"].pk, cs.a["ecom03"].pk, cs.a["ecom04"].pk]
    c.post(url, {"action": "reassign", "ids": ids, "confirm": "1"})
    assert not AppraisalStep.objects.filter(assignee=cs.u["hr02"]).exists()
    to = {"action": "reassign", "ids": ids, "to": cs.u["hr02"].employee.pk}
    assert cs.u["hr02"].employee.name in c.post(url, to).content.decode()
    assert not AppraisalStep.objects.filter(assignee=cs.u["hr02"]).exists()
    c.post(url, {**to, "confirm": "1"})
    moved = AppraisalStep.objects.filter(assignee=cs.u["hr02"], state="open")
    assert sorted(moved.values_list("code", flat=True)) == ["supervisor", "supervisor"]
    assert step(cs.a["ecom04"], "self").assignee_id == cs.u["ecom04"].pk


def test_inputs_page_keeps_both_tables(cs):
    """Targets and metrics are one form: saving the targets also saves the metrics
    typed below them, and an error in one table gives back what was typed in the other."""
    c = hr_client(cs)
    a = cs.a["ecom02"]
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    page = c.get(url).content.decode()
    assert 'id="inputs-form"' in page and "targets-form" not in page
    key = "t.customer_service.ecommerce_agent.inquiry_conversion"
    cell = f"m.{a.pk}.reply_rate"
    bad = c.post(url, {"part": "targets", key: "很多", cell: "97%"})
    body = bad.content.decode()
    assert bad.status_code == 400 and f'data-field="{key}"' in body
    assert f'name="{cell}" value="97%"' in body  # the other table's typed value kept
    assert c.post(url, {"part": "targets", key: "50%", cell: "97%"}).status_code == 302
    a.refresh_from_db()
    assert a.targets["inquiry_conversion"] == "0.5"
    assert a.values["system"]["reply_rate"] == "0.97"


def test_a_leavers_withdrawn_appraisal_is_neither_done_nor_to_do(cs):
    """Customer service has 13 appraisals; ecom03 leaves and theirs is withdrawn: the
    department's bar reads 0/12 — the withdrawn one no longer fills it (it read 1/13)."""
    from engine.appraisals import services
    from engine.org.models import Employee

    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    (before,) = c.get(url).context["progress"]
    leaver = Employee.objects.get(user=cs.u["ecom03"])
    services.employee_depart(
        actor=cs.u["hr"], employee=leaver, left_on=cs.cycle.start, reason="left"
    )
    assert Appraisal.objects.get(pk=cs.a["ecom03"].pk).state == "withdrawn"
    (after,) = c.get(url).context["progress"]
    assert (after["done"], after["n"]) == (0, before["n"] - 1)


def test_a_push_leaves_out_steps_not_overdue_and_says_whose(cs, set_clock):
    """Of two ticked rows only ecom02's self-review is overdue (ecom03 handed in and its
    supervisor's step is due later): the confirmation names ecom02 alone and says
    ecom03 was left out, not overdue yet, with its due day; after the push nothing was
    refused without a name."""
    set_clock(at(2026, 11, 1, 10))
    submit(cs.a["ecom03"], "self", cs.u["ecom03"])
    set_clock(at(2026, 11, 3, 10))  # the self-reviews were due 2 Nov
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    late, early = cs.a["ecom02"], cs.a["ecom03"]
    ids = [late.pk, early.pk]
    body = c.post(url, {"action": "push", "ids": ids, "reason": "逾期未交"}).content.decode()
    names = body.split('id="confirm-summary"')[1]
    assert f"{early.employee.name} · 直属上级评分：截止日期" in names and "尚未逾期" in names
    listed = names.split("<ul")[-1]
    assert late.employee.name in listed and f"<li>{early.employee.name}</li>" not in listed
    r = c.post(url, {"action": "push", "ids": ids, "reason": "逾期未交", "confirm": "1"})
    page = c.get(r["Location"]).content.decode()
    assert f"{early.employee.name}：此步骤尚未逾期" in page  # a refusal names whose step
    body = c.post(url, {"action": "push", "ids": [early.pk], "reason": "x"}).content.decode()
    assert 'id="bulk-confirm"' not in body and f"{early.employee.name} · " in body


def test_a_second_reminder_inside_the_window_is_skipped_and_the_last_one_shown(
    cs, set_clock, settings
):
    """HR reminds ecom02; the board row then says when; pressing remind again a few
    seconds later reminds nobody twice: the form says at the rows who was reminded when,
    with no confirmation. After the window (set to 30 minutes) the reminder goes out."""
    settings.JIXIAO_REMIND_WINDOW_MINUTES = 30
    set_clock(at(2026, 11, 3, 10))
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    a = cs.a["ecom02"]
    c.post(url, {"action": "remind", "ids": [a.pk], "confirm": "1"})
    assert Notification.objects.filter(kind="hr_reminder").count() == 1
    row = c.get(url).content.decode().split(f'value="{a.pk}"')[1].split("</tr>")[0]
    assert "已于 2026-11-03 10:00 提醒" in row
    set_clock(at(2026, 11, 3, 10, 1))
    r = c.post(url, {"action": "remind", "ids": [a.pk]})
    body = r.content.decode()
    assert r.status_code == 400 and 'id="bulk-confirm"' not in body
    assert f"已于 2026-11-03 10:00 提醒过 {a.employee.name}" in body and "30 分钟" in body
    c.post(url, {"action": "remind", "ids": [a.pk], "confirm": "1"})
    assert Notification.objects.filter(kind="hr_reminder").count() == 1
    set_clock(at(2026, 11, 3, 10, 31))
    c.post(url, {"action": "remind", "ids": [a.pk], "confirm": "1"})
    assert Notification.objects.filter(kind="hr_reminder").count() == 2


def test_the_hr_address_itself_opens_the_cycle_board(db, client):
    """/hr/ (the address people type) leads to the cycle board, keeping the company."""
    r = client.get("/hr/?company=litong")
    assert r.status_code == 302 and r["Location"].startswith("/hr/cycles/")
    assert "company=litong" in r["Location"]


def test_the_boards_state_options_read_in_sentence_case(cs):
    """The board's State filter offers "In progress", "Published" …, never the lower-case
    words kept for use inside a sentence."""
    import re

    page = hr_client(cs, "en").get(f"/hr/cycles/{cs.cycle.pk}/").content.decode()
    select = page.split('name="state"')[1].split("</select>")[0]
    options = re.findall(r"<option[^>]*>([^<]+)</option>", select)
    assert "In progress" in options and "Published" in options
    assert all(o[0].isupper() for o in options), options


def test_the_cycle_list_says_each_cycles_state_in_words(cs):
    """HR's cycle list has a state column: an open cycle with how many appraisals are
    still in progress, a cancelled one as cancelled, in words, never a code."""
    c = hr_client(cs)
    body = c.get("/hr/cycles/?company=litong").content.decode()
    assert "<th>状态</th>" in body.split('id="cycles"', 1)[1].split("</thead>", 1)[0]
    n = Appraisal.objects.filter(cycle=cs.cycle, state="in_progress").count()
    state = body.split('class="cycle-state">', 1)[1].split("</td>", 1)[0]
    assert state == f"开放中：{n} 份考核进行中"
    c.post(f"/hr/cycles/{cs.cycle.pk}/cancel/", {"reason": "部门选错了", "confirm": "1"})
    body = c.get("/hr/cycles/?company=litong").content.decode()
    assert body.split('class="cycle-state">', 1)[1].split("</td>", 1)[0] == "已取消"
    en = hr_client(cs, "en").get("/hr/cycles/?company=litong").content.decode()
    assert en.split('class="cycle-state">', 1)[1].split("</td>", 1)[0] == "Cancelled"


def test_a_period_of_another_kind_is_refused_with_the_kinds_own_form(cs):
    """A half-year written as a month (2026-12) is refused at the period field with the
    half-year's own form (2026-H1 or 2026-H2), not a list holding the refused one."""
    c = hr_client(cs)
    r = c.post(
        "/hr/cycles/?company=litong", {"company": "litong", "kind": "half", "period": "2026-12"}
    )
    page = r.content.decode()
    assert r.status_code == 400 and 'data-field="period"' in page
    assert "半年考核的期间写作 2026-H1 或 2026-H2。" in page and "考核期间请写作" not in page
