"""An entry write is audited per entry (issue #22): the trail event says which item
changed, whose entry it is, its value before and after — never the appraisal's whole
values, deductions and events dicts — and the auditor reads it in words, naming the
rater."""

import pytest
from django.utils import translation

from engine.appeals import services as appeals
from engine.appraisals import services
from engine.audit.models import AuditEvent
from tests.appeals.test_appeal_employee_side import file_it, result, to_decision  # noqa: F401
from tests.month import STAFF_VALUES, at, step, submit
from workflows.auditor.words import DataWords

pytestmark = pytest.mark.django_db


def _last(a, action):
    return AuditEvent.objects.filter(action=action, object_id=str(a.pk)).order_by("-seq").first()


def test_a_supervisors_hand_in_records_each_entry_who_what_before_after(workshop, set_clock):
    """The supervisor's hand-in records, per item entered, the item, the rater slot
    (supervisor), nothing before and the value after, by the head who acted; handed in
    again after a return, only the item retyped is recorded, with its old value. The
    auditor's words name the supervisor and the indicator."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1, 9))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4, 9))
    submit(
        a,
        "supervisor",
        w.u["workshop_head"],
        {"values": STAFF_VALUES, "events": {"minor_demerit": 1}},
    )
    event = _last(a, "submit:supervisor")
    assert event.actor_id == w.u["workshop_head"].pk and event.before is None
    assert event.after["entries"] == [
        *(
            {"field": f"values.{code}", "rater": "supervisor", "before": None, "after": v}
            for code, v in STAFF_VALUES.items()
        ),
        {"field": "events.minor_demerit", "rater": "supervisor", "before": None, "after": 1},
    ]
    assert not {"values", "deductions", "events", "falsified"} & set(event.after)

    set_clock(at(2026, 11, 5, 9))
    services.step_return(
        actor=w.u["hr"], appraisal_id=a.pk, step_id=step(a, "hr").pk, comment="efficiency?"
    )
    submit(a, "supervisor", w.u["workshop_head"], {"values": {**STAFF_VALUES, "efficiency": 18}})
    again = _last(a, "submit:supervisor")
    assert again.after["entries"] == [
        {"field": "values.efficiency", "rater": "supervisor", "before": 20, "after": 18}
    ]
    with translation.override("zh-hans"):
        words = DataWords([again])
        text = words.text(again.after, again)
        (row,) = [c for c in words.changes(again) if c["changed"]]
    assert "直属上级 · 工作效率：20 → 18" in text, text
    assert (row["label"], row["before"], row["after"]) == ("直属上级 · 工作效率", "20", "18")
    with translation.override("en"):
        assert "Supervisor · " in DataWords([again]).text(again.after, again)


def test_an_upheld_appeal_records_the_corrected_entry_and_whose_it_was(result):  # noqa: F811
    """An upheld appeal's decision records each corrected entry with the rater whose
    value it replaced (the supervisor's attitude 22 → 25) and the reason; the
    appraisal's entries change through the one writer and the trail says so in words."""
    w, a = result
    appeal = file_it(w, a)
    to_decision(w, appeal)
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="表扬信属实",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "客户表扬"}],
    )
    a.refresh_from_db()
    assert a.values["supervisor"]["attitude"] == 25
    event = AuditEvent.objects.get(action="appeal_decision", object_id=str(appeal.pk))
    assert event.actor_id == w.u["hr"].pk
    assert event.after["corrections"] == [
        {
            "field": "values.attitude",
            "before": 22,
            "after": 25,
            "rater": "supervisor",
            "reason": "客户表扬",
        }
    ]
    with translation.override("zh-hans"):
        text = DataWords([event]).text(event.after, event)
    assert "直属上级 · 工作态度：22 → 25（客户表扬）" in text, text
