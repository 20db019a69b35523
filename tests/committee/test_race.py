"""Two closes of one committee review at the same moment (a double click, two tabs):
the appraisal's row is locked first, so exactly one wins and the other is refused as
closed; the combined score is written and audited once."""

import threading

import pytest
from django.db import connection

from engine.audit.models import AuditEvent
from engine.committee import services
from engine.committee.models import CommitteeTask
from engine.errors import Conflict
from tests.committee.conftest import CHAIR, MEMBERS, open_half
from tests.month import at, demo_litong


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_close_has_exactly_one_winner(set_clock):
    """Both threads pass the quorum check's inputs; one closes, the other gets 409."""
    set_clock(at(2026, 10, 20))
    h = open_half(demo_litong(), set_clock)
    committee = services.committee_form(
        actor=h.u["hr"],
        appraisal_id=h.a.pk,
        members=[h.u[m].pk for m in MEMBERS],
        chair=h.u[CHAIR].pk,
    )
    services.report_save(actor=h.u["mgr01"], appraisal_id=h.a.pk, text="述职", submit=True)
    for t in CommitteeTask.objects.filter(committee=committee, kind=CommitteeTask.Kind.SCORE):
        services.committee_score(actor=t.assignee, task_id=t.pk, score="88")
    barrier = threading.Barrier(2)
    won, refused, unexpected = [], [], []

    def close():
        try:
            barrier.wait()
            won.append(services.committee_close(actor=h.u[CHAIR], committee_id=committee.pk))
        except Conflict as exc:
            refused.append(exc)
        except Exception as exc:  # pragma: no cover - reported below
            unexpected.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    assert len(won) == 1 and len(refused) == 1 and refused[0].rule == "closed"
    events = AuditEvent.objects.filter(object_id=str(h.a.pk), action="committee_close")
    assert events.count() == 1
