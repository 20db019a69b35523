"""The appraisal's life and each step's life as viewflow FSMs.

The transitions carry their own rules: a transition not in the diagram raises
`NoTransition`, an unmet condition raises `TransitionConditionsUnmet` with the reason,
and `permission=` says who may fire it. Pages and the API ask `available(flow, user)`
which actions to offer, so a page never shows a button the service would refuse; the
services call `fire`, which checks the same rules in the same order.
"""

from __future__ import annotations

from viewflow import fsm

from engine import clock
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.org.selectors import company_roles

from .four_eyes import deputy_step_refusal
from .models import Appraisal, AppraisalStep
from .visibility import can_act

S = Appraisal.State
T = AppraisalStep.State
CONDITION = fsm.State.CONDITION


def _system_or_hr(flow, user) -> bool:
    """Background work (no user) or HR of the appraisal's company."""
    return user is None or "hr" in company_roles(user).get(flow.appraisal.company_id, set())


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

    def refusal(self, name: str, user) -> Forbidden:
        return Forbidden("only HR of this company may do this", field="actor", rule="role:hr")

    @state.transition(source=S.IN_PROGRESS, target=S.PUBLISHED, permission=None)
    def publish(self):
        """The last approval publishes the result and opens the appeal window."""

    @state.transition(source=S.PUBLISHED, target=S.PUBLISHED, permission=None)
    def republish(self):
        """A correction (late penalty found later, upheld appeal) publishes a new version."""

    @state.transition(source=S.PUBLISHED, target=S.FINAL, permission=_system_or_hr)
    def finalise(self):
        """The appeal window closed without appeal, or the appeal closed."""

    @state.transition(source=S.FINAL, target=S.PUBLISHED, permission=None)
    def reopen_for_correction(self):
        """A finding after finalisation (obstruction in an appeal) corrects a final
        result; it is published again as a new version and becomes final again."""

    @state.transition(source=S.IN_PROGRESS, target=S.EXEMPT, permission=_system_or_hr)
    def exempt(self):
        """Not appraised this period (long absence): no score, no pay."""

    @state.transition(source=S.IN_PROGRESS, target=S.WITHDRAWN, permission=_system_or_hr)
    def withdraw(self):
        """The employee left: withdrawn, never deleted."""


def _in_progress(flow) -> CONDITION:
    return CONDITION(flow.appraisal.state == S.IN_PROGRESS, "the appraisal is not in progress")


def _has_previous(flow) -> CONDITION:
    return CONDITION(flow.step.seq > 0, "the first step has nothing to return to")


def _overdue(flow) -> CONDITION:
    step = flow.step
    return CONDITION(
        clock.now() > step.due_at,
        f"the {step.code} step is not overdue until {step.due_at:%Y-%m-%d %H:%M}",
    )


_in_progress.error = (Conflict, "open")
_has_previous.error = (InvalidInput, "first")
_overdue.error = (Conflict, "overdue")


def _holder(flow, user) -> bool:
    return user is not None and can_act(user, flow.step, flow.appraisal)


def _hr_not_own(flow, user) -> bool:
    """HR pushes a step on, never on their own appraisal."""
    if user is None:
        return True
    if getattr(user, "is_superuser", False) and flow.appraisal.employee.user_id != user.pk:
        return True
    return _system_or_hr(flow, user) and flow.appraisal.employee.user_id != user.pk


