"""The appraisal's life as a viewflow FSM (workflow.md §3): transitions are only
allowed from the states the diagram allows, whoever calls them."""

from __future__ import annotations

from viewflow import fsm

from .models import Appraisal, AppraisalStep

S = Appraisal.State


class AppraisalFlow:
    state = fsm.State(S, default=S.IN_PROGRESS)

    def __init__(self, appraisal: Appraisal):
        self.appraisal = appraisal

    @state.setter()
    def _set_state(self, value):
        self.appraisal.state = value

    @state.getter()
    def _get_state(self):
        return S(self.appraisal.state)

    @state.transition(source=S.IN_PROGRESS, target=S.PUBLISHED)
    def publish(self):
        """GM (or board) approval publishes the result and opens the appeal window."""

    @state.transition(source=S.PUBLISHED, target=S.PUBLISHED)
    def republish(self):
        """A correction (late penalty found later, upheld appeal) publishes a new version."""

    @state.transition(source=S.PUBLISHED, target=S.FINAL)
    def finalise(self):
        """The appeal window closed without appeal, or the appeal closed."""

    @state.transition(source=S.FINAL, target=S.PUBLISHED)
    def reopen_for_correction(self):
        """A finding after finalisation (obstruction in an appeal) corrects a final
        result; it is published again as a new version and becomes final again."""

    @state.transition(source=S.IN_PROGRESS, target=S.EXEMPT)
    def exempt(self):
        """Not appraised this period (long absence): no score, no pay."""

    @state.transition(source=S.IN_PROGRESS, target=S.WITHDRAWN)
    def withdraw(self):
        """The employee left: withdrawn, never deleted."""


T = AppraisalStep.State


class StepFlow:
    """One step's life: pending → open → done, or back to pending when the next step
    returns the form, or skipped when HR pushes an overdue step on."""

    state = fsm.State(T, default=T.PENDING)

    def __init__(self, step: AppraisalStep):
        self.step = step

    @state.setter()
    def _set_state(self, value):
        self.step.state = value

    @state.getter()
    def _get_state(self):
        return T(self.step.state)

    @state.transition(source=T.PENDING, target=T.OPEN)
    def open(self):
        """The previous step handed on, or the next step returned the form."""

    @state.transition(source=T.DONE, target=T.OPEN)
    def reopen(self):
        """The next step returned the form to this one."""

    @state.transition(source=T.OPEN, target=T.DONE)
    def complete(self):
        """The holder handed the step on."""

    @state.transition(source=T.OPEN, target=T.SKIPPED)
    def skip(self):
        """HR pushed the overdue step on."""

    @state.transition(source=T.OPEN, target=T.PENDING)
    def send_back(self):
        """This step returned the form to the previous one."""

    @state.transition(source=[T.PENDING, T.OPEN], target=T.CANCELLED)
    def cancel(self):
        """The appraisal was withdrawn or exempted."""
