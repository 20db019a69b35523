import pytest

from tests.month import at, run_chain

PASSWORD = "sign-it-2026"


@pytest.fixture
def published(workshop, set_clock):
    """staff02 (82, b) published on Tue Nov 10, 2026 (general pack: acknowledgement due
    in 3 working days, interview in 5), with a password staff02 signs with."""
    a = run_chain(
        workshop,
        "staff02",
        set_clock,
        self_at=at(2026, 11, 1),
        sup_at=at(2026, 11, 4),
        hr_at=at(2026, 11, 6),
        gm_at=at(2026, 11, 10),
    )
    for name in ("staff02", "workshop_head"):
        workshop.u[name].set_password(PASSWORD)
        workshop.u[name].save()
    return workshop, a
