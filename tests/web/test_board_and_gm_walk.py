"""Fresh-eyes walk of the board and the GM: every person is shown by a name in words
(never a login name); the board's home says what the board approves; a final approval
held by the calibration says who must act and by when; a deduction indicator whose
step is done without deductions reads "no deductions", not "not entered yet"."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from engine.appraisals.models import Appraisal
from engine.org.display import person_name
from engine.org.models import Department
from tests.month import at, open_departments, submit
from tests.web.visible import visible_text

pytestmark = pytest.mark.django_db
User = get_user_model()


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_an_account_without_an_employee_is_named_by_full_name_else_by_role(litong):
    """The demo's board member has a name; an unnamed board account reads "董事会成员",
    never its username."""
    assert person_name(litong.u["board"]) == "周建国"
    bare = User.objects.create_user(username="board2")
    litong.company.roles.create(user=bare, role="board")
    with translation.override("zh-hans"):
        assert person_name(bare) == "董事会成员"
    text = visible_text(client_for(bare).get("/").content.decode())
    assert "board2" not in text and "欢迎，董事会成员" in text


def test_the_welcome_uses_a_chinese_comma(litong):
    """ "欢迎，张涛" on the Chinese page, not "欢迎, 张涛"."""
    hr = litong.u["hr"]
    text = visible_text(client_for(hr).get("/").content.decode())
    assert f"欢迎，{hr.employee.name}" in text


@pytest.fixture
def finance(litong, set_clock):
    """October for finance; the head's self-review and the GM's step handed in, the GM
    entering no deductions: the board's approval is open."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "finance")
    head = next(a for a in w.a.values() if a.role == "finance_head")
    submit(head, "self", head.employee.user)
    submit(head, "gm", litong.u["gm"], {"deductions": {}})
    return w, Appraisal.objects.get(pk=head.pk)


def test_the_boards_home_lists_what_the_board_approves(finance):
    """The board's home names the head of finance's appraisal, its board step and a link;
    the step table and the greeting name the board member, never "board"."""
    w, head = finance
    body = client_for(w.u["board"]).get("/").content.decode()
    card = body.split('id="home-board"')[1].split("</div>\n")[0]
    assert head.employee.name in card and f'href="/appraisals/{head.pk}/"' in card
    assert "董事会审批" in visible_text(card)
    assert "欢迎，周建国" in visible_text(body)


def test_a_deduction_indicator_done_without_deductions_reads_no_deductions(finance):
    """职业操守 after the GM's step with no deductions: "总经理: 无扣分", not "尚未填写"."""
    w, head = finance
    body = client_for(w.u["board"]).get(f"/appraisals/{head.pk}/").content.decode()
    row = body.split('data-indicator="integrity"')[1].split("</tr>")[0]
    assert "无扣分" in row and "尚未填写" not in row


def test_a_blocked_final_approval_says_who_must_act_and_by_when(litong, set_clock):
    """HR's two people wait at the GM's approval on a pool with the workshop's three, not
    scored yet: the message names who holds their steps, which step and the due date."""
    set_clock(at(2026, 10, 31, 9))
    cycle = open_departments(litong, "hr", "workshop", calibration_required=True).cycle
    from tests.web.test_calibration_waits import _score

    set_clock(at(2026, 11, 1))
    hr_dept = Department.objects.get(company=litong.company, code="hr")
    waiting = _score(cycle, hr_dept)
    body = client_for(litong.u["gm"]).get(f"/appraisals/{waiting[0].pk}/").content.decode()
    blocked = visible_text(body.split('id="submit-blocked"')[1].split("</p>")[0])
    assert "须由以下人员处理" in blocked
    ws = Appraisal.objects.filter(cycle=cycle, department__code="workshop")
    assert any(a.employee.name in blocked.split("须由以下人员处理")[1] for a in ws)
    assert "自评" in blocked and "截止 2026-11-02" in blocked


def test_the_trail_keeps_file_names_and_says_the_import_kind_in_words():
    """An uploaded "metrics_good.xlsx" stays as typed (no capital M); "import:metrics"
    reads as the kind in words, never the code "metrics"."""
    from workflows.auditor.words import _reason
    from workflows.common.labels import action_label

    assert _reason("metrics_good.xlsx") == "metrics_good.xlsx"
    with translation.override("zh-hans"):
        words = action_label("import:metrics")
    assert "metrics" not in words and "系统指标" in words


def test_the_payroll_page_says_the_zone_in_words(litong, set_clock):
    """The payroll page names the company's zone as other pages do, never "Asia/Shanghai"."""
    set_clock(at(2026, 10, 31, 9))
    cycle = open_departments(litong, "workshop").cycle
    body = client_for(litong.u["hr"]).get(f"/hr/cycles/{cycle.pk}/payroll/").content.decode()
    text = visible_text(body)
    assert "Asia/Shanghai" not in text and "北京时间 (UTC+8)" in text


def test_seconds_keep_the_decimals_a_score_is_computed_from():
    """A stored 44.379 s reads "44.38" (30 ÷ 44.38 × 5 = 3.38 can be recomputed), 40 s
    reads "40"; a count stays whole."""
    from workflows.common.numbers import by_unit

    assert by_unit("44.379", "seconds") == "44.38"
    assert by_unit("40.000", "seconds") == "40"
    assert by_unit("7.000", "count") == "7"


def test_the_gm_home_says_which_approvals_need_the_gms_own_scoring(litong, set_clock):
    """The head of finance's GM step (the GM's deductions) is counted on the home but
    not among the overview's ready: the home says so in words (the only one: no
    "others" for the overview)."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "finance")
    head = next(a for a in w.a.values() if a.role == "finance_head")
    submit(head, "self", head.employee.user)
    text = visible_text(client_for(litong.u["gm"]).get("/").content.decode())
    assert "须由您本人在考核页面评分（共 1 份）" in text


def test_the_boards_home_puts_what_waits_first_then_what_it_approved(finance):
    """What waits for the board comes first under "等待董事会审批"; once approved, the
    appraisal is listed below under "董事会已审批", never under a heading saying it was
    approved while it still waits."""
    w, head = finance
    card = client_for(w.u["board"]).get("/").content.decode().split('id="home-board"')[1]
    card = card.split("</div>\n</div>", 1)[0]
    waiting = card.split('id="home-board-waiting"', 1)[1]
    assert "等待董事会审批" in visible_text(waiting.split("</h2>", 1)[0])
    assert head.employee.name in waiting.split('id="home-board-rows"', 1)[1]
    assert 'id="home-board-approved"' not in card
    board_step = head.steps.get(holder_role="board")
    submit(head, board_step.code, w.u["board"])
    body = client_for(w.u["board"]).get("/").content.decode()
    assert body.index('id="home-board-waiting"') < body.index('id="home-board-approved"')
    done = body.split('id="home-board-done"', 1)[1].split("</table>", 1)[0]
    assert head.employee.name in done and f'href="/appraisals/{head.pk}/"' in done
    assert "董事会已审批" in visible_text(body.split('id="home-board-approved"', 1)[1])
