import pytest

from tests.month import at, open_department

PEERS = ("support07", "support08", "support09", "ecom02", "ecom03")


@pytest.fixture
def cs(litong, set_clock):
    """Litong's customer service with October opened on Sat 31 Oct 2026 (support06 is
    a support agent, whose collaboration the pack asks 360° feedback for)."""
    set_clock(at(2026, 10, 31, 9))
    return open_department(litong, "cs")


def nominate_peers(cs, *, actor="hr", peers=PEERS):
    from engine.feedback.services import feedback_nominate

    return feedback_nominate(
        actor=cs.u[actor],
        appraisal_id=cs.a["support06"].pk,
        indicator="collaboration",
        nominees=[(cs.u[p].pk, "peer") for p in peers],
    )
