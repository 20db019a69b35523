"""The appeal's life as a viewflow FSM (workflow.md §6): it moves through the pack's
steps in order and closes from any open step; nothing moves a closed appeal."""

from __future__ import annotations

from enum import Enum

from viewflow import fsm

from .models import Appeal


class Stage(Enum):
    MEDIATION = "mediation"
    HR_INTAKE = "hr_intake"
    INVESTIGATION = "investigation"
    DECISION = "decision"
    CLOSED = "closed"


OPEN = [Stage.MEDIATION, Stage.HR_INTAKE, Stage.INVESTIGATION, Stage.DECISION]


class AppealFlow:
    state = fsm.State(Stage)

    def __init__(self, appeal: Appeal):
        self.appeal = appeal

    @state.setter()
    def _set_state(self, value):
        self.appeal.state = value.value

    @state.getter()
    def _get_state(self):
        return Stage(self.appeal.state)

    @state.transition(source=Stage.MEDIATION, target=Stage.HR_INTAKE)
    def to_hr_intake(self):
        """Mediation did not settle it: HR takes the written appeal."""

    @state.transition(source=[Stage.MEDIATION, Stage.HR_INTAKE], target=Stage.INVESTIGATION)
    def to_investigation(self):
        """Accepted: the facts are investigated."""

    @state.transition(source=[Stage.HR_INTAKE, Stage.INVESTIGATION], target=Stage.DECISION)
    def to_decision(self):
        """The findings go to the decision."""

    @state.transition(source=OPEN, target=Stage.CLOSED)
    def close(self):
        """Resolved in mediation, not accepted, or decided: the decision is final."""

    def advance_to(self, code: str) -> None:
        getattr(self, f"to_{code}")()
