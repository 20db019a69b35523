"""The trail in words (workflows/auditor/words.py, engine/trail): people by name and
number, roles, actions, objects and the engine's own reasons in the reader's language;
a person found by name or number; newest or oldest first; verifying the trail leaves
its own event, which the verification state reads back."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from engine.audit.models import AuditEvent
from engine.audit.signing import sign_all
from engine.trail.selectors import people_named, trail, verification_state
from engine.trail.services import trail_verify
from tests.month import at, run_chain
from workflows.auditor.words import lines, role_words
from workflows.common.labels import reason_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(workshop, set_clock):
    """staff02's October appraisal handed in by every step and published on Nov 10."""
    run_chain(
        workshop,
        "staff02",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        hr_at=at(2026, 11, 6),
        gm_at=at(2026, 11, 10),
    )
    return workshop


def test_the_engines_reasons_and_roles_read_as_words():
    """Reasons the engine writes (`approved`, `late supervisor penalty`, `appeal 7
    upheld: …`) and role codes read as words in both languages; a person's own reason
    stays as typed."""
    with translation.override("zh-hans"):
        assert reason_text("approved") == "终审通过"
        assert reason_text("late supervisor penalty").startswith("逾期扣分：")
        assert reason_text("appeal 7 upheld: 记录属实") == "申诉成立：记录属实"
        assert reason_text("我的理由 my own words") == "我的理由 my own words"  # as typed
        assert [role_words(c) for c in ("admin", "employee", "dept_head", "system", "")] == [
            "系统管理员",
            "员工",
            "部门负责人",
            "系统",
            "—",
        ]
    with translation.override("en"):
        assert reason_text("approved") == "final approval given"
        assert role_words("gm") == "General manager"  # sentence case
        assert role_words("api") == "API client"
        assert role_words("self") == "Employee"  # a noun in the Role column


def test_each_event_names_its_person_and_object(published):
    """The GM's approval reads "<GM's name> <number> · General manager's approval ·
    <staff02's name> 2026-10 monthly appraisal", linked to the appraisal's page."""
    w = published
    a = w.a["staff02"]
    gm = w.u["gm"].employee
    events = trail(w.u["auditor"], appraisal=a.pk, newest_first=False)
    with translation.override("zh-hans"):
        described = lines(events, w.u["auditor"])
    by_action = {line.event.action: line for line in described}
    approval = by_action["submit:gm"]
    assert (approval.who, approval.number) == (gm.name, gm.number)
    assert approval.role == "总经理" and "总经理" in approval.action
    assert approval.object == f"{a.employee.name} 2026-10 月度考核"
    assert approval.link == f"/appraisals/{a.pk}/"
    assert by_action["publish"].reason == "终审通过"  # stored as "approved"
    opened = by_action["open"]
    assert opened.kind == "考核" and opened.object == approval.object
    # the sweep or a publication without a person reads "system", never a blank
    system = [line for line in described if not line.event.actor_id]
    assert all(line.who == "系统" and line.number == "" for line in system)
    # an employee as the object: name with number, linked to the person's trail
    person = trail(w.u["auditor"], object_type="org.employee").first()
    (line,) = lines([person], w.u["auditor"])
    emp = w.u["staff02"].employee.__class__.objects.get(pk=person.object_id)
    assert line.object == f"{emp.name} ({emp.number})"
    assert line.link == f"/audit/?person={emp.number}"
    # an object without a page of its own links to its own trail
    dept = trail(w.u["auditor"], object_type="org.department").first()
    (line,) = lines([dept], w.u["auditor"])
    assert line.link == f"/audit/?object_type=org.department&object_id={dept.object_id}"
    assert line.object and not line.object.startswith("no.")  # the department's name


def test_a_person_is_found_by_number_exact_name_or_part_of_it(published):
    """A search finds the person by exact number, then exact name, then part of a name,
    only in the reader's audited companies."""
    w = published
    emp = w.u["staff02"].employee
    auditor = w.u["auditor"]
    assert people_named(auditor, emp.number) == [emp]
    assert people_named(auditor, emp.name) == [emp]
    assert emp in people_named(auditor, emp.name[1:])
    assert people_named(auditor, "no such person") == []
    # the other company's people are not the auditor's to find
    assert not [e for e in people_named(w.u["yj_hr"], emp.name) if e.pk == emp.pk]


def test_newest_or_oldest_first(published):
    """The trail is newest first by default and exactly reversed when oldest first is
    asked."""
    w = published
    newest = list(trail(w.u["auditor"], appraisal=w.a["staff02"].pk))
    oldest = list(trail(w.u["auditor"], appraisal=w.a["staff02"].pk, newest_first=False))
    assert newest == oldest[::-1]
    assert newest[0].at >= newest[-1].at and oldest[0].action == "open"


def test_verifying_is_recorded_and_read_back(published, set_clock, settings, tmp_path):
    """The check leaves a `trail_verify` event on each audited chain with the head it
    saw; the state shows who verified when, and the newest signed checkpoint holds."""
    w = published
    settings.JIXIAO_CHECKPOINT_DIR = str(tmp_path)  # no other test's checkpoints
    auditor = w.u["auditor"]
    before = verification_state(auditor)
    assert before and all(s["verified"] is None for s in before)
    head_seq = before[0]["events"]
    set_clock(at(2026, 11, 20, 15))
    outcomes = trail_verify(actor=auditor)
    company = w.u["staff02"].employee.company_id
    assert outcomes[company]["ok"] and outcomes[company]["events"] == head_seq
    event = AuditEvent.objects.filter(action="trail_verify", company_id=company).get()
    assert event.role == "auditor" and event.after["head_hash"] == before[0]["hash"]
    sign_all(Path(settings.JIXIAO_CHECKPOINT_DIR))
    (state,) = [s for s in verification_state(auditor) if s["company"].pk == company]
    assert state["verified"] == event and state["verified_ok"]
    assert state["events"] == head_seq + 1  # the check itself joined the chain
    assert state["checkpoint"]["seq"] == head_seq + 1 and state["checkpoint_holds"] is True
    stored = json.loads(
        (
            Path(settings.JIXIAO_CHECKPOINT_DIR) / f"chain-{company}-seq-{head_seq + 1}.json"
        ).read_text()
    )
    assert stored["point"]["hash"] == state["hash"]


def test_objects_are_named_in_chunks(published, monkeypatch):
    """Objects of one kind are fetched in chunks (SQLite caps a query's parameters), and
    every object is still named when a batch spans several chunks."""
    from workflows.auditor import words

    w = published
    events = list(trail(w.u["auditor"], object_type="appraisals.appraisal"))
    monkeypatch.setattr(words, "CHUNK", 1)
    with translation.override("zh-hans"):
        described = lines(events, w.u["auditor"])
    kinds = {e.object_id for e in events}
    assert len(kinds) == 3  # the workshop's three appraisals, a chunk each
    assert all(line.object.endswith("2026-10 月度考核") for line in described)
