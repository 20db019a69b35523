"""360° feedback pages (360度反馈): an appraisal's page, where HR or the direct
supervisor nominates the raters and reads each group's aggregate, and the appraised
employee reads the aggregates once enough raters answered; and the rater's page,
reached from the inbox, where a nominated rater gives a score and an optional comment.
Thin: forms parse, `engine.feedback.services` decides, errors are shown at their
fields with their status."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from engine import clock
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import appraisal_for_reader
from engine.errors import DomainError, Forbidden, InvalidInput, NotFound
from engine.feedback import services
from engine.feedback.additions import feedback_add_raters
from engine.feedback.models import FeedbackRound, RaterTask
from engine.feedback.selectors import rater_inbox, round_view, rounds_of, task_of
from engine.lists import colon
from engine.org.models import Employee
from engine.org.selectors import is_hr
from engine.trail.selectors import auditable_companies
from workflows.common.feedback_words import GROUP_WORDS, RULE_WORDS
from workflows.common.labels import error_text, name
from workflows.people.after import TEXT_ERRORS


class NominateForm(forms.Form):
    """One list of people per group the pack declares (`group_<code>`)."""

    def __init__(self, *args, rule, appraisal: Appraisal, asked=(), **kw):
        kw.setdefault("label_suffix", colon())
        super().__init__(*args, **kw)
        # `asked`: the people an open round asks already (adding raters to it)
        self.rule, self.adding = rule, bool(asked)
        people = (
            Employee.objects.filter(company_id=appraisal.company_id, status=Employee.Status.ACTIVE)
            .exclude(pk=appraisal.employee_id)
            .exclude(user__isnull=True)
            .select_related("department")
            .order_by("department__name", "name")
        )
        # the appraised employee's department first: peers are mostly there
        people = sorted(people, key=lambda e: e.department_id != appraisal.department_id)
        choices = [
            (e.user_id, f"{e.name} · {e.department}") for e in people if e.user_id not in asked
        ]
        for g in rule.groups:
            self.fields[f"group_{g.code}"] = forms.TypedMultipleChoiceField(
                label=GROUP_WORDS.get(g.code, g.code),
                choices=choices,
                coerce=int,
                required=False,
                help_text=_(
                    "at least %(n)s answers count; hold Ctrl (⌘ on a Mac) to choose several"
                )
                % {"n": g.min_count},
                widget=forms.SelectMultiple(attrs={"size": 6}),
            )

    def clean(self):
        data = super().clean()
        chosen = [(u, key[6:]) for key, ids in data.items() for u in ids or ()]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose at least one rater."))
        users = [u for u, _g in chosen]
        if len(users) != len(set(users)):
            raise forms.ValidationError(_("Each rater is in one group only."))
        for g in self.rule.groups:
            n = len(data.get(f"group_{g.code}") or ())
            if 0 < n < g.min_count and not self.adding:  # an empty group is left out
                self.add_error(
                    f"group_{g.code}",
                    _("%(group)s: nominate at least %(n)s raters, or none.")
                    % {"group": GROUP_WORDS.get(g.code, g.code), "n": g.min_count},
                )
        data["nominees"] = chosen
        return data


def digit_errors(low=None, high=None) -> dict:
    """A score with too many digits refused in the app's words (Django's own read
    "确认总共不超过 6 个数字.")."""
    out = {"max_decimal_places": _("Use at most two decimals, such as 3.5.")}
    if low is not None and high is not None:
        out["max_digits"] = out["max_whole_digits"] = _(
            "Give a score from %(low)s to %(high)s."
        ) % {"low": low, "high": high}
    return out


class RateForm(forms.Form):
    score = forms.DecimalField(label=gettext_lazy("Your score"), max_digits=6, decimal_places=2)

    def __init__(self, *args, low=None, high=None, **kw):
        kw.setdefault("label_suffix", colon())
        super().__init__(*args, **kw)
        self.fields["score"].error_messages.update(digit_errors(low, high))
        if low is not None and high is not None:
            self.fields["score"].label = _(
                "Your score (%(low)s to %(high)s, up to two decimals)"
            ) % {"low": low, "high": high}

    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=services.COMMENT_LIMIT,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _range(a: Appraisal, code: str) -> tuple:
    ind = template_for(a).indicator(code)
    return ind, ind.number("min_value"), ind.number("max_value")


def _groups_words(view) -> None:
    for g in view.groups:
        g.label = GROUP_WORDS.get(g.group, g.group)
        g.rule_words = RULE_WORDS.get(g.rule, "")
    # the line under the table when no overall value is shown: never "nothing to
    # show" right under a group's shown value
    if view.withheld or not any(g.shown for g in view.groups):
        view.note = _("Not enough answers to show yet.")
    else:
        view.note = _("The overall value appears once the round is closed.")


def _context(request, a: Appraisal, bound: dict | None = None) -> dict:
    user = request.user
    is_employee = a.employee.user_id == user.pk
    nominator = not is_employee and services.may_nominate(user, a)
    rounds = {r.indicator: r for r in rounds_of(a.pk)}
    sections = []
    for rule in services.rules_of(a):
        ind, low, high = _range(a, rule.indicator)
        r = rounds.get(rule.indicator)
        view = (
            round_view(r, employee=is_employee)
            if r and r.state != FeedbackRound.State.PROPOSED
            else None
        )
        if view:
            _groups_words(view)
        form = None
        if nominator and r is None and a.state == Appraisal.State.IN_PROGRESS:
            form = (bound or {}).get(rule.indicator) or NominateForm(rule=rule, appraisal=a)
        adding = None
        if (
            nominator
            and r
            and r.state == FeedbackRound.State.OPEN
            and a.state == a.State.IN_PROGRESS
        ):
            asked = {n["user"] for n in r.nominees}
            adding = (bound or {}).get(f"add:{rule.indicator}") or NominateForm(
                rule=rule, appraisal=a, asked=asked, auto_id=f"add_{rule.indicator}_%s"
            )
        sections.append(
            {
                "add_form": adding,
                "rule": rule,
                "indicator": name(ind),
                "low": low,
                "high": high,
                "round": r,
                "view": view,
                "form": form,
                "may_approve": bool(
                    r and r.state == FeedbackRound.State.PROPOSED and is_hr(user, a.company_id)
                ),
            }
        )
    return {
        "a": a,
        "sections": sections,
        "is_employee": is_employee,
        "trail_link": a.company_id in auditable_companies(user),
    }


def _reader(request, pk: int) -> Appraisal:
    try:
        a = appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not services.rules_of(a):
        raise Http404("no 360° feedback for this role")
    return a


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_feedback(request, pk: int):
    try:
        a = _reader(request, pk)
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    if request.method == "GET":
        return render(request, "people/feedback.html", _context(request, a))
    indicator = request.POST.get("indicator", "")
    rule = next((r for r in services.rules_of(a) if r.indicator == indicator), None)
    if rule is None:
        ctx = _context(request, a)
        ctx["error"] = InvalidInput("choose an indicator", field="indicator", rule="choices")
        return render(request, "people/feedback.html", ctx, status=400)
    try:
        if request.POST.get("action") == "approve":
            r = next((r for r in rounds_of(a.pk) if r.indicator == indicator), None)
            if r is None:
                raise NotFound("nothing to approve", field="indicator", rule="exists")
            services.feedback_approve(actor=request.user, round_id=r.pk)
            messages.success(request, _("Approved: the raters are asked."))
            return redirect("people:feedback", pk=a.pk)
        if request.POST.get("action") == "add":
            return _add(request, a, rule)
        form = NominateForm(request.POST, rule=rule, appraisal=a)
        if not form.is_valid():
            ctx = _context(request, a, {indicator: form})
            return render(request, "people/feedback.html", ctx, status=400)
        services.feedback_nominate(
            actor=request.user,
            appraisal_id=a.pk,
            indicator=indicator,
            nominees=form.cleaned_data["nominees"],
        )
    except DomainError as exc:
        ctx = _context(request, a)
        ctx["error"] = exc
        return render(request, "people/feedback.html", ctx, status=exc.status)
    messages.success(request, _("The raters are nominated."))
    return redirect("people:feedback", pk=a.pk)


def _add(request, a: Appraisal, rule):
    """More raters for an open round (HR or the direct supervisor)."""
    r = next((x for x in rounds_of(a.pk) if x.indicator == rule.indicator), None)
    if r is None:
        raise NotFound("no round to add raters to", field="indicator", rule="exists")
    asked = {n["user"] for n in r.nominees}
    form = NominateForm(
        request.POST, rule=rule, appraisal=a, asked=asked, auto_id=f"add_{rule.indicator}_%s"
    )
    if not form.is_valid():
        ctx = _context(request, a, {f"add:{rule.indicator}": form})
        return render(request, "people/feedback.html", ctx, status=400)
    feedback_add_raters(actor=request.user, round_id=r.pk, nominees=form.cleaned_data["nominees"])
    messages.success(request, _("The raters are added and asked."))
    return redirect("people:feedback", pk=a.pk)


def _bounds(task: RaterTask) -> dict:
    _ind, low, high = _range(task.appraisal, task.round.indicator)
    return {"low": low, "high": high}


def _said(task: RaterTask, exc: DomainError) -> str:
    """A score out of the indicator's range says the range."""
    if exc.field == "score" and exc.rule == "range":
        _ind, low, high = _range(task.appraisal, task.round.indicator)
        return _("Give a score from %(low)s to %(high)s.") % {"low": low, "high": high}
    return error_text(exc)


