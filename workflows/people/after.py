"""After the result (结果之后): one page per appraisal where the employee signs the
published version (or declines with a reason) with the password, the supervisor
schedules and records the feedback interview, and the employee confirms or comments
on its record. Thin: forms parse, `engine.followup.services` decides, errors are
shown at their fields with their status."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from engine import clock
from engine.appraisals.models import Appraisal, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import appraisal_for_reader
from engine.deadlines.holding import holds
from engine.errors import DomainError, Forbidden, InvalidInput, NotFound
from engine.followup import services
from engine.followup.models import FollowUp
from engine.followup.selectors import (
    acknowledgement_status,
    followup_inbox,
    followups_of,
    interview_status,
    plan_of,
)
from engine.org.selectors import is_hr
from workflows.common.labels import FOLLOWUP_STATUS as STATUS_WORDS
from workflows.common.labels import error_text, name

# a text's length refused in the app's words, as the step forms say it
# (workflows/people/forms.py `text_errors`; Django's own read "确保该变量…")
TEXT_ERRORS = {
    "max_length": gettext_lazy(
        "At most %(limit_value)d characters: this has %(show_value)d. Shorten it a little."
    )
}


class _Form(forms.Form):
    """Labels stand above their fields, with no colon (as the other pages' forms)."""

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)


