"""Filing an appeal: only the appraised employee, within the pack's window, in
writing, once, with checked attachments; the pack's steps are laid out with their
due moments, the first holder is told, and the appellant gets a receipt."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.core.files.base import ContentFile
from django.db import transaction

from engine import clock
from engine.appraisals.attachments import MAX_ATTACHMENTS, check_attachment
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.selectors import resolve_holder
from engine.appraisals.services import appeal_window_closes, lock_appraisal
from engine.audit.services import record_for
from engine.deadlines.due import moments
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.org.selectors import calendar_for

from ..items import contestable_items
from ..models import Appeal, AppealAttachment, AppealStep
from .notices import tell_filed, tell_holders


def window_closes(appraisal: Appraisal) -> dt.datetime:
    """End of the appeal window (fixed when the result was first published)."""
    return appraisal.appeal_until or appeal_window_closes(appraisal)


def appeal_file(
    *,
    actor,
    appraisal_id: int,
    items: list[str],
    reason: str,
    attachments: list[tuple[str, bytes]] | None = None,
) -> Appeal:
    """Only the appraised employee, within the window, in writing, once."""
    attachments = attachments or []
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        if a.employee.user_id != getattr(actor, "pk", None):
            raise Forbidden(
                "only the appraised employee may appeal", field="actor", rule="appellant"
            )
        if Appeal.objects.filter(appraisal=a).exists():
            raise Conflict(
                "this appraisal has been appealed already; one appeal per appraisal",
                field="appraisal",
                rule="once",
            )
        if a.state != Appraisal.State.PUBLISHED:
            raise Conflict(
                f"only a published result can be appealed (it is {a.state})",
                field="appraisal",
                rule="published",
            )
        now = clock.now()
        closes = window_closes(a)
        if now > closes:
            raise Conflict(
                f"the appeal window closed at {closes:%Y-%m-%d %H:%M}",
                field="filed_at",
                rule="window",
            )
        t = template_for(a)
        if not isinstance(items, list) or not items:
            raise InvalidInput("name the contested items", field="items", rule="required")
        known = set(contestable_items(t, a.result))
        for i, item in enumerate(items):
            if item not in known:
                raise InvalidInput(
                    f"{item!r} is not an item of this result",
                    field=f"items[{i}]",
                    rule="unknown",
                )
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput(
                "an appeal is made in writing: give the reason", field="reason", rule="required"
            )
        if len(attachments) > MAX_ATTACHMENTS:
            raise InvalidInput(
                f"at most {MAX_ATTACHMENTS} attachments", field="attachments", rule="count"
            )
        checked = [
            (name, content, *check_attachment(i, name, content))
            for i, (name, content) in enumerate(attachments)
        ]
        appeal = Appeal.objects.create(
            appraisal=a,
            company_id=a.company_id,
            filed_by=actor,
            filed_at=now,
            items=items,
            reason=reason.strip(),
            state="",
            version_before=a.result_version,
        )
        cal = calendar_for(a.company)
        filed_day = now.astimezone(zoneinfo.ZoneInfo(a.company.time_zone)).date()
        steps = []
        for seq, s in enumerate(t.appeal.steps):
            m = moments(
                cal.add_working_days(filed_day, s.due_working_days), cal, a.company.time_zone
            )
            h = resolve_holder("dept_head", a.employee_id) if s.code == "mediation" else None
            steps.append(
                AppealStep(
                    appeal=appeal,
                    company_id=a.company_id,
                    seq=seq,
                    code=s.code,
                    assignee_id=h.assignee_id if h else None,
                    holder_role=h.role if h else "hr",
                    state=AppealStep.State.OPEN if seq == 0 else AppealStep.State.PENDING,
                    due_date=m.due_date,
                    due_at=m.due_at,
                    remind_before_at=m.remind_before_at,
                    remind_due_at=m.remind_due_at,
                )
            )
        AppealStep.objects.bulk_create(steps)
        appeal.state = steps[0].code
        appeal.save(update_fields=["state"])
        for name, content, ext, ctype in checked:
            att = AppealAttachment(
                appeal=appeal,
                name=name[:200],
                size=len(content),
                content_type=ctype,
                uploaded_at=now,
            )
            att.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
            att.save()
        record_for(
            appeal,
            actor=actor,
            role="employee",
            action="appeal_file",
            reason=reason.strip(),
            after={
                "appraisal": a.pk,
                "items": items,
                "attachments": [n for n, *_ in checked],
                "version": a.result_version,
            },
        )
        tell_holders(appeal, steps[0])
        tell_filed(appeal, steps[0])
    return appeal
