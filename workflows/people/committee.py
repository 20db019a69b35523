"""Committee review (述职报告评议) of one appraisal: the employee writes the self-report
(draft, then submit); HR forms the appraisal leadership group (members and chair); each
member reads the report and scores it; the chair closes the review once a quorum has
scored, and the page explains the combined score line by line. Thin: forms parse,
`engine.committee.services` decides, errors are shown at their fields with their status."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from engine import clock
from engine.appraisals.models import Appraisal
from engine.appraisals.visibility import can_view
from engine.committee import services
from engine.committee.models import Committee, CommitteeTask, SelfReport
from engine.committee.selectors import committee_inbox, committee_of, report_of, task_held, tasks_of
from engine.deadlines.holding import holds
from engine.errors import DomainError, InvalidInput, NotFound
from engine.lists import joined
from engine.org.models import Employee
from engine.org.selectors import is_hr
from engine.scoring.committee import TRIMMED_MEAN
from engine.trail.selectors import auditable_companies
from workflows.common.labels import error_text
from workflows.people.after import TEXT_ERRORS

RULE_WORDS = {
    "mean": gettext_lazy("The mean of every member's score"),
    TRIMMED_MEAN: gettext_lazy(
        "The highest and the lowest score are dropped and the rest averaged"
    ),
}


class _Form(forms.Form):
    """Labels without Django's ASCII colon (the page sets its own punctuation)."""

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)


