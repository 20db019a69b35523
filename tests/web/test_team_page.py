"""My team: for a board member, the appraisals routed to the board; for a head, who
holds each open step, how late it is, and the provisional total of what they scored;
HR's cycle board finds the appraisal the board holds under the board's step."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal
from tests.calibration.test_pooling import _holder
from tests.month import STAFF_VALUES, at, open_department, submit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_the_board_sees_the_gms_appraisal_and_hr_finds_it_by_step(litong, set_clock):
    """The GM's own approval goes to the board: the board's team lists it with a cycle
    to choose, and HR's board filtered by the board's step finds it."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "gm_office")
    a = w.a["gm"]
    submit(a, "self", w.u["gm"])
    board = client_for(litong.u["board"])  # routed to the board: listed from the start
    body = board.get("/team/").content.decode()
    assert f'data-team="{a.pk}"' in body and f'<option value="{a.cycle_id}"' in body
    assert "本周期没有" not in body
    held = Appraisal.objects.get(pk=a.pk).steps.get(state="open")
    while held.holder_role != "board":  # handed on by whoever holds each step
        data = {"values": STAFF_VALUES} if held.code == "supervisor" else None
        submit(a, held.code, _holder(a, held.code), data)
        held = Appraisal.objects.get(pk=a.pk).steps.get(state="open")
    assert (held.code, held.holder_role) == ("gm", "board")  # escalated: nobody approves self
    hr = client_for(litong.u["hr"])
    found = hr.get(f"/hr/cycles/{a.cycle_id}/?step=board").content.decode()
    assert f'href="/appraisals/{a.pk}/"' in found


def test_a_head_sees_holder_lateness_and_what_they_scored(workshop, set_clock):
    """staff02 scored by the head and now at HR: the head's team shows the provisional
    total 82.00 and grade; workshop_head's own self-review is theirs; staff03's late
    self-review says who holds it and by how many days."""
    set_clock(at(2026, 11, 1))
    first = workshop.a["staff02"]
    submit(first, "self", workshop.u["staff02"])
    submit(first, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 5, 10))  # the self-reviews were due 2 Nov
    body = client_for(workshop.u["workshop_head"]).get("/team/").content.decode()
    row = body.split(f'data-team="{first.pk}"')[1].split("</tr>")[0]
    assert "82.00" in row and "暂定" in row and "良好" in row and "人事" in row
    late = workshop.a["staff03"]
    row = body.split(f'data-team="{late.pk}"')[1].split("</tr>")[0]
    assert 'class="overdue"' in body.split(f'data-team="{late.pk}"')[1][:40]
    assert "已逾期 2 天" in row and late.employee.name in row


def test_the_team_spells_out_each_roles_grade_bands(litong, set_clock):
    """Customer service mixes roles whose bands differ (an e-commerce agent is 优秀 from
    95, an after-sales agent from 80): the head's team lists, under the table, each
    role's bands from its pinned template, and each row names its role so a grade can
    be held against the right line."""
    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "cs")
    roles = {a.role for a in w.a.values()}
    assert len(roles) > 1, roles
    body = client_for(litong.u["cs_head"]).get("/team/").content.decode()
    bands = body.split('id="grade-bands"')[1].split("</div>")[0]
    assert "等级标准" in bands and "各岗位标准不同" in bands
    assert bands.count("<li>") >= 2
    assert (
        "话务员、电商客服：优秀 ≥ 95，良好 ≥ 80" in bands
        and "售后客服：卓越 ≥ 90，优秀 ≥ 80" in bands
    )
    a = next(a for a in w.a.values() if a.role == "ecommerce_agent")
    row = body.split(f'data-team="{a.pk}"')[1].split("</tr>")[0]
    assert 'class="muted small role">电商客服' in row


def test_the_role_sits_under_the_name_and_a_note_under_the_total_wraps(litong, set_clock):
    """The role is read under the person's name (not under the grade, where it widened
    the last column), and the note under a total may wrap: at 1280 px in English the
    Grade column no longer runs out of the table."""
    from pathlib import Path

    set_clock(at(2026, 10, 31, 9))
    w = open_department(litong, "cs")
    body = client_for(litong.u["cs_head"]).get("/team/").content.decode()
    a = next(a for a in w.a.values() if a.role == "ecommerce_agent")
    row = body.split(f'data-team="{a.pk}"')[1].split("</tr>")[0]
    name_cell = row.split('<td class="person">')[1].split("</td>")[0]
    grade_cell = row.split('class="grade">')[1].split("</td>")[0]
    assert "电商客服" in name_cell and "role" not in grade_cell
    css_file = Path(__file__).resolve().parents[2] / "workflows/people/static/people/jixiao.css"
    css = css_file.read_text(encoding="utf-8")
    assert ".num .why {" in css and "white-space: normal" in css.split(".num .why {")[1][:120]