class SignForm(_Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[
            (FollowUp.Decision.ACKNOWLEDGED, gettext_lazy("I have read this result")),
            (FollowUp.Decision.DECLINED, gettext_lazy("I decline to acknowledge it")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed when you decline)"),
        required=False,
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password, to sign"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    version_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == FollowUp.Decision.DECLINED
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why you decline."))
        return data


class ScheduleForm(_Form):
    when = forms.DateTimeField(
        label=gettext_lazy("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Where"), max_length=200, error_messages=TEXT_ERRORS)


class RecordForm(_Form):
    held_at = forms.DateTimeField(
        label=gettext_lazy("Held at"),
        required=False,
        help_text=gettext_lazy(
            "When the interview took place (by default the time it was set for)."
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    strengths = forms.CharField(
        label=gettext_lazy("Strengths"),
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    gaps = forms.CharField(
        label=gettext_lazy("Gaps"),
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.CharField(
        label=gettext_lazy("Agreed actions"),
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RespondForm(_Form):
    response = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[
            (FollowUp.Response.CONFIRMED, gettext_lazy("The record is right")),
            (FollowUp.Response.COMMENTED, gettext_lazy("I add a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("response") == FollowUp.Response.COMMENTED
            and not data.get("comment", "").strip()
        ):
            self.add_error("comment", _("Write your comment."))
        return data


class GoalForm(_Form):
    goal = forms.CharField(
        label=gettext_lazy("Goal"),
        max_length=2000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"})
    )


GOAL_ID_ERRORS = {
    "invalid": gettext_lazy("Choose one of the plan's goals."),
    "min_value": gettext_lazy("Choose one of the plan's goals."),
    "required": gettext_lazy("Choose one of the plan's goals."),
}


class GoalEditForm(GoalForm):
    goal_id = forms.IntegerField(
        label=gettext_lazy("Goal"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=GOAL_ID_ERRORS,
    )


class GoalWithdrawForm(_Form):
    goal_id = forms.IntegerField(
        label=gettext_lazy("Goal"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages=GOAL_ID_ERRORS,
    )
    reason = forms.CharField(
        label=gettext_lazy("Why it is withdrawn"), max_length=2000, error_messages=TEXT_ERRORS
    )


class CheckInForm(_Form):
    goal_id = forms.IntegerField(
        label=gettext_lazy("Goal"),
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "invalid": gettext_lazy("Choose one of the plan's goals."),
            "min_value": gettext_lazy("Choose one of the plan's goals."),
            "required": gettext_lazy("Choose one of the plan's goals."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Check-in"), max_length=2000, error_messages=TEXT_ERRORS
    )
    done = forms.BooleanField(label=gettext_lazy("Reached"), required=False)


FORMS = {
    "goal": GoalForm,
    "goal_edit": GoalEditForm,
    "goal_withdraw": GoalWithdrawForm,
    "check_in": CheckInForm,
    "sign": SignForm,
    "schedule": ScheduleForm,
    "record": RecordForm,
    "respond": RespondForm,
}


def _local(a: Appraisal, value: dt.datetime) -> dt.datetime:
    """A time typed on the page is the company's local time."""
    zone = zoneinfo.ZoneInfo(a.company.time_zone)
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value.replace(tzinfo=zone)


def _scheduled(a: Appraisal, interview: FollowUp | None) -> dict:
    """The time and place set already, in the company's local time, to move them."""
    if interview is None or interview.scheduled_for is None:
        return {}
    zone = zoneinfo.ZoneInfo(a.company.time_zone)
    when = interview.scheduled_for.astimezone(zone).replace(tzinfo=None)
    return {"when": when, "place": interview.place}


def _held_initial(a: Appraisal, interview: FollowUp | None) -> dict:
    """The record's "held at" offered as the time set, once that time has come."""
    if interview is None or interview.scheduled_for is None:
        return {}
    if interview.scheduled_for > clock.now():
        return {}
    zone = zoneinfo.ZoneInfo(a.company.time_zone)
    return {"held_at": interview.scheduled_for.astimezone(zone).replace(tzinfo=None)}


def _context(request, a: Appraisal, bound: dict | None = None) -> dict:
    user = request.user
    now = clock.now()
    steps = followups_of(a.pk)
    acks = [f for f in steps if f.kind == FollowUp.Kind.ACKNOWLEDGE]
    interview = next((f for f in steps if f.kind == FollowUp.Kind.INTERVIEW), None)
    version = ResultVersion.objects.filter(appraisal=a, number=a.result_version).first()
    signed_hash = services.version_hash(version) if version else ""
    is_employee = a.employee.user_id == user.pk
    open_ack = next((f for f in acks if f.state == FollowUp.State.OPEN), None)
    bound = bound or {}
    for f in acks:
        f.status = acknowledgement_status(f, now)
        f.status_words = STATUS_WORDS.get(f.status, "")
    may_sign = is_employee and open_ack is not None and open_ack.version == a.result_version
    holds_interview = bool(
        interview
        and not is_employee
        and interview.state == FollowUp.State.OPEN
        and holds(user, interview)
    )
    may_respond = bool(
        interview
        and is_employee
        and interview.state == FollowUp.State.DONE
        and not interview.response
    )
    if interview is not None:
        interview.status = interview_status(interview, now)
        interview.status_words = STATUS_WORDS[interview.status]
    plan = plan_of(a.pk)
    may_plan = bool(
        plan and not is_employee and (plan.owner_id == user.pk or is_hr(user, a.company_id))
    )
    code = a.calibrated_grade or a.grade
    grade = next((g for g in template_for(a).grades if g.code == code), None)
    return {
        "a": a,
        "grade_words": name(grade) if grade else code,
        "version": version,
        "signed_hash": signed_hash,
        "acks": acks,
        "open_ack": open_ack if may_sign else None,
        "interview": interview,
        "is_employee": is_employee,
        # The reminder that signing waives nothing is for the employee, while they may
        # still appeal (the walk found it shown to supervisors and after the window).
        "appeal_open": is_employee
        and a.state == Appraisal.State.PUBLISHED
        and (a.appeal_until is None or now <= a.appeal_until),
        "sign_form": bound.get("sign") or SignForm(initial={"version_hash": signed_hash}),
        "schedule_form": (bound.get("schedule") or ScheduleForm(initial=_scheduled(a, interview)))
        if holds_interview
        else None,
        "record_form": (bound.get("record") or RecordForm(initial=_held_initial(a, interview)))
        if holds_interview
        else None,
        "respond_form": (bound.get("respond") or RespondForm()) if may_respond else None,
        "plan": plan,
        "goal_form": (bound.get("goal") or GoalForm()) if may_plan else None,
        "may_plan": may_plan,
        "check_in_form": bound.get("check_in"),
        "goal_change_form": bound.get("goal_edit") or bound.get("goal_withdraw"),
        "now": now,
    }


def _reader(request, pk: int):
    try:
        a = appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if a.state not in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
        raise Http404("not published")
    return a


def _denied(request, exc):
    return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)


@login_required
@require_GET
def after(request, pk: int):
    try:
        a = _reader(request, pk)
    except Forbidden as exc:
        return _denied(request, exc)
    return render(request, "people/after.html", _context(request, a))


def _act(request, a: Appraisal, what: str, data: dict) -> None:
    user = request.user
    steps = followups_of(a.pk)
    ack = next(
        (
            f
            for f in steps
            if f.kind == FollowUp.Kind.ACKNOWLEDGE and f.state == FollowUp.State.OPEN
        ),
        None,
    )
    interview = next((f for f in steps if f.kind == FollowUp.Kind.INTERVIEW), None)
    if what in ("goal", "check_in", "goal_edit", "goal_withdraw"):
        plan = plan_of(a.pk)
        if plan is None:
            raise NotFound("no improvement plan", field="plan", rule="exists")
        if what == "goal":
            services.plan_goal_add(
                actor=user, plan_id=plan.pk, goal=data["goal"], due_date=data["due_date"]
            )
            return
        if not plan.goals.filter(pk=data["goal_id"]).exists():
            raise NotFound("no such goal", field="goal_id", rule="exists")
        if what == "goal_edit":
            services.plan_goal_edit(
                actor=user, goal_id=data["goal_id"], goal=data["goal"], due_date=data["due_date"]
            )
        elif what == "goal_withdraw":
            services.plan_goal_withdraw(actor=user, goal_id=data["goal_id"], reason=data["reason"])
        else:
            services.plan_goal_check_in(
                actor=user, goal_id=data["goal_id"], note=data["note"], done=data["done"]
            )
        return
    if what == "sign":
        if ack is None:
            raise InvalidInput("nothing to sign", field="followup", rule="signed")
        services.acknowledgement_sign(
            actor=user,
            followup_id=ack.pk,
            password=data["password"],
            decision=data["decision"],
            version_hash_seen=data["version_hash"],
            reason=data.get("reason", ""),
        )
        return
    if interview is None:
        raise NotFound("no interview", field="followup", rule="exists")
    if what == "schedule":
        services.interview_schedule(
            actor=user, followup_id=interview.pk, when=_local(a, data["when"]), place=data["place"]
        )
    elif what == "record":
        services.interview_record(
            actor=user,
            followup_id=interview.pk,
            strengths=data["strengths"],
            gaps=data["gaps"],
            actions=data["actions"],
            held_at=_local(a, data["held_at"]) if data.get("held_at") else None,
        )
    else:
        services.interview_respond(
            actor=user,
            followup_id=interview.pk,
            confirmed=data["response"] == FollowUp.Response.CONFIRMED,
            comment=data.get("comment", ""),
        )


DONE = {
    "sign": gettext_lazy("Signed. Your signature is on the record with the version you read."),
    "schedule": gettext_lazy("The interview is scheduled; the employee is told."),
    "record": gettext_lazy("The interview is recorded; the employee is asked to confirm it."),
    "respond": gettext_lazy("Your answer is recorded."),
    "goal": gettext_lazy("The goal is added to the plan."),
    "check_in": gettext_lazy("The check-in is recorded."),
    "goal_edit": gettext_lazy("The goal is changed."),
    "goal_withdraw": gettext_lazy("The goal is withdrawn."),
}


@login_required
@require_POST
def act(request, pk: int, what: str):
    if what not in FORMS:
        raise Http404("no such action")
    try:
        a = _reader(request, pk)
    except Forbidden as exc:
        return _denied(request, exc)
    form = FORMS[what](request.POST)
    if not form.is_valid():
        ctx = _context(request, a, {what: form})
        return render(request, "people/after.html", ctx, status=400)
    try:
        _act(request, a, what, form.cleaned_data)
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, error_text(exc))
        ctx = _context(request, a, {what: form})
        ctx["error"] = exc
        return render(request, "people/after.html", ctx, status=exc.status)
    messages.success(request, DONE[what])
    return redirect("people:after", pk=a.pk)


def inbox_rows(user) -> list[FollowUp]:
    """The inbox's "After the result" rows: what the person holds or must answer."""
    now = clock.now()
    rows = list(followup_inbox(user)[:200])
    for f in rows:
        f.is_overdue = f.state == FollowUp.State.OPEN and f.due_at < now
        f.answer = f.state == FollowUp.State.DONE
    return rows
