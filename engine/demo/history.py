"""The demo's past and present, so that every page has something to show on first run:
the three months before the one being appraised are finished (calibrated, published,
one appeal upheld and one rejected, final, exported to payroll), and last month — the
one people appraise now — is open with some steps done and some overdue.

Everything goes through the same services as the pages, with the clock set to the
moment each person acts, and values drawn from a seeded generator (reproducible). The
history is written in time order, so the audit chain's order is the order of time: the
organisation is set up before the first month appraised (`setup_moment`), and as the
clock moves on the deadline sweep runs at every reminder and due moment it passes, as
the scheduler would — the reminders and overdue marks behind each late penalty are on
the trail.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from engine import clock
from engine.appeals.flow import scorers_of
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from engine.deadlines.sweep import step_kinds, sweep
from engine.errors import DomainError
from engine.followup import services as followup
from engine.followup.models import FollowUp
from engine.org.models import Company, CompanyRole
from engine.payroll.services import payroll_export

from .appealing import walk_appeal
from .calibrating import calibrate_all
from .simulated_company import SELF_SUMMARY, cycle_targets, form, step_actor, system_values

CONTEXT = {"base_performance_pay": "3000.00"}


def _month(today: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before today's."""
    y, m = today.year, today.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def _at(day: dt.date, zone, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


FINISHED_MONTHS = 3  # the demo's finished months before the one appraised now


def setup_moment(finished_months: int = FINISHED_MONTHS, zone_name: str = "Asia/Shanghai"):
    """When the demo organisation is set up and put on the packs: 09:00 on the first
    day of the first month it appraises, before that month's cycle opens (on the 28th)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    today = clock.now().astimezone(zone).date()
    return _at(_month(today, finished_months + 1), zone, 9)


def _pass_time(to: dt.datetime) -> None:
    """Move the clock on to `to`, running the deadline sweep at each reminder and due
    moment of an open step on the way (and at `to`), as the scheduler would have."""
    if to <= clock.now():
        return
    # A sweep may open steps of its own (a missed interview's penalty publishes the
    # supervisor's result again, which asks for a new acknowledgement): their moments
    # are swept in this pass too, never later by another company's pass at an earlier
    # clock.
    while clock.now() < to:
        now = clock.now()
        moments: set[dt.datetime] = set()
        for kind in step_kinds():
            for fields in kind.model.objects.filter(state=kind.model.State.OPEN).values_list(
                "remind_before_at", "remind_due_at", "due_at"
            ):
                moments.update(m for m in fields if m is not None and now < m <= to)
        if not moments:
            break
        for moment in sorted(moments):
            clock.set_now(moment)
            sweep()
    clock.set_now(to)


def _open(company: Company, hr, month: dt.date, zone, rng: random.Random) -> Cycle:
    _pass_time(_at(month.replace(day=28), zone, 9))
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=company,
        kind=Cycle.Kind.MONTH,
        period=f"{month:%Y-%m}",
        targets=cycle_targets(rng),
        calibration_required=True,
    )
    for a in Appraisal.objects.filter(cycle=cycle).order_by("pk"):
        services.appraisal_set_inputs(
            actor=hr, appraisal=a, system_values=system_values(a, rng), context=CONTEXT
        )
    return cycle


def _hand_in(
    cycle: Cycle, roles, rng, *, upto_last: bool, latest: dt.datetime, only: set[int] | None = None
) -> None:
    """Every open step on time, round after round; the final approvals wait when
    `upto_last` (calibration comes first). Nobody acts after `latest`, the demo's now:
    the trail never shows a moment still to come."""
    for _round in range(6):
        moved = False
        for a in Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.IN_PROGRESS).order_by(
            "pk"
        ):
            if only is not None and a.pk not in only:
                continue
            step = AppraisalStep.objects.filter(appraisal=a, state=AppraisalStep.State.OPEN).first()
            if step is None:
                continue
            last = not AppraisalStep.objects.filter(appraisal=a, seq__gt=step.seq).exists()
            if upto_last and last:
                continue
            if not step.assignee_id and not roles.get(step.holder_role):
                continue  # nobody holds it here (a company without a board)
            _pass_time(min(max(clock.now(), step.due_at - dt.timedelta(days=1)), latest))
            actor = step_actor(step, a.employee.user_id, roles)
            services.step_submit(
                actor=actor,
                appraisal_id=a.pk,
                step_id=step.pk,
                data=form(a, step, rng),
                comment=SELF_SUMMARY if step.code == "self" else "",
            )
            moved = True
        if not moved:
            return


def _appeal(a: Appraisal, roles, uphold: bool) -> None:
    item = next(i for i in template_for(a).indicators if i.rule == "manual")
    walk_appeal(
        a,
        item,
        roles,
        uphold=uphold,
        advance=lambda: _pass_time(clock.now() + dt.timedelta(hours=2)),
    )


def _finish(
    company: Company, hr, roles, month: dt.date, zone, rng, *, with_appeals: bool, latest
) -> None:
    cycle = _open(company, hr, month, zone, rng)
    _hand_in(cycle, roles, rng, upto_last=True, latest=latest)
    calibrate_all(cycle, hr)
    _hand_in(cycle, roles, rng, upto_last=False, latest=latest)
    _interviews(cycle, hr, rng, latest)
    if with_appeals:
        office = {u.pk for users in roles.values() for u in users}  # HR, GM, board: not them
        staff = [
            a
            for a in Appraisal.objects.filter(
                cycle=cycle, state=Appraisal.State.PUBLISHED, pack="general"
            )
            .select_related("employee__user")
            .order_by("pk")
            # nor anyone HR scored: HR would judge an appeal against its own scores
            if a.employee.user_id not in office and not scorers_of(a.pk) & office
        ]
        _pass_time(clock.now() + dt.timedelta(days=1))
        for a, uphold in zip(staff[:2], (True, False), strict=False):
            _appeal(a, roles, uphold)
    for a in Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.PUBLISHED):
        services.appraisal_finalise(actor=hr, appraisal=a)
    payroll_export(actor=hr, cycle=cycle, fmt="xlsx")


INTERVIEW_NOTES = (
    ("按时完成本月任务，配合度高", "记录填写不够及时", "每周五前补齐当周记录"),
    ("客户反馈积极", "处理复杂问题耗时较长", "参加一次问题处理培训，主管每周抽查"),
    ("主动分担临时任务", "跨部门沟通偶有遗漏", "重要事项邮件确认并抄送主管"),
)


def _interviews(cycle: Cycle, hr, rng: random.Random, latest: dt.datetime) -> None:
    """The feedback interviews of a finished month: most supervisors hold them the
    next working day and record them, a few do not (the board shows them missing, and
    a missed customer service interview costs its supervisor, seed 002)."""
    steps = FollowUp.objects.filter(
        appraisal__cycle=cycle, kind=FollowUp.Kind.INTERVIEW, state=FollowUp.State.OPEN
    ).order_by("pk")
    if not steps.exists():
        return
    _pass_time(min(clock.now() + dt.timedelta(days=1), latest))
    for f in steps:
        if rng.random() < 0.12:
            continue  # not held: missing, or held late by nobody
        holder = f.assignee if f.assignee_id else hr
        strengths, gaps, actions = rng.choice(INTERVIEW_NOTES)
        try:
            followup.interview_schedule(
                actor=holder, followup_id=f.pk, when=clock.now(), place="部门会议室"
            )
            followup.interview_record(
                actor=holder, followup_id=f.pk, strengths=strengths, gaps=gaps, actions=actions
            )
        except DomainError:
            continue  # nobody here may hold it (HR's own, say): left missing


def _present(company: Company, hr, roles, month: dt.date, zone, rng, latest) -> Cycle:
    """Last month, being appraised now: self-reviews in from about two thirds of the
    people, a few supervisors' reviews done, the rest waiting or overdue."""
    cycle = _open(company, hr, month, zone, rng)
    apps = list(Appraisal.objects.filter(cycle=cycle).order_by("pk").values_list("pk", flat=True))
    done = {pk for i, pk in enumerate(apps) if i % 3 != 2}
    first = AppraisalStep.objects.filter(appraisal__cycle=cycle, seq=0).first()
    _pass_time(min(first.due_at - dt.timedelta(hours=6), latest))
    for pk in sorted(done):
        a = Appraisal.objects.get(pk=pk)
        step = AppraisalStep.objects.get(appraisal=a, seq=0)
        services.step_submit(
            actor=a.employee.user,
            appraisal_id=pk,
            step_id=step.pk,
            data=form(a, step, rng),
            comment=SELF_SUMMARY,
        )
    reviewed = {pk for i, pk in enumerate(sorted(done)) if i % 4 == 0}
    _hand_in(cycle, roles, rng, upto_last=True, latest=latest, only=reviewed)
    _pass_time(latest)  # up to the demo's now: the reminders and overdue marks so far
    return cycle


def _last_event(company: Company) -> dt.datetime:
    """The moment of the company's newest trail event (its set-up), or long ago."""
    last = AuditEvent.objects.filter(chain=company.pk).order_by("-seq").first()
    return last.at if last else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def demo_history(company: Company, finished_months: int = 3) -> Cycle | None:
    """Once per company: the finished months and the month being appraised now."""
    zone = zoneinfo.ZoneInfo(company.time_zone)
    today = clock.now().astimezone(zone).date()
    present = _month(today, 1)
    existing = Cycle.objects.filter(company=company, period=f"{present:%Y-%m}").first()
    if existing is not None:
        return existing
    hr_role = CompanyRole.objects.filter(company=company, role="hr").select_related("user").first()
    hr = hr_role.user if hr_role else None
    roles: dict[str, list] = {}
    for cr in CompanyRole.objects.filter(company=company).select_related("user").order_by("pk"):
        roles.setdefault(cr.role, []).append(cr.user)
    rng = random.Random(f"{company.code}-{present:%Y-%m}")
    latest = clock.now()  # the demo's now: nothing in it happens later
    with clock.frozen(latest):  # the real time again afterwards
        # from the first month on, in time order (the chain's order is time's)
        clock.set_now(max(_at(_month(today, finished_months + 1), zone, 9), _last_event(company)))
        for back in range(finished_months + 1, 1, -1):
            month = _month(today, back)
            _finish(company, hr, roles, month, zone, rng, with_appeals=back == 2, latest=latest)
        return _present(company, hr, roles, present, zone, rng, latest)
