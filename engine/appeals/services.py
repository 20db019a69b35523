"""Appeals: filing within the window, the pack's steps (mediation, HR intake,
investigation, decision), corrections recomputed by the pinned pack version and
published as a new result version, and finalisation (workflow.md §3, §6)."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from engine import clock
from engine.access import policy
from engine.appraisals import holders
from engine.appraisals.flow import AppraisalFlow
from engine.appraisals.models import Appraisal
from engine.appraisals.services import _lock as lock_appraisal
from engine.appraisals.services import _publish, appeal_window_closes
from engine.appraisals.templates import template_for
from engine.audit.services import record_for
from engine.deadlines.due import moments
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import Message, notify_many
from engine.org.models import CompanyRole, Department, Employee
from engine.org.selectors import calendar_for
from engine.scoring import ScoringInputError
from engine.scoring.rules import parse_deductions, parse_value

from .flow import AppealFlow
from .models import Appeal, AppealAttachment, AppealCorrection, AppealStep

MAX_ATTACHMENT = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
SIGNATURES = {  # extension → (content type, magic bytes or None for UTF-8 text)
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain", None),
}


def window_closes(appraisal: Appraisal) -> dt.datetime:
    """End of the appeal window (fixed when the result was first published)."""
    return appraisal.appeal_until or appeal_window_closes(appraisal)


def _check_attachment(i: int, name: str, content: bytes) -> tuple[str, str]:
    where = f"attachments[{i}]"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SIGNATURES:
        raise InvalidInput(
            f"{name}: only {', '.join(sorted(SIGNATURES))} files", field=where, rule="type"
        )
    if len(content) > MAX_ATTACHMENT:
        raise InvalidInput(f"{name}: larger than 5 MB", field=where, rule="size")
    ctype, magic = SIGNATURES[ext]
    if magic is not None and not content.startswith(magic):
        raise InvalidInput(f"{name}: the content is not a {ext} file", field=where, rule="type")
    if magic is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{name}: not UTF-8 text", field=where, rule="type") from exc
        if "\x00" in text:
            raise InvalidInput(f"{name}: not text", field=where, rule="type")
    return ext, ctype


def _holder(code: str, a: Appraisal) -> holders.Holder:
    if code == "mediation":
        emp = Employee.objects.get(pk=a.employee_id)
        depts = dict(
            Department.objects.filter(company_id=a.company_id).values_list("pk", "parent_id")
        )
        heads = dict(
            Department.objects.filter(company_id=a.company_id).values_list("pk", "head_id")
        )
        people = {
            e.pk: holders.Person(
                e.pk, e.user_id, e.supervisor_id, e.department_id, e.status == "active"
            )
            for e in Employee.objects.filter(pk__in=[emp.pk, *[h for h in heads.values() if h]])
        }
        roles: dict[str, set[int]] = {}
        for role, user_id in CompanyRole.objects.filter(company_id=a.company_id).values_list(
            "role", "user_id"
        ):
            roles.setdefault(role, set()).add(user_id)
        org = holders.OrgMaps(people, depts, heads, roles)
        return holders.resolve("dept_head", people[emp.pk], org)
    return holders.Holder(None, "hr")


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
            raise Forbidden("only the appraised employee may appeal", field="actor", rule="own")
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
        known = (
            {i.code for i in t.indicators}
            | {e.code for e in t.events}
            | {"total", "grade", "late_penalty"}
        )
        for i, item in enumerate(items):
            if item not in known:
                raise InvalidInput(
                    f"{item!r} is not an item of this appraisal",
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
            (name, content, *_check_attachment(i, name, content))
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
            h = _holder(s.code, a)
            steps.append(
                AppealStep(
                    appeal=appeal,
                    company_id=a.company_id,
                    seq=seq,
                    code=s.code,
                    assignee_id=h.assignee_id,
                    holder_role=h.role,
                    state="open" if seq == 0 else "pending",
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
        _tell_holder(appeal, steps[0])
    return appeal


def _tell_holder(appeal: Appeal, step: AppealStep) -> None:
    users = (
        [step.assignee_id]
        if step.assignee_id
        else list(
            CompanyRole.objects.filter(
                company_id=appeal.company_id, role=step.holder_role
            ).values_list("user_id", flat=True)
        )
    )
    notify_many(
        [
            Message(
                u,
                appeal.company_id,
                "appeal_step",
                f"申诉待处理/Appeal to handle: {step.code} "
                f"(#{appeal.appraisal_id}), due {step.due_date}",
                f"appeal:{appeal.pk}:{step.seq}",
                appeal.appraisal_id,
            )
            for u in users
            if u != appeal.filed_by_id
        ]
    )


def _open_step(appeal_id: int, code: str, actor) -> tuple[Appeal, AppealStep]:
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("appraisal__employee")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound("no such appeal", field="appeal", rule="exists")
    step = appeal.steps.filter(state="open").first()
    if step is None or step.code != code:
        now_at = step.code if step else "closed"
        raise Conflict(f"the appeal is at {now_at}, not {code}", field="appeal", rule="state")
    if getattr(actor, "pk", None) == appeal.filed_by_id:
        raise Forbidden("nobody decides their own appeal", field="actor", rule="own")
    holds = (
        (step.assignee_id == getattr(actor, "pk", None))
        if step.assignee_id
        else (step.holder_role in policy.company_roles(actor).get(appeal.company_id, set()))
    )
    if not holds:
        raise Forbidden(
            f"you do not hold the {code} step of this appeal", field="actor", rule="holder"
        )
    return appeal, step


def _advance(appeal: Appeal, step: AppealStep, actor, note: str) -> AppealStep | None:
    now = clock.now()
    step.state, step.completed_at, step.completed_by, step.note = "done", now, actor, note
    step.save(update_fields=["state", "completed_at", "completed_by", "note"])
    nxt = appeal.steps.filter(seq=step.seq + 1).first()
    if nxt is None:
        return None
    nxt.state = "open"
    nxt.save(update_fields=["state"])
    AppealFlow(appeal).advance_to(nxt.code)
    appeal.save(update_fields=["state"])
    _tell_holder(appeal, nxt)
    return nxt


def _close(appeal: Appeal, actor, outcome: str, reason: str) -> None:
    now = clock.now()
    appeal.steps.filter(state__in=["pending", "open"]).update(state="cancelled")
    AppealFlow(appeal).close()
    appeal.outcome, appeal.decision_reason, appeal.closed_at = outcome, reason, now
    appeal.save(update_fields=["state", "outcome", "decision_reason", "closed_at", "version_after"])
    a = lock_appraisal(appeal.appraisal_id)
    AppraisalFlow(a).finalise()
    a.final_at = now
    a.save(update_fields=["state", "final_at"])
    record_for(a, actor=actor, role="system", action="finalise", after={"after_appeal": appeal.pk})
    notify_many(
        [
            Message(
                appeal.filed_by_id,
                appeal.company_id,
                "appeal_closed",
                f"申诉已结案/Your appeal is closed: {outcome}",
                f"appeal_closed:{appeal.pk}",
                appeal.appraisal_id,
            )
        ]
    )


def _need(text: str, field: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("a written reason is required", field=field, rule="required")
    return text.strip()


def _gate(
    *,
    actor,
    appeal_id: int,
    code: str,
    role: str,
    text: str,
    goes_on: bool,
    outcome: str,
    after: dict,
) -> Appeal:
    """A step that either lets the appeal go on or closes it with an outcome."""
    with transaction.atomic():
        appeal, step = _open_step(appeal_id, code, actor)
        _advance(appeal, step, actor, text)
        record_for(
            appeal,
            actor=actor,
            role=role,
            action=f"appeal_{code.removeprefix('hr_')}",
            reason=text,
            after=after,
        )
        if not goes_on:
            _close(appeal, actor, outcome, text)
    return appeal


def appeal_mediate(*, actor, appeal_id: int, resolved: bool, note: str) -> Appeal:
    return _gate(
        actor=actor,
        appeal_id=appeal_id,
        code="mediation",
        role="dept_head",
        text=_need(note, "note"),
        goes_on=not resolved,
        outcome=Appeal.Outcome.RESOLVED,
        after={"resolved": resolved},
    )


def appeal_intake(*, actor, appeal_id: int, accepted: bool, reason: str) -> Appeal:
    return _gate(
        actor=actor,
        appeal_id=appeal_id,
        code="hr_intake",
        role="hr",
        text=_need(reason, "reason"),
        goes_on=accepted,
        outcome=Appeal.Outcome.NOT_ACCEPTED,
        after={"accepted": accepted},
    )


def appeal_investigate(
    *, actor, appeal_id: int, findings: str, obstruction_by_head: bool = False
) -> Appeal:
    """Findings are written down; obstruction or retaliation by the department head is
    recorded as an event on the head's own appraisal of the same cycle."""
    findings = _need(findings, "findings")
    with transaction.atomic():
        appeal, step = _open_step(appeal_id, "investigation", actor)
        appeal.findings = findings
        appeal.save(update_fields=["findings"])
        _advance(appeal, step, actor, findings)
        head_appraisal = None
        if obstruction_by_head:
            head_appraisal = _record_obstruction(appeal, actor, findings)
        record_for(
            appeal,
            actor=actor,
            role="hr",
            action="appeal_investigation",
            reason=findings,
            after={
                "obstruction_by_head": obstruction_by_head,
                "head_appraisal": head_appraisal.pk if head_appraisal else None,
            },
        )
    return appeal


