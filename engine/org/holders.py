"""Separation of duties for everyone who is given a step to hold (docs/architecture.md,
"Permissions"), in one place: a delegation, HR's hand-over on the cycle board, the API's
reassignment and a leaver's successor all ask here, so no path can put a step of an
appraisal in the hands of someone who must not hold it.

The rules, for a step of the appraisal of `subject` given to `holder`:
- nobody holds a step of their own appraisal (`own_appraisal`);
- nobody reviews their own manager: a person below the subject in the line
  (`reviews_manager`);
- nobody scores a peer: two people with the same supervisor (`peer`).
And for a deputy, who holds every step of the delegator for a period: the deputy is
neither the delegator (`self_deputy`) nor below them in the line (`deputy_reports`:
they would hold their peers' reviews and their own).
"""

from __future__ import annotations

from engine.errors import InvalidInput

from .models import Employee
from .selectors import line_managers


def holder_refusal(*, holder_id: int, subject_id: int, field: str = "user") -> InvalidInput | None:
    """Why the user `holder_id` may not hold a review step of the appraisal of the user
    `subject_id` (None when they may). The error names the field the holder came from."""
    if holder_id == subject_id:
        return InvalidInput(
            "nobody holds a step of their own appraisal", field=field, rule="own_appraisal"
        )
    if subject_id in line_managers(holder_id):
        return InvalidInput(
            "they report to the appraised person: nobody reviews their own manager",
            field=field,
            rule="reviews_manager",
        )
    sups = dict(
        Employee.objects.filter(user_id__in=[holder_id, subject_id]).values_list(
            "user_id", "supervisor_id"
        )
    )
    mine, theirs = sups.get(holder_id), sups.get(subject_id)
    if mine is not None and mine == theirs:
        return InvalidInput(
            "they are the appraised person's peer: nobody scores a peer",
            field=field,
            rule="peer",
        )
    return None


def deputy_refusal(
    *, delegator_id: int, deputy_id: int, field: str = "to_user"
) -> InvalidInput | None:
    """Why `deputy_id` may not hold the steps of `delegator_id` for a while (None when
    they may). The delegated steps concern the delegator's reports: a deputy among them
    would score their peers and hold a review of their own appraisal."""
    if deputy_id == delegator_id:
        return InvalidInput("nobody is their own deputy", field=field, rule="self_deputy")
    if delegator_id in line_managers(deputy_id):
        return InvalidInput(
            "the deputy reports to you: they would review their peers and themselves",
            field=field,
            rule="deputy_reports",
        )
    return None
