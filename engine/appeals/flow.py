"""The appeal's life and its steps' lives as viewflow FSMs: an appeal moves through the pack's
steps in order and closes from any open step; nothing moves a closed appeal."""

from __future__ import annotations

from enum import Enum

from viewflow import fsm

from engine.deadlines.holding import holds
from engine.errors import Forbidden

from .models import Appeal, AppealStep


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

    @state.transition(source=Stage.MEDIATION, target=Stage.HR_INTAKE, permission=None)
    def to_hr_intake(self):
        """Mediation did not settle it: HR takes the written appeal."""

    @state.transition(
        source=[Stage.MEDIATION, Stage.HR_INTAKE], target=Stage.INVESTIGATION, permission=None
    )
    def to_investigation(self):
        """Accepted: the facts are investigated."""

    @state.transition(
        source=[Stage.HR_INTAKE, Stage.INVESTIGATION], target=Stage.DECISION, permission=None
    )
    def to_decision(self):
        """The findings go to the decision."""

    @state.transition(source=OPEN, target=Stage.CLOSED, permission=None)
    def close(self):
        """Resolved in mediation, not accepted, or decided: the decision is final."""

    def advance_to(self, code: str) -> None:
        getattr(self, f"to_{code}")()


def _holds(flow, user) -> bool:
    """The step's holder, never the person who filed the appeal."""
    return user is not None and user.pk != flow.appeal.filed_by_id and holds(user, flow.step)


T = AppealStep.State


class AppealStepFlow:
    """One appeal step: pending → open → done, or cancelled when the appeal closes
    before reaching it."""

    state = fsm.State(T, default=T.PENDING)

    def __init__(self, step: AppealStep, appeal: Appeal):
        self.step = step
        self.appeal = appeal

    @state.setter()
    def _set_state(self, value):
        self.step.state = value

    @state.getter()
    def _get_state(self):
        return T(self.step.state)

    def refusal(self, name: str, user) -> Forbidden:
        if getattr(user, "pk", None) == self.appeal.filed_by_id:
            return Forbidden("nobody decides their own appeal", field="actor", rule="own")
        return Forbidden(
            f"you do not hold the {self.step.code} step of this appeal",
            field="actor",
            rule="holder",
        )

    @state.transition(source=T.PENDING, target=T.OPEN, permission=None)
    def open(self):
        """The previous step let the appeal go on."""

    @state.transition(source=T.OPEN, target=T.DONE, permission=_holds, label="decide")
    def complete(self):
        """The holder wrote down their decision or findings."""

    @state.transition(source=[T.PENDING, T.OPEN], target=T.CANCELLED, permission=None)
    def cancel(self):
        """The appeal closed before this step."""