def _record_obstruction(appeal: Appeal, actor, findings: str) -> Appraisal:
    a = appeal.appraisal
    mediation = appeal.steps.filter(code="mediation").first()
    head_user = mediation.assignee_id if mediation and mediation.assignee_id else None
    if head_user is None:
        dept = Department.objects.select_related("head").get(pk=a.department_id)
        head_user = dept.head.user_id if dept.head else None
    target = (
        Appraisal.objects.filter(cycle_id=a.cycle_id, employee__user_id=head_user)
        .exclude(state__in=["withdrawn", "exempt"])
        .first()
        if head_user
        else None
    )
    if target is None:
        raise InvalidInput(
            "the department head has no appraisal in this cycle to record it on",
            field="obstruction_by_head",
            rule="target",
        )
    t = lock_appraisal(target.pk)
    t.events = {
        **t.events,
        "obstruction_or_retaliation": t.events.get("obstruction_or_retaliation", 0) + 1,
    }
    t.save(update_fields=["events"])
    record_for(
        t,
        actor=actor,
        role="hr",
        action="event:obstruction_or_retaliation",
        reason=findings,
        after={"appeal": appeal.pk},
    )
    if t.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
        _republish_any(t, actor, f"obstruction found in appeal {appeal.pk}")
    return t


def _republish_any(a: Appraisal, actor, reason: str) -> None:
    """A correction after publication is a new published version (from final too)."""
    if a.state == Appraisal.State.FINAL:
        AppraisalFlow(a).reopen_for_correction()
        _publish(a, actor, reason=reason, republish=True)
        AppraisalFlow(a).finalise()
        a.save(update_fields=["state"])
    else:
        _publish(a, actor, reason=reason, republish=True)


