"""The rows an opening writes set-based (engine/appraisals/services/opening_rows.py)
are the ones the Python definitions give: its notices are worded as `step_messages`
words them, deputies included, and its events are chained and say what was opened."""

import datetime as dt
import json

from engine import clock
from engine.appraisals.models import Appraisal, AppraisalStep, PackActivation
from engine.appraisals.services.notices import step_messages
from engine.appraisals.services.opening_rows import OPEN_TEXT
from engine.audit.models import AuditEvent
from engine.audit.verify import verify
from engine.notifications.models import Notification
from engine.org import services as org
from tests.month import at, open_workshop


def _said(user_id, kind, message, key, appraisal_id, params) -> tuple:
    return (user_id, kind, message, key, appraisal_id, json.dumps(params, sort_keys=True))


def test_the_notices_of_an_opening_are_those_step_messages_words(litong, set_clock):
    """A chain may start at the supervisor's step (here the general staff's, its
    self-review taken out): the opening tells each first step's holder and the deputy
    standing in for the workshop head today — exactly the notices, key for key, that
    `step_messages` words for those steps in Python."""
    set_clock(at(2026, 10, 31, 9))
    u = litong.u
    org.delegation_create(
        actor=u["workshop_head"],
        company=litong.company,
        from_user=u["workshop_head"],
        to_user=u["cs_head"],
        starts_on=dt.date(2026, 10, 31),
        ends_on=dt.date(2026, 11, 10),
        reason="出差",
    )
    act = PackActivation.objects.get(company=litong.company, pack="general", active=True)
    act.templates["staff"]["chain"] = act.templates["staff"]["chain"][1:]
    act.save(update_fields=["templates"])
    w = open_workshop(litong)
    first = list(AppraisalStep.objects.filter(appraisal__cycle=w.cycle, seq=0))
    for s in first:  # as the opening holds them: opened now, on its clock
        s.opened_at = clock.now()
    expected = {
        _said(m.user_id, m.kind, m.text, m.key, m.appraisal_id, m.params)
        for m in step_messages(first, "step_open", OPEN_TEXT, litong.company.pk)
    }
    stored = {
        _said(n.user_id, n.kind, n.message, n.key, n.appraisal_id, n.params)
        for n in Notification.objects.filter(kind="step_open")
    }
    assert stored == expected
    assert {s.code for s in first} >= {"supervisor"}
    assert any(said[0] == u["cs_head"].pk for said in stored)  # the deputy is told


def test_the_events_of_an_opening_are_chained_and_say_what_was_opened(workshop):
    """One `open` event per appraisal, by HR, in the order of the appraisals, with the
    employee, pack, version, role, template and targets; the chain verifies."""
    events = list(
        AuditEvent.objects.filter(object_type="appraisals.appraisal", action="open").order_by("seq")
    )
    apps = list(Appraisal.objects.filter(cycle=workshop.cycle).order_by("pk"))
    assert [e.object_id for e in events] == [str(a.pk) for a in apps]
    for e, a in zip(events, apps, strict=True):
        assert (e.actor_id, e.role) == (workshop.u["hr"].pk, "hr")
        assert e.after == {
            "employee": a.employee_id,
            "pack": a.pack,
            "version": a.version,
            "role": a.role,
            "template_hash": a.template_hash,
            "targets": a.targets,
        }
    assert verify()["ok"]
