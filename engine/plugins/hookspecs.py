"""The hook specifications a rule pack implements — the whole plugin contract.

A rule pack is a Python distribution that names a module under the entry-point group
``jixiao.rulepacks`` (see docs/rulepacks.md). The module implements the hooks below
with ``@hookimpl``. Every hook here is documented; a test keeps it that way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from engine.scoring.annual import AnnualRule
    from engine.scoring.committee import CommitteeReview
    from engine.scoring.feedback import FeedbackRule
    from engine.scoring.followup import FollowUpStep
    from engine.scoring.pack import RulePack
    from engine.scoring.population import PopulationRule

PROJECT = "jixiao"
ENTRY_POINT_GROUP = "jixiao.rulepacks"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def jixiao_rulepack() -> RulePack:
    """Return the pack this plugin provides: its name, semantic version, titles and
    role templates (indicators, sections, grades, events, chain with deadlines, late
    penalties, appeal policy, outcome function).

    Called once at discovery. It must not touch the database or the network; raising
    here marks only this pack as broken, never the others.
    """


@hookspec
def jixiao_check_pack(pack: RulePack) -> list[str]:
    """Return extra problems the pack finds with itself (for example, rules that span
    roles), as sentences naming the role and the item. An empty list means none.

    Optional: the engine's own checks (weights, grade bands, codes, rule parameters,
    chain steps, custom callables) run whether or not a pack implements this.
    """


@hookspec
def jixiao_population_rules() -> list[PopulationRule]:
    """Return the rules this plugin's pack evaluates over a population and over time
    (rankings, runs of months, pay tables, awards), as `PopulationRule`s.

    Optional. The engine runs them when a cycle of one of the rule's kinds is final,
    over the pack's people in that cycle and their earlier cycles; each `OutcomeLine`
    a rule returns is stored on the person's result, audited and exported with payroll.
    Like `jixiao_rulepack`, it must not touch the database or the network.
    """


@hookspec
def jixiao_followup_steps() -> list[FollowUpStep]:
    """Return the steps that follow a published result in this plugin's pack, per role,
    as `engine.scoring.followup.FollowUpStep`s: the employee's acknowledgement
    (`acknowledge`: confirm having read the published version, or decline with a
    reason, and sign with the password) and the supervisor's feedback interview
    (`interview`), each due `working_days` working days after publication, for the
    `roles` named (none: every role), and for an interview the `missed_event` recorded
    once on the supervisor's own appraisal of the cycle when it is not held in time.

    Optional: a pack that declares none has no steps after the result. Like
    `jixiao_rulepack`, it must not touch the database or the network; a step naming a
    role the pack lacks, or an event no role of the pack declares, makes the pack invalid.
    """


@hookspec
def jixiao_feedback_rules() -> list[FeedbackRule]:
    """Return the 360° feedback this plugin's pack asks for, as
    `engine.scoring.feedback.FeedbackRule`s: for one indicator of one role, the groups
    of raters (`supervisor`, `peer`, `partner` department, `report`) each with its
    weight (the weights add up to 1), the fewest answers that count (`min_count`) and
    whether its raters are anonymous; the aggregation (`mean`, or `trimmed_mean`
    dropping `trim` answers at each end); the raters' `working_days` from their
    nomination; whether a supervisor's nomination waits for HR's approval.

    Optional: a pack that declares none asks for no feedback. The aggregate becomes
    the indicator's value (the indicator's own range bounds every answer), so the
    indicator should be one no step types (a `system` source). Like `jixiao_rulepack`,
    it must not touch the database or the network; a rule naming a role or an
    indicator the pack lacks makes the pack invalid.
    """


@hookspec
def jixiao_annual_rules() -> list[AnnualRule]:
    """Return how this plugin's pack composes an annual result from the person's
    periodic results of the year (以次为基础给出年度综合评判), as
    `engine.scoring.annual.AnnualRule`s, per role: the periodic kind the year rests on
    (`of`: months, else quarters), each period's weight (equal unless named), how
    missing periods are handled (`mean_present` with `min_months`, or `value` counting
    a missing period as `missing_value`: never a silent zero), and `sections` when only
    some sections come from the periods (the others are scored on the annual appraisal).

    Optional: a role without a rule is appraised on its own sheet in an annual cycle,
    like any other. The engine applies the rule when a year's cycle opens and when HR
    asks (docs/policies.md, "The annual composite"), and again whenever a periodic
    result of that year is corrected before the annual one is published. Like
    `jixiao_rulepack`, it must not touch the database or the network; a rule naming a
    role or section the pack lacks, or two rules for one role, make the pack invalid.
    """


@hookspec
def jixiao_committee_reviews() -> list[CommitteeReview]:
    """Return where this plugin's pack appraises by committee review (述职报告评议法,
    seed 004 篇6), as `engine.scoring.committee.CommitteeReview`s: the `roles` and the
    cycle `kinds` (e.g. `half`) it applies to; the role's `indicator` the combined score
    is written to (source `committee`, weight 100); the combination `rule` (`mean`, or
    `trimmed_mean` dropping the highest and the lowest score); the `quorum` of members
    who must have scored before the chair may close; the `weight` of the committee
    against the superior's assessment (the indicator's section weight); and the
    members' `working_days` to score after HR forms the committee.

    Optional: a pack that declares none has no committee reviews. Like
    `jixiao_rulepack`, it must not touch the database or the network; a declaration
    naming a role the pack lacks, an indicator the role lacks or one whose source is not
    `committee`, or a weight other than its section's, makes the pack invalid.
    """


@hookspec
def jixiao_notification_channel(notification) -> bool:
    """Deliver one notification through this plugin's channel (WeCom, DingTalk, Feishu,
    SMS …); return True when it was taken, False when this channel does not serve its
    company or person.

    Registered under the entry-point group ``jixiao.channels`` (not ``jixiao.rulepacks``).
    Each person may turn the channel off (module attributes ``label_zh``/``label_en``
    name it on their page). Called by a background worker from the notification outbox,
    once per notification; the sentence is
    ``engine.notifications.wording.sentence(kind, params)``. Raising records the error on
    the outbox row, which is tried again after 1, 2, 4 … minutes; it never stops the
    other channels.
    """


@hookspec
def jixiao_signin_url(state: str, redirect_uri: str) -> str:
    """Return the address of the provider's sign-in page (WeCom, DingTalk …) that sends
    the person back to `redirect_uri` with `state` among the query parameters.

    Registered under the entry-point group ``jixiao.signin``. The sign-in page shows one
    button per installed sign-in plugin (module attributes ``label_zh``/``label_en``;
    an optional module function ``enabled()`` returning False hides it, for example
    when it is not configured). The engine makes the state, keeps it in the session
    and accepts it once.
    """


@hookspec
def jixiao_signin_identity(params: dict, redirect_uri: str):
    """Given the query parameters the provider sent the person back with (a `code` …),
    return who the person is: a username or an e-mail address, or a mapping with
    ``email`` and/or ``username``; None when the provider did not say.

    Registered under ``jixiao.signin``. Called only after the engine checked the state.
    The engine signs in the active account with the same e-mail address, else the same
    username (the rule of single sign-on, engine/org/sso.py), never creates one, and
    shows its own refusal page otherwise; raising is a refusal too.
    """


@hookspec
def jixiao_directory_people(company_code: str) -> list:
    """Return the company's people from the plugin's directory as rows of the people
    import (dicts keyed like its columns: `department_code`, `department_name`,
    `parent_department_code`, `position_code`, `position_name`, `number`, `name`,
    `hire_date`, `supervisor_number`, `heads_department`, `trial_end_date`, `email`,
    `username`).

    Registered under ``jixiao.signin``. `manage.py directory sync PLUGIN --company CODE`
    applies them through the people import: new people hired, changed ones updated,
    bad rows reported and nothing changed; `--dry-run` writes nothing.
    """
