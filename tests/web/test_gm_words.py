"""The GM's pages in words: the inbox filters list each cycle and department once, a
result preview with nothing scored yet says so instead of a raw "None", and the bulk
approval summary names what is not ready and why (skipped, never published)."""

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.models import AppraisalStep
from engine.appraisals.pinned_templates import template_for
from tests.month import at
from workflows.people.explain import preview_for_people
from workflows.people.inbox import InboxFilter

pytestmark = pytest.mark.django_db


def test_inbox_filter_options_once_each(cs):
    """The inbox's cycle and department filters list each option once, however many steps share it."""
    # many steps of one cycle and one department, ordered by a column of their own
    steps = AppraisalStep.objects.filter(appraisal__cycle=cs.cycle).order_by("due_at", "pk")
    assert steps.count() > 2
    f = InboxFilter(steps=steps)
    cycles = [v for v, _label in f.fields["cycle"].choices if v != ""]
    depts = [v for v, _label in f.fields["department"].choices if v != ""]
    assert cycles == [cs.cycle.pk]
    assert len(depts) == len(set(depts)) == 1


def test_nothing_scored_yet_is_said_in_words(cs):
    """A preview with nothing scored yet says so in words, never a raw "None"."""
    a = cs.a["ecom02"]
    with translation.override("zh-hans"):
        out = preview_for_people({"so_far": None, "still_open": 100}, a, template_for(a))
    assert "None" not in out["so_far"] and "尚未评分" in out["so_far"]


def test_the_late_penalty_is_shown_where_the_total_is(workshop, set_clock):
    """staff02 hands her self-review in a day late (due 2 Nov): the GM's publish
    confirmation shows the subtotal, the late line with its factor, then the total —
    never a total lower than the lines with no reason. No 0-point line is shown."""
    from tests.month import STAFF_VALUES, step, submit
    from workflows.people.confirm import adjustment_lines

    with translation.override("zh-hans"):
        lines = adjustment_lines(
            [
                {"code": "late:self", "kind": "factor", "value": "0.90"},
                {"code": "award", "kind": "points", "value": "0"},
            ]
        )
    assert lines == ["逾期自评 −10%（× 0.90）"]
    a, w = workshop.a["staff02"], workshop
    set_clock(at(2026, 11, 3, 10))
    submit(a, "self", w.u["staff02"])
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    submit(a, "hr", w.u["hr"])
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["gm"])
    page = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/", {}).content.decode()
    assert 'id="publish-summary"' in page
    assert 'id="confirm-adjustment-1"' in page and "逾期自评" in page and "×" in page


def test_the_inbox_lists_steps_waiting_on_calibration_apart(litong, set_clock):
    """Calibration required and not confirmed: the GM's final approval of staff02 waits
    for HR. The inbox lists it under "waiting" with why in words and no link to act;
    it is not among the actionable rows."""
    from tests.month import STAFF_VALUES, open_workshop, submit

    set_clock(at(2026, 10, 31, 9))
    w = open_workshop(litong, calibration_required=True)
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    submit(a, "hr", w.u["hr"])
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(w.u["gm"])
    page = c.get("/inbox/").content.decode()
    assert f'data-waiting="{a.pk}"' in page
    actionable = page.split('id="inbox"')[1].split("</table>")[0]
    assert a.employee.name not in actionable
    waiting = page.split('id="inbox-waiting"')[1].split("</table>")[0]
    assert "校准" in waiting and "/steps/" not in waiting