def _apply(a: Appraisal, correction: dict, i: int) -> tuple[str, Any, Any, str]:
    where = f"corrections[{i}]"
    if not isinstance(correction, dict) or set(correction) != {"field", "value", "reason"}:
        raise InvalidInput("each correction is {field, value, reason}", field=where, rule="type")
    field, value = correction["field"], correction["value"]
    reason = correction["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(
            "every change needs its reason", field=f"{where}.reason", rule="required"
        )
    kind, _, code = str(field).partition(".")
    t = template_for(a)
    try:
        if kind == "values":
            ind = t.indicator(code)
            if ind is None or ind.rule == "deduction":
                raise InvalidInput(f"no indicator {code!r}", field=f"{where}.field", rule="unknown")
            parse_value(ind, value, f"{where}.value")
            present = [r for r in ind.sources if code in a.values.get(r, {}) and r != "self"]
            rater = (
                present[-1]
                if present
                else next((r for r in reversed(ind.sources) if r != "self"), ind.sources[0])
            )
            before = a.values.get(rater, {}).get(code)
            a.values = {**a.values, rater: {**a.values.get(rater, {}), code: value}}
        elif kind == "events":
            if t.event(code) is None:
                raise InvalidInput(f"no event {code!r}", field=f"{where}.field", rule="unknown")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput(
                    "must be a whole number, not negative", field=f"{where}.value", rule="min"
                )
            before = a.events.get(code)
            a.events = {**a.events, code: value}
        elif kind == "deductions":
            ind = t.indicator(code)
            if ind is None or ind.rule != "deduction":
                raise InvalidInput(
                    f"no deduction item {code!r}", field=f"{where}.field", rule="unknown"
                )
            parse_deductions(ind, value, f"{where}.value")
            before = a.deductions.get(code)
            a.deductions = {**a.deductions, code: value}
        else:
            raise InvalidInput(
                "field is values.<code>, events.<code> or deductions.<code>",
                field=f"{where}.field",
                rule="format",
            )
    except ScoringInputError as exc:
        raise InvalidInput(exc.message, field=exc.field, rule=exc.rule) from exc
    return field, before, value, reason.strip()


