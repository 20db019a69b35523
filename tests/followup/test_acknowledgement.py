"""After the result (docs/policies.md, "After the result"): publication opens the
pack's steps on the working-day calendar; the employee signs the exact published
version with the password, or declines with a reason; the appeal window is untouched;
a correction opens a new acknowledgement; the trail keeps every signature's hash."""

import pytest

from engine.appeals import services as appeals
from engine.appraisals.models import ResultVersion
from engine.audit.models import AuditEvent
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.followup import services
from engine.followup.models import FollowUp
from tests.followup.conftest import PASSWORD
from tests.month import at


def ack_of(a, version=None):
    qs = FollowUp.objects.filter(appraisal=a, kind=FollowUp.Kind.ACKNOWLEDGE)
    return qs.get(version=version) if version else qs.get(state=FollowUp.State.OPEN)


def current_hash(a):
    a.refresh_from_db()
    return services.version_hash(ResultVersion.objects.get(appraisal=a, number=a.result_version))


def test_publication_opens_the_steps_on_the_working_day_calendar(published):
    """Published Tue Nov 10: acknowledgement by the employee due Fri Nov 13 (3 working
    days), interview by the direct supervisor due Tue Nov 17 (5 working days); both
    opened on the trail and told to their holders."""
    w, a = published
    rows = {f.code: f for f in FollowUp.objects.filter(appraisal=a)}
    assert set(rows) == {"acknowledge", "interview"}
    assert rows["acknowledge"].assignee_id == w.u["staff02"].pk
    assert rows["acknowledge"].due_date.isoformat() == "2026-11-13"
    assert rows["interview"].assignee_id == w.u["workshop_head"].pk
    assert rows["interview"].due_date.isoformat() == "2026-11-17"
    assert rows["interview"].missed_event == ""  # the general pack names no penalty
    assert AuditEvent.objects.filter(object_id=str(a.pk), action="followup_open").count() == 1


def test_signing_needs_the_password_the_own_result_and_the_version_read(published, set_clock):
    """A wrong password, another person, a stale version hash: each refused naming its
    field, nothing signed; then the employee signs and the trail records the hash."""
    w, a = published
    f = ack_of(a)
    h = current_hash(a)
    set_clock(at(2026, 11, 11))
    with pytest.raises(InvalidInput) as err:
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=f.pk,
            password="wrong",
            decision="acknowledged",
            version_hash_seen=h,
        )
    assert (err.value.field, err.value.rule) == ("password", "password")
    with pytest.raises(Forbidden):
        services.acknowledgement_sign(
            actor=w.u["workshop_head"],
            followup_id=f.pk,
            password=PASSWORD,
            decision="acknowledged",
            version_hash_seen=h,
        )
    # the refusal survives its rolled-back transaction on the appraisal's trail
    assert AuditEvent.objects.filter(
        object_id=str(a.pk), action="access_denied", actor_id=w.u["workshop_head"].pk
    ).exists()
    with pytest.raises(Conflict) as err:
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=f.pk,
            password=PASSWORD,
            decision="acknowledged",
            version_hash_seen="0" * 64,
        )
    assert err.value.field == "version_hash"
    with pytest.raises(InvalidInput) as err:
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=f.pk,
            password=PASSWORD,
            decision="maybe",
            version_hash_seen=h,
        )
    assert err.value.field == "decision"
    f.refresh_from_db()
    assert f.state == FollowUp.State.OPEN and not f.version_hash
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=f.pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=h,
    )
    f.refresh_from_db()
    assert (f.state, f.decision, f.version_hash, f.late) == ("done", "acknowledged", h, False)
    ev = AuditEvent.objects.get(object_id=str(a.pk), action="acknowledge")
    assert ev.after["hash"] == h and ev.after["version"] == 1
    with pytest.raises(Conflict):
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=f.pk,
            password=PASSWORD,
            decision="acknowledged",
            version_hash_seen=h,
        )


def test_acknowledging_never_shortens_the_appeal_window(published, set_clock):
    """Signed on Wed Nov 11, the window still closes at the end of Fri Nov 13 and an
    appeal filed on Nov 13 is accepted."""
    w, a = published
    a.refresh_from_db()
    window = a.appeal_until
    set_clock(at(2026, 11, 11))
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=current_hash(a),
    )
    a.refresh_from_db()
    assert a.appeal_until == window and a.state == "published"
    set_clock(at(2026, 11, 13, 15))
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="letters"
    )
    assert appeal.pk


def test_decline_then_correction_opens_a_new_acknowledgement(published, set_clock):
    """Declined (a reason is required) on v1; the appeal is upheld and v2 published: a
    new acknowledgement of v2 opens and is signed; both signatures and their different
    hashes stay on the trail, in order."""
    w, a = published
    set_clock(at(2026, 11, 11))
    h1 = current_hash(a)
    with pytest.raises(InvalidInput) as err:
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=ack_of(a).pk,
            password=PASSWORD,
            decision="declined",
            version_hash_seen=h1,
            reason="  ",
        )
    assert err.value.field == "reason"
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack_of(a).pk,
        password=PASSWORD,
        decision="declined",
        version_hash_seen=h1,
        reason="attitude rated without the customer letters",
    )
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="letters"
    )
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="x"
    )
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="facts")
    appeals.appeal_investigate(actor=w.u["hr"], appeal_id=appeal.pk, findings="letters real")
    appeals.appeal_decide(
        actor=w.u["hr"],
        appeal_id=appeal.pk,
        upheld=True,
        reason="letters confirm",
        corrections=[{"field": "values.attitude", "value": 25, "reason": "customer letters"}],
    )
    a.refresh_from_db()
    assert a.result_version == 2
    v2 = ack_of(a)
    assert v2.version == 2 and ack_of(a, 1).decision == "declined"
    h2 = current_hash(a)
    assert h2 != h1
    services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=v2.pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=h2,
    )
    # one interview only: a correction does not open a second
    assert FollowUp.objects.filter(appraisal=a, kind="interview").count() == 1
    trail = list(
        AuditEvent.objects.filter(
            object_id=str(a.pk), action__in=["acknowledge", "acknowledge_decline"]
        ).order_by("seq")
    )
    assert [(e.action, e.after["version"], e.after["hash"]) for e in trail] == [
        ("acknowledge_decline", 1, h1),
        ("acknowledge", 2, h2),
    ]
    assert trail[0].reason == "attitude rated without the customer letters"


def test_an_unsigned_version_is_superseded_by_the_correction(published, set_clock):
    """An acknowledgement still open when v2 is published is superseded: signing it is
    refused in words, and only v2's is open."""
    w, a = published
    old = ack_of(a)
    h1 = current_hash(a)
    set_clock(at(2026, 11, 11))
    from engine.appraisals.services import appraisal_event_record

    appraisal_event_record(
        actor=w.u["hr"], appraisal=a, event="commendation", reason="customer praise"
    )
    old.refresh_from_db()
    assert old.state == FollowUp.State.SUPERSEDED
    with pytest.raises(Conflict) as err:
        services.acknowledgement_sign(
            actor=w.u["staff02"],
            followup_id=old.pk,
            password=PASSWORD,
            decision="acknowledged",
            version_hash_seen=h1,
        )
    assert err.value.rule == "superseded"
    assert ack_of(a).version == 2
