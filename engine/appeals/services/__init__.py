"""Writes of appeals: filing, the pack's steps, and the decision. Other apps and the
pages call what is exported here."""

from engine.appraisals.attachments import MAX_ATTACHMENT, MAX_ATTACHMENTS, SIGNATURES

from .decision import appeal_decide, appeal_decision_preview, appeal_decision_problems
from .filing import appeal_file, window_closes
from .steps import appeal_intake, appeal_investigate, appeal_mediate, appeal_step_check

__all__ = [
    "MAX_ATTACHMENT",
    "MAX_ATTACHMENTS",
    "SIGNATURES",
    "appeal_decide",
    "appeal_decision_preview",
    "appeal_decision_problems",
    "appeal_file",
    "appeal_intake",
    "appeal_investigate",
    "appeal_mediate",
    "appeal_step_check",
    "window_closes",
]
