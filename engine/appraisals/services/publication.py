"""Publication: scoring an appraisal with its pinned template, publishing the result
as a new version, and the provisional score HR calibrates before the final approval.

Calibration lives in a higher layer; it takes part through two signals
(`engine.appraisals.signals`: `final_approval_check`, `grade_fit`), connected by its
AppConfig, so this module never imports it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from engine import clock
from engine.audit.services import record_for
from engine.audit.signing import sign_after_commit
from engine.errors import Conflict, InvalidInput
from engine.notifications.services import Message, notify_many
from engine.org.selectors import calendar_for, role_user_ids
from engine.scoring import RoleTemplate, ScoringInputError, score
from engine.scoring.needs import needs_team

from .. import signals
from ..entries import ANNUAL, scoring_values
from ..flow import AppraisalFlow
from ..models import Appraisal, LatePenalty, ResultVersion
from ..pinned_templates import template_for
from .annual import annual_follow_periodic
from .locks import lock_appraisal


def check_final_approval(a: Appraisal) -> None:
    """Raises `Conflict` when a higher app holds the final approval (`final_approval_check`)."""
    signals.final_approval_check.send(sender=Appraisal, appraisal=a)


def fitted_grade(a: Appraisal, grade: str) -> str | None:
    """The grade a higher app says the result must take instead of `grade`
    (`grade_fit`: the first receiver, in connection order, that names one), or None."""
    responses = signals.grade_fit.send(sender=Appraisal, appraisal=a, grade=grade)
    return next((g for _, g in responses if g), None)


def _team_totals(a: Appraisal) -> list[str] | None:
    rows = (
        Appraisal.objects.filter(cycle_id=a.cycle_id, employee__supervisor_id=a.employee_id)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .values_list("state", "total")
    )
    if any(state == Appraisal.State.IN_PROGRESS for state, _ in rows):
        return None
    return [str(total) for _, total in rows]


def scoring_inputs(a: Appraisal, t: RoleTemplate) -> dict[str, Any]:
    late: dict[str, Decimal] = {}
    for code, rate in (
        LatePenalty.objects.filter(target=a).order_by("at", "pk").values_list("step_code", "rate")
    ):
        late.setdefault(code, rate)  # a reviewer is penalised once per step per cycle
    history = []
    past = Appraisal.objects.filter(
        employee_id=a.employee_id,
        pack=a.pack,
        role=a.role,
        state__in=[Appraisal.State.PUBLISHED, Appraisal.State.FINAL],
        cycle__start__lt=a.cycle.start,
    )
    for period, total, grade, result in past.order_by("cycle__start").values_list(
        "cycle__period", "total", "grade", "result"
    ):
        sections = {s["code"]: s["score"] for s in (result or {}).get("sections", [])}
        history.append(
            {
                "period": period,
                "total": str(total),
                "grade": grade,
                **({"sections": sections} if sections else {}),
            }
        )
    context = {"period": a.cycle.period, **a.context}
    if needs_team(t):
        totals = _team_totals(a)
        if totals is None:
            raise Conflict(
                "waiting for the direct reports' results (team management needs them)",
                field="context.team_totals",
                rule="team_final",
            )
        context["team_totals"] = totals
    return {
        "values": scoring_values(t, a.values),
        "targets": a.targets,
        "deductions": a.deductions,
        "events": a.events,
        "falsified": a.falsified,
        "history": history,
        **({"calibrated_grade": a.calibrated_grade} if a.calibrated_grade else {}),
        "context": context,
        "late_steps": [{"step": c, "rate": str(r)} for c, r in late.items()],
        **({"annual": a.values[ANNUAL]} if ANNUAL in a.values else {}),
    }


def appraisal_score(a: Appraisal):
    t = template_for(a)
    try:
        return score(t, scoring_inputs(a, t))
    except ScoringInputError as exc:
        raise InvalidInput(exc.text, field=exc.field, rule=exc.rule, params=exc.params) from exc


def appeal_window_closes(a: Appraisal) -> dt.datetime:
    """End of the last working day of the pack's appeal window after publication."""
    t = template_for(a)
    days = t.appeal.window_working_days if t.appeal else 0
    company = a.company  # read with the appraisal's lock (`lock_appraisal`)
    zone = zoneinfo.ZoneInfo(company.time_zone)
    published = a.published_at.astimezone(zone).date()
    last = calendar_for(company).add_working_days(published, days)
    return dt.datetime.combine(last, dt.time.max, tzinfo=zone)


_UNREAD = object()  # `publish`'s `waiting` when the caller did not lock it


def publish_or_wait(a: Appraisal, actor, *, role: str, waiting=_UNREAD) -> None:
    """The chain is done: publish, unless a team indicator still waits for the
    direct reports' results; then it publishes when the last of them does (`waiting`:
    what `lock_waiting_on` locked)."""
    if needs_team(template_for(a)) and _team_totals(a) is None:
        a.current_step = ""
        a.save(update_fields=["current_step"])
        record_for(
            a,
            actor=actor,
            role=role,
            action="awaiting_team",
            reason="team management needs the direct reports' final results",
        )
        return
    publish(a, actor, role=role, reason="approved", waiting=waiting)