class ReportForm(_Form):
    text = forms.CharField(
        label=gettext_lazy("Your self-report"),
        required=False,
        max_length=20000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    submit = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FormCommitteeForm(forms.Form):
    members = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Members of the appraisal leadership group"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    chair = forms.TypedChoiceField(label=gettext_lazy("Chair"), coerce=int)

    def __init__(self, *args, people, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["members"].choices = people
        self.fields["chair"].choices = [("", "—"), *people]


class ScoreForm(_Form):
    score = forms.DecimalField(
        label=gettext_lazy("Your score (0–100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        error_messages={
            "max_decimal_places": gettext_lazy("Use at most two decimals, such as 3.5."),
            "max_digits": gettext_lazy("Enter a number from 0 to 100."),
            "max_whole_digits": gettext_lazy("Enter a number from 0 to 100."),
            "max_value": gettext_lazy("Enter a number from 0 to 100."),
            "min_value": gettext_lazy("Enter a number from 0 to 100."),
        },
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=4000,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    pass


FORMS = {"report": ReportForm, "form": FormCommitteeForm, "score": ScoreForm, "close": CloseForm}


def _people(a: Appraisal) -> list[tuple[int, str]]:
    """Who HR may put on the committee: the company's people with an account, but the
    appraised person."""
    return [
        (e.user_id, f"{e.name} · {e.department.name}")
        for e in Employee.objects.filter(company_id=a.company_id, user__is_active=True)
        .exclude(user_id=a.employee.user_id)
        .select_related("department")
        .order_by("department__name", "name")
    ]


def _reader(request, pk: int) -> Appraisal:
    """The appraisal, for its readers and for the committee's members."""
    a = (
        Appraisal.objects.select_related("employee", "cycle", "company", "department")
        .filter(pk=pk)
        .first()
    )
    if a is None or services.review_of(a) is None:
        raise Http404("no committee review")
    # a member, the chair, or their deputy while a delegation runs (`holds`)
    member = any(holds(request.user, t) for t in CommitteeTask.objects.filter(appraisal=a))
    if not member and not can_view(request.user, a):
        raise Http404("no committee review")
    return a


def _lines(committee: Committee) -> list[str]:
    """The combination in words, one line each."""
    ex = committee.explanation or {}
    out = [str(RULE_WORDS.get(committee.rule, ""))]
    lines = ex.get("lines", [])
    kept = next((line for line in lines if line["line"] == "sum"), None)
    if kept is not None and len(kept["values"]) == 1:
        # "80.00 = 80.00", "80.00 ÷ 1 = 80.00" say nothing: say which score is kept
        for line in lines:
            if line["line"] == "dropped":
                out.append(_("Dropped: %(values)s") % {"values": joined(line["values"])})
        out.append(
            _("The middle score is kept: %(score)s") % {"score": kept["values"][0]}
            if any(line["line"] == "dropped" for line in lines)
            else _("The only score is kept: %(score)s") % {"score": kept["values"][0]}
        )
        lines = []
    for line in lines:
        if line["line"] == "dropped":
            out.append(_("Dropped: %(values)s") % {"values": joined(line["values"])})
        elif line["line"] == "sum":
            out.append(
                _("Sum: %(values)s = %(sum)s")
                % {"values": " + ".join(line["values"]), "sum": line["sum"]}
            )
        else:
            out.append(
                _("Combined score: %(sum)s ÷ %(n)s = %(score)s")
                % {"sum": line["sum"], "n": line["n"], "score": line["score"]}
            )
    if ex:
        out.append(
            _("Counts in the total: %(score)s × %(weight)s%% = %(weighted)s points")
            % {
                "score": ex["score"],
                "weight": f"{committee.weight * 100:.0f}",
                "weighted": ex["weighted"],
            }
        )
    return out


def sees_members(user, a: Appraisal, tasks) -> bool:
    """Who reads the members' names, scores and comments: HR, the auditors and the GM
    (the trail's readers) and the committee's members; never the appraised person,
    who reads the combined score and the rule only."""
    if a.employee.user_id == user.pk:
        return False
    return a.company_id in auditable_companies(user) or any(holds(user, t) for t in tasks)


def _outcome(committee: Committee) -> list[str]:
    """The closed review as the appraised person reads it: the combined score and what
    it counts in the total, no member's score."""
    ex = committee.explanation or {}
    if not ex:
        return []
    return [
        _("Combined score: %(score)s") % {"score": ex["score"]},
        _("Counts in the total: %(score)s × %(weight)s%% = %(weighted)s points")
        % {
            "score": ex["score"],
            "weight": f"{committee.weight * 100:.0f}",
            "weighted": ex["weighted"],
        },
    ]


def _context(request, a: Appraisal, bound: dict | None = None) -> dict:
    user, bound = request.user, bound or {}
    now = clock.now()
    review = services.review_of(a)
    committee = committee_of(a.pk)
    tasks = tasks_of(committee) if committee else []
    for t in tasks:
        t.is_overdue = t.state == CommitteeTask.State.OPEN and t.due_at < now
    members = [t for t in tasks if t.kind == CommitteeTask.Kind.SCORE]
    report = report_of(a.pk)
    is_employee = a.employee.user_id == user.pk
    hr = is_hr(user, a.company_id)
    is_open = committee is not None and committee.state == Committee.State.OPEN
    mine = task_held(user, tasks, CommitteeTask.Kind.SCORE) if is_open else None
    close = task_held(user, tasks, CommitteeTask.Kind.CLOSE) if is_open else None
    in_progress = a.state == Appraisal.State.IN_PROGRESS
    may_write = (
        is_employee and in_progress and (report is None or report.state == SelfReport.State.DRAFT)
    )
    return {
        "a": a,
        "review": review,
        "rule_words": RULE_WORDS.get(review.rule, ""),
        "weight_pct": f"{review.weight * 100:.0f}",
        "committee": committee,
        "members": members,
        "scored": sum(1 for t in members if t.state == CommitteeTask.State.DONE),
        "report": report,
        "report_submitted": report is not None and report.state == SelfReport.State.SUBMITTED,
        "is_employee": is_employee,
        "report_form": (
            bound.get("report") or ReportForm(initial={"text": report.text if report else ""})
        )
        if may_write
        else None,
        "form_form": (bound.get("form") or FormCommitteeForm(people=_people(a)))
        if hr and committee is None and in_progress
        else None,
        "my_task": mine if mine and mine.state == CommitteeTask.State.OPEN else None,
        "score_form": (bound.get("score") or ScoreForm())
        if mine and mine.state == CommitteeTask.State.OPEN
        else None,
        "may_close": close is not None and close.state == CommitteeTask.State.OPEN,
        "show_members": (sees := sees_members(user, a, tasks)),
        "show_scores": committee is not None and sees and (not is_open or hr),
        "lines": (_lines(committee) if sees else _outcome(committee))
        if committee and not is_open
        else [],
    }


@login_required
@require_GET
def page(request, pk: int):
    a = _reader(request, pk)
    return render(request, "people/committee.html", _context(request, a))


def _act(request, a: Appraisal, what: str, data: dict) -> None:
    user = request.user
    if what == "report":
        services.report_save(
            actor=user, appraisal_id=a.pk, text=data["text"], submit=bool(data["submit"])
        )
        return
    if what == "form":
        services.committee_form(
            actor=user, appraisal_id=a.pk, members=data["members"], chair=data["chair"]
        )
        return
    committee = committee_of(a.pk)
    if committee is None:
        raise NotFound("no committee yet", field="committee", rule="exists")
    if what == "close":
        services.committee_close(actor=user, committee_id=committee.pk)
        return
    task = task_held(user, tasks_of(committee), CommitteeTask.Kind.SCORE)
    if task is None:
        raise InvalidInput("you hold no scoring on this committee", field="score", rule="holder")
    services.committee_score(
        actor=user, task_id=task.pk, score=data["score"], comment=data["comment"]
    )


DONE = {
    "report": gettext_lazy("Your self-report is saved."),
    "submitted": gettext_lazy(
        "Your self-report is submitted; the committee's members can read it."
    ),
    "form": gettext_lazy("The committee is formed; its members are told."),
    "score": gettext_lazy("Your score is recorded."),
    "close": gettext_lazy("The committee review is closed; the combined score is entered."),
}


@login_required
@require_POST
def act(request, pk: int, what: str):
    if what not in FORMS:
        raise Http404("no such action")
    a = _reader(request, pk)
    if what == "form":
        form = FormCommitteeForm(request.POST, people=_people(a))
    else:
        form = FORMS[what](request.POST)
    if not form.is_valid():
        ctx = _context(request, a, {what: form})
        return render(request, "people/committee.html", ctx, status=400)
    try:
        _act(request, a, what, form.cleaned_data)
    except DomainError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, error_text(exc))
        ctx = _context(request, a, {what: form})
        ctx["error"] = exc
        return render(request, "people/committee.html", ctx, status=exc.status)
    done = "submitted" if what == "report" and form.cleaned_data["submit"] else what
    messages.success(request, DONE[done])
    return redirect("people:committee", pk=a.pk)


def closed_summary(a: Appraisal, user) -> dict | None:
    """A closed committee review as the result explains it: each member's score and the
    combination line by line to those who see the members (`sees_members`), the
    combined score alone to the appraised person (None while open, or without one)."""
    if services.review_of(a) is None:  # no query for the appraisals without one
        return None
    committee = committee_of(a.pk)
    if committee is None or committee.state != Committee.State.CLOSED:
        return None
    tasks = tasks_of(committee)
    if not sees_members(user, a, tasks):
        return {"committee": committee, "members": [], "lines": _outcome(committee)}
    members = [t for t in tasks if t.kind == CommitteeTask.Kind.SCORE]
    return {"committee": committee, "members": members, "lines": _lines(committee)}


def inbox_rows(user) -> list[CommitteeTask]:
    """The inbox's committee rows: the scoring and closing tasks the person holds."""
    now = clock.now()
    rows = list(committee_inbox(user)[:200])
    for t in rows:
        # the appraised person's row: their self-report, due before the members score
        t.owes_report = t.appraisal.employee.user_id == user.pk
        t.is_overdue = t.due_at < now and not t.owes_report
    return rows