def _rate_context(task: RaterTask, form: RateForm) -> dict:
    a = task.appraisal
    ind, low, high = _range(a, task.round.indicator)
    return {
        "task": task,
        "a": a,
        "indicator": name(ind),
        "low": low,
        "high": high,
        "group": GROUP_WORDS.get(task.rater_group, task.rater_group),
        "anonymous": bool(
            (rule := services.rule_for(a, task.round.indicator))
            and rule.group(task.rater_group)
            and rule.group(task.rater_group).anonymous
        ),
        "form": form,
        "overdue": task.state == RaterTask.State.OPEN and task.due_at < clock.now(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, task_id: int):
    task = task_of(request.user, task_id)
    if task is None:
        raise Http404("no such task of yours")
    if request.method == "GET":
        form = RateForm(**_bounds(task))
        return render(request, "people/feedback_rate.html", _rate_context(task, form))
    form = RateForm(request.POST, **_bounds(task))
    if not form.is_valid():
        return render(request, "people/feedback_rate.html", _rate_context(task, form), status=400)
    try:
        services.feedback_rate(
            actor=request.user,
            task_id=task.pk,
            score=str(form.cleaned_data["score"]),
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, _said(task, exc))
        ctx = _rate_context(task, form)
        ctx["error"], ctx["error_words"] = exc, _said(task, exc)
        return render(request, "people/feedback_rate.html", ctx, status=exc.status)
    messages.success(request, _("Thank you: your answer is recorded."))
    return redirect("people:inbox")


def inbox_rows(user) -> list[RaterTask]:
    """The inbox's "360° feedback" rows: the tasks the person is nominated for."""
    now = clock.now()
    rows = list(rater_inbox(user)[:200])
    for t in rows:
        t.is_overdue = t.due_at < now
    return rows


def feedback_link(a: Appraisal) -> bool:
    """Whether the appraisal page links to its 360° feedback page."""
    return bool(services.rules_of(a))