def _fit_caps(a: Appraisal, grade: str) -> bool:
    """A result published after its department's calibration joins the confirmed
    distribution; a changed grade is recorded and HR is told."""
    fitted = fitted_grade(a, grade)
    if fitted is None:
        return False
    a.calibrated_grade = fitted
    a.save(update_fields=["calibrated_grade"])
    record_for(
        a,
        actor=None,
        role="system",
        action="calibration",
        reason="published after the department's calibration: fitted under the confirmed caps",
        before={"grade": grade, "total": a.total},
        after={"grade": fitted, "total": a.total},
    )
    hr = role_user_ids(a.company_id, ["hr"]).get("hr", [])
    notify_many(
        [
            Message(
                u,
                a.company_id,
                "calibration_fitted",
                f"分布控制/Grade fitted under the caps: #{a.pk} {grade} → {fitted}",
                f"fitted:{a.pk}:{a.result_version}",
                a.pk,
                {"employee": a.employee.name, "period": a.cycle.period},
            )
            for u in hr
        ]
    )
    return True


def _published_params(a: Appraisal) -> dict:
    t = template_for(a)
    code = a.calibrated_grade or a.grade
    g = next((g for g in t.grades if g.code == code), None)
    return {
        "period": a.cycle.period,
        "total": str(a.total),
        "grade": g.name_zh if g else code,
        "grade_en": g.name_en if g else code,
    }


def lock_waiting_on(a: Appraisal) -> Appraisal | None:
    """Lock the supervisor's appraisal that may wait for this result (its team
    indicator), before the caller's first audit event: publishing this one may publish
    that one, and no appraisal is locked after the chain's head (the one lock order).
    Returns it (None: no supervisor's appraisal in progress), for `publish` to ask."""
    if a.employee.supervisor_id:
        # Found and locked in one statement (`lock_appraisal`'s lock, of that row only).
        return (
            Appraisal.objects.select_for_update(no_key=True, of=("self",))
            .filter(
                cycle_id=a.cycle_id,
                employee_id=a.employee.supervisor_id,
                state=Appraisal.State.IN_PROGRESS,
            )
            .order_by("pk")
            .first()
        )
    return None


def publish(
    a: Appraisal,
    actor,
    *,
    role: str,
    reason: str,
    republish: bool = False,
    cause: dict | None = None,
    waiting=_UNREAD,
) -> None:
    """`actor` and `role` are who caused the publication and the role they acted in
    (the GM or the board approving last, HR deciding an appeal, "system" when nobody
    acted): the trail records them, never a role assumed from the kind of change.
    `waiting`: the supervisor's appraisal in progress as `lock_waiting_on` locked it."""
    result = appraisal_score(a)
    if _fit_caps(a, result.grade):
        result = appraisal_score(a)
    flow = AppraisalFlow(a)
    (flow.republish if republish else flow.publish)()
    now = clock.now()
    a.result, a.total, a.grade = result.explain(), result.total, result.grade
    a.result_version += 1
    a.published_at = a.published_at or now
    a.appeal_until = a.appeal_until or appeal_window_closes(a)
    a.current_step = ""
    a.save(
        update_fields=[
            "state",
            "result",
            "total",
            "grade",
            "result_version",
            "published_at",
            "appeal_until",
            "current_step",
        ]
    )
    version = ResultVersion.objects.create(
        appraisal=a,
        number=a.result_version,
        result=a.result,
        total=a.total,
        grade=a.grade,
        reason=reason,
        cause=cause or {"kind": "approved"},
        at=now,
    )
    record_for(
        a,
        actor=actor,
        role=role,
        action="publish",
        reason=reason,
        after={"version": a.result_version, "total": a.total, "grade": a.grade},
    )
    signals.published.send(sender=Appraisal, appraisal=a, version=version)
    # the same person's annual appraisal in progress takes this result once committed
    annual_follow_periodic(actor=actor, periodic=a)
    sign_after_commit(a.company_id)  # a published result is signed for within seconds
    notify_many(
        [
            Message(
                a.employee.user_id,
                a.company_id,
                "result_published",
                f"考核结果已发布/Your result is published: {a.total} ({a.grade})",
                f"published:{a.pk}:{a.result_version}",
                a.pk,
                _published_params(a),
            )
        ]
    )
    # A supervisor whose team indicator waited for this result may now be scored.
    if a.employee.supervisor_id:
        if waiting is _UNREAD:
            waiting = Appraisal.objects.filter(
                cycle_id=a.cycle_id,
                employee_id=a.employee.supervisor_id,
                state=Appraisal.State.IN_PROGRESS,
            ).first()
        # it waits when its chain is done (no current step) and its team is now complete
        if waiting is not None and not waiting.current_step and _team_totals(waiting) is not None:
            publish(
                lock_appraisal(waiting.pk),
                actor,
                role=role,
                reason="approved (team results complete)",
            )


def score_provisionally(a: Appraisal) -> None:
    """Score the appraisal as it stands when the final approval opens, so HR can
    calibrate before the GM approves; incomplete entries simply leave it unscored."""
    t = template_for(a)
    if needs_team(t) and _team_totals(a) is None:
        return
    try:
        result = appraisal_score(a)
    except (InvalidInput, Conflict):
        return
    a.result, a.total, a.grade = result.explain(), result.total, result.grade


def republish(a: Appraisal, actor, reason: str, *, cause: dict, role: str) -> None:
    """A correction after publication is a new published version (from final too)."""
    if a.state == Appraisal.State.FINAL:
        AppraisalFlow(a).reopen_for_correction()
        publish(a, actor, role=role, reason=reason, republish=True, cause=cause)
        AppraisalFlow(a).finalise()
        a.save(update_fields=["state"])
    else:
        publish(a, actor, role=role, reason=reason, republish=True, cause=cause)
