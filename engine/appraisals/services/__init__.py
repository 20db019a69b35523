"""Writes of the appraisal engine, one module per capability. Every state change goes
through one of these keyword-only functions: lock the row, check the state machine's
rules, validate, write, and record the audit event in the same transaction.

Other apps and the pages call what is exported here; the modules' private helpers
stay inside the package.
"""

from .annual import cycle_compute_year
from .approvals import BulkApproval, steps_approve
from .board import (
    HandOver,
    Reminded,
    hand_over_plan,
    remind_plan,
    steps_hand_to,
    steps_push_overdue,
    steps_remind,
)
from .bonus import special_bonus_decide, special_bonus_propose
from .customise import installed_role, pack_role_customise, role_differences
from .cycle_inputs import cycle_metrics_set, cycle_targets_set
from .departures import employee_depart, steps_reassign
from .drafts import step_draft_save
from .gates import (
    approval_refusal,
    final_approval_waits,
    ready_final_steps,
    refuse_empty_self_review,
)
from .inputs import appraisal_event_record, appraisal_set_inputs
from .lifecycle import (
    appraisal_exempt,
    appraisal_finalise,
    appraisal_withdraw,
    appraisals_finalise_due,
    cycle_cancel,
    finalise,
)
from .locks import lock_appraisal, lock_appraisals, lock_cycle
from .notices import step_messages
from .opening import appraisal_add, cycle_open
from .packs import appraisal_grant_view, pack_activate, position_map
from .publication import (
    appeal_window_closes,
    appraisal_score,
    check_final_approval,
    fitted_grade,
    publish,
    republish,
    scoring_inputs,
)
from .reading import appraisal_for_reader, steps_for_reader
from .routing import (
    step_act,
    step_push,
    step_return,
    step_submit,
)

__all__ = [
    "BulkApproval",
    "HandOver",
    "Reminded",
    "appeal_window_closes",
    "appraisal_add",
    "appraisal_event_record",
    "appraisal_exempt",
    "appraisal_finalise",
    "appraisal_for_reader",
    "appraisal_grant_view",
    "appraisal_score",
    "appraisal_set_inputs",
    "appraisal_withdraw",
    "appraisals_finalise_due",
    "approval_refusal",
    "check_final_approval",
    "cycle_cancel",
    "cycle_compute_year",
    "cycle_metrics_set",
    "cycle_open",
    "cycle_targets_set",
    "employee_depart",
    "final_approval_waits",
    "finalise",
    "fitted_grade",
    "hand_over_plan",
    "installed_role",
    "lock_appraisal",
    "lock_appraisals",
    "lock_cycle",
    "pack_activate",
    "pack_role_customise",
    "position_map",
    "publish",
    "ready_final_steps",
    "refuse_empty_self_review",
    "remind_plan",
    "republish",
    "role_differences",
    "scoring_inputs",
    "special_bonus_decide",
    "special_bonus_propose",
    "step_act",
    "step_draft_save",
    "step_messages",
    "step_push",
    "step_return",
    "step_submit",
    "steps_approve",
    "steps_for_reader",
    "steps_hand_to",
    "steps_push_overdue",
    "steps_reassign",
    "steps_remind",
]
