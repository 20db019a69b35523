"""The appeal's life and its steps' lives as viewflow FSMs: an appeal moves through the pack's
steps in order and closes from any open step; nothing moves a closed appeal."""

from __future__ import annotations

from enum import Enum

from viewflow import fsm

from engine.appraisals.models import AppraisalStep
from engine.deadlines.holding import holds
from engine.errors import Forbidden

from .models import Appeal, AppealStep


class Stage(Enum):
    MEDIATION = "mediation"
    HR_INTAKE = "hr_intake"
    INVESTIGATION = "investigation"
    DECISION = "decision"
    CLOSED = "closed"


# the reviews whose scores an appeal contests
SCORING_STEPS = ("supervisor", "dept_head")
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


def scorers_of(appraisal_id: int) -> set[int]:
    """Who scored the appraisal under appeal: the holders of its supervisor's and
    department head's reviews and whoever handed them in (a deputy)."""
    rows = AppraisalStep.objects.filter(
        appraisal_id=appraisal_id, code__in=SCORING_STEPS
    ).values_list("assignee_id", "completed_by_id")
    return {u for pair in rows for u in pair if u is not None}


def _holds(flow, user) -> bool:
    """The step's holder, never the person who filed the appeal, and for HR's steps
    never the reviewer whose scores are contested (mediation is the department head's
    by design, workflow.md §6): nobody judges an appeal against their own scores."""
    if user is None or user.pk == flow.appeal.filed_by_id or not holds(user, flow.step):
        return False
    return flow.step.code == "mediation" or user.pk not in scorers_of(flow.appeal.appraisal_id)


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
        if self.step.code != "mediation" and getattr(user, "pk", None) in scorers_of(
            self.appeal.appraisal_id
        ):
            return Forbidden(
                "the appeal contests your own scores: another HR colleague handles it",
                field="actor",
                rule="own_scores",
            )
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
