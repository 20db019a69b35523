"""The self-report (述职报告): the appraised employee writes it, saves it as a draft as
often as they like, and submits it once; the committee's members read it on their
scoring page. Audited: a draft by its length, the submission with its text."""

from __future__ import annotations

from django.db import transaction

from engine import clock
from engine.appraisals.models import Appraisal
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.busy import retrying
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.notifications.services import Message, notify_many
from engine.plugins import registry
from engine.scoring.committee import reviews_for

from .models import SelfReport

REPORT_LIMIT = 20000


@audits_denials
@retrying
def report_save(*, actor, appraisal_id: int, text: str, submit: bool = False) -> SelfReport:
    """Save the employee's self-report as a draft, or submit it (then it is final and
    the members may score). Only the appraised employee writes it, only while the
    appraisal is in progress and its role is reviewed by a committee."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise InvalidInput("must be text", field="text", rule="text")
    text = text.strip()
    if len(text) > REPORT_LIMIT:
        raise InvalidInput(f"at most {REPORT_LIMIT} characters", field="text", rule="max_length")
    if submit and not text:
        raise InvalidInput("write the report before submitting it", field="text", rule="required")
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        if actor is None or actor.pk != a.employee.user_id:
            exc = Forbidden(
                "only the appraised person writes the report", field="actor", rule="own"
            )
            exc.denied = (a.company_id, a.pk, "self_report")
            raise exc
        if reviews_for(registry.committee_reviews(a.pack), a.role, a.cycle.kind) is None:
            raise InvalidInput(
                "this appraisal asks for no self-report", field="appraisal", rule="committee_review"
            )
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(
                "the appraisal is no longer in progress", field="appraisal", rule="in_progress"
            )
        now = clock.now()
        report, _created = SelfReport.objects.select_for_update().get_or_create(
            appraisal=a, defaults={"company_id": a.company_id, "saved_at": now}
        )
        if report.state == SelfReport.State.SUBMITTED:
            raise Conflict("the report is submitted already", field="text", rule="submitted")
        report.text, report.saved_at = text, now
        fields = ["text", "saved_at"]
        if submit:
            report.state, report.submitted_at = SelfReport.State.SUBMITTED, now
            fields += ["state", "submitted_at"]
        report.save(update_fields=fields)
        record_for(
            a,
            actor=actor,
            role="self",
            action="report_submit" if submit else "report_draft",
            after={"text": text} if submit else {"chars": len(text)},
        )
    return report


def tell_appraisee(a: Appraisal, committee, due) -> None:
    """The appraised person is told, when the committee is formed, to write and submit
    the self-report before the members score (their inbox lists it until submitted)."""
    if not a.employee.user_id:
        return
    notify_many(
        [
            Message(
                a.employee.user_id,
                a.company_id,
                "committee_report",
                f"考核领导小组/Committee review: {a.employee.name} {a.cycle.period}: "
                f"write the self-report before {due.isoformat()}",
                f"committee_report:{committee.pk}",
                a.pk,
                {"employee": a.employee.name, "period": a.cycle.period, "due": due.isoformat()},
            )
        ]
    )