class StepFlow:
    """One step's life: pending → open → done, or back to pending when the next step
    returns the form, skipped when HR pushes an overdue step on (or a self-review
    whose employee left), cancelled when the appraisal ends early."""

    state = fsm.State(T, default=T.PENDING)

    def __init__(self, step: AppraisalStep, appraisal: Appraisal | None = None):
        self.step = step
        self.appraisal = appraisal if appraisal is not None else step.appraisal

    @state.setter()
    def _set_state(self, value):
        self.step.state = value

    @state.getter()
    def _get_state(self):
        return T(self.step.state)

    def refusal(self, name: str, user) -> Forbidden:
        """Why `user` may not take this step's transition `name`."""
        a, step = self.appraisal, self.step
        if name == "skip":
            if user is not None and a.employee.user_id == user.pk:
                exc = Forbidden("nobody pushes their own appraisal", field="actor", rule="own")
            else:
                exc = Forbidden(
                    "only HR of this company may do this", field="actor", rule="role:hr"
                )
            exc.denied = (a.company_id, a.pk, step.code)  # audited by the service
            return exc
        why = deputy_step_refusal(user, step) if user is not None else None
        if why is not None:  # a deputy refused by a rule: say which
            exc = Forbidden(why.message, field="step", rule=why.rule)
        else:
            exc = Forbidden(
                f"you do not hold the {step.code} step of this appraisal",
                field="step",
                rule="holder",
            )
        exc.denied = (a.company_id, a.pk, step.code)  # audited by the service
        return exc

    @state.transition(source=T.PENDING, target=T.OPEN, permission=None)
    def open(self):
        """The previous step handed on."""

    @state.transition(source=T.DONE, target=T.OPEN, permission=None)
    def reopen(self):
        """The next step returned the form to this one."""

    @state.transition(
        source=T.OPEN, target=T.DONE, permission=_holder, conditions=[_in_progress], label="submit"
    )
    def complete(self):
        """The holder handed the step on."""

    @state.transition(
        source=T.OPEN,
        target=T.PENDING,
        permission=_holder,
        conditions=[_in_progress, _has_previous],
        label="return",
    )
    def send_back(self):
        """This step returned the form to the previous one."""

    @state.transition(
        source=T.OPEN,
        target=T.SKIPPED,
        permission=_hr_not_own,
        conditions=[_in_progress, _overdue],
        label="push",
    )
    def skip(self):
        """HR pushed the overdue step on."""

    @state.transition(
        source=T.OPEN, target=T.SKIPPED, permission=_system_or_hr, conditions=[_in_progress]
    )
    def close_for_leaver(self):
        """The employee left after the period ended, before handing in their
        self-review: closed as not handed in, with no late penalty."""

    @state.transition(source=[T.PENDING, T.OPEN], target=T.CANCELLED, permission=_system_or_hr)
    def cancel(self):
        """The appraisal was withdrawn or exempted."""


ACTIONS = {"complete": "submit", "send_back": "return", "skip": "push"}


def available(flow, user) -> set[str]:
    """The actions `user` may take now (the names the pages and the API use)."""
    transitions = type(flow).state.get_available_transitions(flow, flow.state, user)
    return {ACTIONS.get(t.func.__name__, t.func.__name__) for t in transitions}


def ensure(flow, name: str, actor, *, field: str = "step", rule: str = "open") -> None:
    """Say why `actor` may not fire transition `name` now, in a fixed order: not
    allowed from this state is a conflict (someone else may just have acted); a refused
    permission is the flow's own `refusal`; an unmet condition raises the error the
    condition declares, with its own reason."""
    t = next(
        (
            t
            for t in type(flow).state.get_outgoing_transitions(flow.state)
            if t.func.__name__ == name
        ),
        None,
    )
    if t is None:
        state = flow.state.value
        raise Conflict(f"this cannot be done now: the state is {state}", field=field, rule=rule)
    if not t.has_perm(flow, actor):
        raise flow.refusal(name, actor)
    unmet = t.get_unmet_condition(flow)
    if unmet is not None:
        condition, result = unmet
        cls, cond_rule = getattr(condition, "error", (Conflict, rule))
        raise cls(getattr(result, "message", "") or str(condition), field=field, rule=cond_rule)


def fire(flow, name: str, actor, **why) -> None:
    """`ensure`, then make the transition."""
    ensure(flow, name, actor, **why)
    getattr(flow, name)()
