"""The GM's own appraisal, as the pages name it (user walk of the demo month): its last
step is "董事会审批（总经理本人的考核）" wherever it appears — the steps table as on the
step's own form, the GM's list, the board's team and HR's cycle board — never "总经理审批"
held by the board; and the GM is named by his position, 总经理 / General manager, not by
the general pack's staff role (职员) his appraisal is scored on."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal
from tests.calibration.test_pooling import _holder
from tests.month import STAFF_VALUES, at, open_department, submit
from tests.web.visible import visible_text

pytestmark = pytest.mark.django_db

OWN = "董事会审批（总经理本人的考核）"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _at_the_board(litong, set_clock) -> Appraisal:
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "gm_office")
    a = w.a["gm"]
    held = a.steps.get(state="open")
    while held.holder_role != "board":  # handed on by whoever holds each step
        data = {"values": STAFF_VALUES} if held.code == "supervisor" else None
        submit(a, held.code, _holder(a, held.code), data)
        held = Appraisal.objects.get(pk=a.pk).steps.get(state="open")
    return a


def _header(html: str) -> str:
    """The line under the name: department · position · state."""
    return visible_text(html.split('<p class="muted">', 1)[1].split("</p>", 1)[0])


def _steps_table(html: str) -> str:
    return visible_text(html.split('id="steps"')[1].split("</table>")[0])


def test_the_boards_step_has_one_name_on_every_page(litong, set_clock):
    """The GM's own appraisal at the board: the steps table names its last step as the
    form above it does ("待您处理的步骤"), and so do the GM's list, the board's team and
    HR's cycle board; in English "Board approval (the general manager's own
    appraisal)"."""
    a = _at_the_board(litong, set_clock)
    board = client_for(litong.u["board"])
    page = board.get(f"/appraisals/{a.pk}/").content.decode()
    table = _steps_table(page)
    assert OWN in table and "总经理审批" not in table.replace(OWN, "")
    # what others entered, with Chinese punctuation
    assert "工作效率：直属上级 20" in visible_text(page)
    assert f"您的步骤：{OWN}" in visible_text(page) or f"待您处理的步骤：{OWN}" in visible_text(
        page
    )
    mine = visible_text(client_for(litong.u["gm"]).get("/mine/").content.decode())
    assert OWN in mine and "总经理审批" not in mine.replace(OWN, "")
    team = visible_text(board.get(f"/team/?cycle={a.cycle_id}").content.decode())
    assert OWN in team
    hr = visible_text(client_for(litong.u["hr"]).get(f"/hr/cycles/{a.cycle_id}/").content.decode())
    assert OWN in hr
    english = client_for(litong.u["board"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert (
        "Board approval (the general manager&#x27;s own appraisal)"
        in english.split('id="steps"')[1].split("</table>")[0]
    )


def test_the_gm_is_named_by_his_position(litong, set_clock):
    """The line under his name reads 总经理办公室 · 总经理 for the GM, the board and HR
    (GM office · General manager in English), and HR's cycle board lists him as
    总经理: never 职员, the pack role his appraisal is scored on."""
    a = _at_the_board(litong, set_clock)
    for user in ("gm", "board", "hr"):
        page = client_for(litong.u[user]).get(f"/appraisals/{a.pk}/").content.decode()
        head = _header(page)
        assert "总经理办公室 · 总经理 · " in head and "职员" not in head, (user, head)
    english = client_for(litong.u["gm"], "en").get(f"/appraisals/{a.pk}/").content.decode()
    head = _header(english)
    assert "GM office · General manager · " in head and "Staff" not in head
    hr = client_for(litong.u["hr"]).get(f"/hr/cycles/{a.cycle_id}/").content.decode()
    row = hr.split(f'href="/appraisals/{a.pk}/"')[1].split("</tr>")[0]
    assert "总经理" in visible_text(row) and "职员" not in visible_text(row)


def test_the_boards_notice_names_the_step_as_the_pages_do(litong, set_clock):
    """When the GM's own appraisal reaches the board, the board's "a step is yours"
    notice names the step as the pages do, in both languages (the notice stores the
    step and who holds it; the sentence is made when it is read)."""
    from django.utils import translation

    from engine.notifications.models import Notification
    from engine.notifications.wording import sentence

    a = _at_the_board(litong, set_clock)
    notice = Notification.objects.filter(
        appraisal=a, user=litong.u["board"], kind="step_open"
    ).latest("created_at")
    with translation.override("zh-hans"):
        zh = sentence(notice.kind, notice.params)
    with translation.override("en"):
        en = sentence(notice.kind, notice.params)
    assert OWN in zh and "总经理审批" not in zh.replace(OWN, ""), zh
    assert "Board approval (the general manager's own appraisal)" in en, en
    page = visible_text(client_for(litong.u["board"]).get("/notifications/").content.decode())
    assert OWN in page
