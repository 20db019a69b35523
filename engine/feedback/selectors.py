"""Reads of 360° feedback: a rater's open tasks, an appraisal's rounds, and what each
reader may see of a round (`round_view`). The appraised employee sees aggregates
only — a group's mean once at least `SHOW_AT` of its raters answered, never a score of
one rater; the supervisor and HR see the aggregates and how many answered; nobody but
the trail's readers (auditors, HR, the GM) sees who rated, on the trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from engine.scoring.feedback import SHOW_AT, aggregate

from .models import FeedbackRound, RaterTask
from .services import answers_of, rule_for


def rater_inbox(user) -> QuerySet[RaterTask]:
    """The open tasks `user` is nominated for, soonest due first."""
    return (
        RaterTask.objects.filter(assignee_id=user.pk, state=RaterTask.State.OPEN)
        .select_related("round", "appraisal__employee", "appraisal__cycle")
        .order_by("due_at", "pk")
    )


def task_of(user, task_id: int) -> RaterTask | None:
    """One task of `user` (any state), None when it is not theirs."""
    return (
        RaterTask.objects.filter(pk=task_id, assignee_id=user.pk)
        .select_related("round", "appraisal__employee", "appraisal__cycle", "appraisal__company")
        .first()
    )


def rounds_of(appraisal_id: int) -> list[FeedbackRound]:
    return list(
        FeedbackRound.objects.filter(appraisal_id=appraisal_id)
        .exclude(state=FeedbackRound.State.CANCELLED)
        .select_related("nominated_by__employee")
        .order_by("pk")
    )


@dataclass
class GroupView:
    group: str
    nominated: int
    answered: int
    shown: bool  # False: "not enough answers to show"
    value: object = None  # the group's (trimmed) mean, when shown
    rule: str = ""
    share: object = None
    counts: bool = False
    weight: object = None  # the declared weight (the employee sees only this)


@dataclass
class RoundView:
    round: FeedbackRound
    groups: list[GroupView]
    value: object  # the aggregate, None when not shown or not computable yet
    shown: bool
    answered: int
    nominated: int
    withheld: bool = False  # some group with answers is not shown to this reader


def round_view(r: FeedbackRound, *, employee: bool) -> RoundView:
    """What a reader sees of a round, computed from the answers so far. An anonymous
    group's aggregate is shown to nobody before `SHOW_AT` of its raters answered (the
    raters are told so: the supervisor who nominated them would otherwise read one
    person's score); a named group's (the supervisor's own) is shown to the supervisor
    and HR at once, to the employee from `SHOW_AT` answers as well. The overall
    aggregate is shown to the supervisor and HR while no anonymous group with answers is
    below `SHOW_AT`, and once the round closed (it is then the indicator's value). The
    employee sees the declared weights only (never the effective shares, which would
    tell which groups answered), no group's numbers while any group with answers is
    hidden from them, and the overall value only once the round closed."""
    rule = rule_for(r.appraisal, r.indicator)
    agg = aggregate(rule, answers_of(r)) if rule else None
    nominated: dict[str, int] = {}
    for n in r.nominees:
        nominated[n["group"]] = nominated.get(n["group"], 0) + 1
    groups, hidden_anonymous = [], False
    for line in agg.lines if agg else ():
        anonymous = rule.group(line.group).anonymous
        shown = line.n > 0 and (line.n >= SHOW_AT or (not employee and not anonymous))
        if anonymous and 0 < line.n < SHOW_AT:
            hidden_anonymous = True
        groups.append(
            GroupView(
                line.group,
                nominated.get(line.group, 0),
                line.n,
                shown,
                line.value if shown else None,
                line.rule if shown else "",
                line.share if shown and not employee else None,
                line.counts,
                rule.group(line.group).weight,
            )
        )
    closed = r.state == FeedbackRound.State.DONE
    withheld = any(g.answered and not g.shown for g in groups)
    if employee and withheld:
        # one group's numbers beside the others' would let the employee solve for
        # the hidden one: while any group with answers is hidden, none is shown
        for g in groups:
            g.shown, g.value, g.rule = False, None, ""
    if employee:
        shown = agg is not None and agg.value is not None and closed and not withheld
    else:
        shown = (
            agg is not None
            and agg.value is not None
            and any(g.shown for g in groups)
            and (not hidden_anonymous or closed)
        )
    return RoundView(
        r,
        groups,
        agg.value if shown else None,
        shown,
        sum(g.answered for g in groups),
        len(r.nominees),
        withheld,
    )