def appeal_decide(
    *, actor, appeal_id: int, upheld: bool, reason: str, corrections: list[dict] | None = None
) -> Appeal:
    """The last step's decision is final. Upheld: the corrections are applied, the
    result is recomputed by the pinned pack version and published as a new version."""
    reason = _need(reason, "reason")
    corrections = corrections or []
    if upheld and not corrections:
        raise InvalidInput(
            "an upheld appeal corrects at least one item", field="corrections", rule="required"
        )
    if not upheld and corrections:
        raise InvalidInput("a rejected appeal changes nothing", field="corrections", rule="empty")
    with transaction.atomic():
        appeal, step = _open_step(appeal_id, "decision", actor)
        _advance(appeal, step, actor, reason)
        if upheld:
            a = lock_appraisal(appeal.appraisal_id)
            applied = [_apply(a, c, i) for i, c in enumerate(corrections)]
            a.save(update_fields=["values", "events", "deductions"])
            AppealCorrection.objects.bulk_create(
                [
                    AppealCorrection(appeal=appeal, field=f, before=b, after=v, reason=r)
                    for f, b, v, r in applied
                ]
            )
            _publish(a, actor, reason=f"appeal {appeal.pk} upheld: {reason}", republish=True)
            appeal.version_after = a.result_version
            record_for(
                appeal,
                actor=actor,
                role="hr",
                action="appeal_decision",
                reason=reason,
                after={
                    "upheld": True,
                    "corrections": [
                        {"field": f, "before": b, "after": v, "reason": r} for f, b, v, r in applied
                    ],
                    "version": a.result_version,
                    "total": a.total,
                    "grade": a.grade,
                },
            )
            _close(appeal, actor, Appeal.Outcome.UPHELD, reason)
        else:
            record_for(
                appeal,
                actor=actor,
                role="hr",
                action="appeal_decision",
                reason=reason,
                after={"upheld": False},
            )
            _close(appeal, actor, Appeal.Outcome.REJECTED, reason)
    return appeal


def appraisals_finalise_due() -> int:
    """Published results whose window closed without an appeal become final (the
    sweep runs this): one indexed query finds them."""
    now = clock.now()
    done = 0
    due = Appraisal.objects.filter(
        state=Appraisal.State.PUBLISHED, appeal__isnull=True, appeal_until__lt=now
    )
    for pk in due.values_list("pk", flat=True).iterator(chunk_size=1000):
        with transaction.atomic():
            a = lock_appraisal(pk)
            if a.state != Appraisal.State.PUBLISHED or Appeal.objects.filter(appraisal=a).exists():
                continue
            AppraisalFlow(a).finalise()
            a.final_at = now
            a.save(update_fields=["state", "final_at"])
            record_for(
                a,
                actor=None,
                role="system",
                action="finalise",
                after={"window_closed": a.appeal_until},
            )
            done += 1
    return done
