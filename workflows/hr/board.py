"""HR's cycle board: every appraisal of a cycle in one table with its current step,
holder, due date and result, filters, pages, progress per department, what is still
missing, and bulk reminders or pushes for the chosen rows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from engine import clock
from engine.appraisals import services
from engine.appraisals.gaps import cycle_gaps
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.reminders import last_reminded, remind_window
from engine.appraisals.selectors import overdue_steps
from engine.errors import DomainError
from engine.org.models import Department, Employee
from engine.org.names import by_pinyin
from engine.org.selectors import is_hr
from workflows.common.confirm import ask, confirmed
from workflows.common.denied import role_denied
from workflows.common.error_summary import form_lines
from workflows.common.labels import STEPS, error_text, name, position_words
from workflows.common.listing import FilterForm, kept_query, page_of
from workflows.common.templatetags.jixiao import holder

DONE = ("published", "final")
# not appraised this cycle (a leaver's withdrawn appraisal, an exemption): neither done
# nor to do, so a department's bar is not filled by people who left
GONE = ("withdrawn", "exempt")
CHAIN_STEPS = ("self", "supervisor", "dept_head", "hr", "gm", "board")


class BoardFilter(FilterForm):
    q = forms.CharField(
        label=gettext_lazy("Search by name or number"), required=False, max_length=100
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )
    step = forms.ChoiceField(label=gettext_lazy("Current step"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("All")), *Appraisal.State.choices],
    )
    late = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args, cycle: Cycle, **kw):
        super().__init__(*args, **kw)
        every = [("", gettext_lazy("All"))]
        depts = Department.objects.filter(
            pk__in=Appraisal.objects.filter(cycle=cycle).values("department_id")
        ).order_by("name")
        self.fields["department"].choices = every + [(d.pk, str(d)) for d in depts]
        self.fields["step"].choices = every + [(c, STEPS[c]) for c in CHAIN_STEPS]


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("remind", gettext_lazy("Remind")),
            ("push", gettext_lazy("Push overdue on")),
            ("reassign", gettext_lazy("Hand to another person")),
        ]
    )
    ids = forms.TypedMultipleChoiceField(coerce=int)
    reason = forms.CharField(required=False, max_length=500)
    to = forms.ModelChoiceField(queryset=Employee.objects.none(), required=False)

    def __init__(self, *args, cycle: Cycle, **kw):
        super().__init__(*args, **kw)
        pks = Appraisal.objects.filter(cycle=cycle).values_list("pk", flat=True)
        self.fields["ids"].choices = [(pk, pk) for pk in pks]
        self.fields["to"].queryset = Employee.objects.filter(
            company_id=cycle.company_id, status=Employee.Status.ACTIVE
        ).order_by("name")
        self.fields["ids"].error_messages["required"] = _("Choose at least one appraisal.")
        self.fields["action"].error_messages["required"] = _("Choose an action.")

    def clean(self):
        """What each action needs, checked before the confirmation page: a push its
        reason, a hand-over the person who takes the steps."""
        d = super().clean()
        if d.get("action") == "push" and not (d.get("reason") or "").strip():
            self.add_error("reason", _("Write why the overdue steps are pushed on."))
        if d.get("action") == "reassign" and d.get("to") is None and "to" not in self.errors:
            self.add_error("to", _("Choose who takes the steps over."))
        return d


def _progress(cycle: Cycle) -> list[dict]:
    rows = (
        Appraisal.objects.filter(cycle=cycle)
        .exclude(state__in=GONE)
        .values("department__name", "department__name_en")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(state__in=DONE)))
        .order_by("department__name")
    )
    return [
        {
            "name": name({"name_zh": r["department__name"], "name_en": r["department__name_en"]}),
            "n": r["n"],
            "done": r["done"],
            "pct": round(100 * r["done"] / r["n"]) if r["n"] else 0,
        }
        for r in rows
    ]


def _refusal_text(step, exc, to) -> str:
    """`王芳 · Supervisor's review — 李明: they have the same supervisor …`"""
    return _("%(item)s · %(step)s — %(person)s: %(why)s") % {
        "item": step.appraisal.employee.name,
        "step": STEPS.get(step.code, step.code),
        "person": to.name,
        "why": error_text(exc),
    }


def _hand_over_plan(cycle: Cycle, form: BulkForm):
    """What a hand-over would really move; when nothing would, each refusal is put at
    the person's field and no confirmation is asked (never a confirmed no-op)."""
    d = form.cleaned_data
    if d["action"] != "reassign":
        return None
    to = d["to"]  # add_error drops the field from cleaned_data
    plan = services.hand_over_plan(cycle=cycle, appraisal_ids=d["ids"], user=to.user)
    if not plan.moving:
        for s, exc in plan.refused:
            form.add_error("to", _refusal_text(s, exc, to))
        if not plan.refused:
            form.add_error("ids", _("None of these appraisals has an open step."))
    return plan


def _when(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _reminded_lately(step, at) -> str:
    """`王芳 · Self-review: 王芳 was reminded at 2026-11-05 10:31, less than 60 minutes ago.`"""
    return _(
        "%(item)s · %(step)s: %(holder)s was reminded at %(at)s, less than %(minutes)s minutes ago."
    ) % {
        "item": step.appraisal.employee.name,
        "step": STEPS.get(step.code, step.code),
        "holder": holder(step),
        "at": _when(at),
        "minutes": int(remind_window().total_seconds() // 60),
    }


def _not_overdue(step) -> str:
    return _("%(item)s · %(step)s: due %(due)s, not overdue yet.") % {
        "item": step.appraisal.employee.name,
        "step": STEPS.get(step.code, step.code),
        "due": step.due_date.isoformat(),
    }


def _left_out_plan(cycle: Cycle, form: BulkForm):
    """For a reminder or a push: the steps it would reach and those it leaves out, with
    why (reminded inside the window; not overdue yet). When it would reach none, each
    reason is said at the rows' field and no confirmation is asked."""
    d = form.cleaned_data
    if d["action"] == "remind":
        plan = services.remind_plan(cycle=cycle, appraisal_ids=d["ids"])
        going, left = plan.sent, [_reminded_lately(st, at) for st, at in plan.skipped]
    elif d["action"] == "push":
        now = clock.now()
        steps = AppraisalStep.objects.filter(
            appraisal__cycle=cycle, appraisal_id__in=d["ids"], state=AppraisalStep.State.OPEN
        ).select_related("appraisal__employee")
        going = [st for st in steps if st.due_at < now]
        left = [_not_overdue(st) for st in steps if st.due_at >= now]
    else:
        return None
    if not going:
        for line in left or [_("None of these appraisals has an open step.")]:
            form.add_error("ids", line)
    return {"going": going, "left": left}


def _ask(request, cycle: Cycle, form: BulkForm, plan=None):
    """The chosen rows and what the action will do to them, before it does it (the
    form is valid: what it lacks was said at its field first)."""
    d = form.cleaned_data
    chosen = Appraisal.objects.filter(cycle=cycle, pk__in=d["ids"])
    n = chosen.count()
    words = {
        "remind": _("The holder of each open step among these %(n)s appraisals is reminded."),
        "push": _(
            "The overdue steps among these %(n)s appraisals are pushed on: recorded as "
            "skipped after the deadline, the late penalty applies."
        ),
        "reassign": _("The open steps of these %(n)s appraisals go to %(name)s."),
    }
    summary = [words[d["action"]] % {"n": n, "name": d["to"].name if d["to"] else ""}]
    names = chosen.order_by("employee__name").values_list("employee__name", flat=True)
    if isinstance(plan, dict):  # a reminder or a push: only the rows it reaches are named
        going = plan["going"]
        names = sorted({st.appraisal.employee.name for st in going})
        summary = [words[d["action"]] % {"n": len(names)}]
        if plan["left"]:
            summary.append(
                _("Left out (%(n)s):") % {"n": len(plan["left"])}
                if d["action"] == "remind"
                else _("Left out, not overdue yet (%(n)s):") % {"n": len(plan["left"])}
            )
            summary += plan["left"]
    elif plan is not None:
        summary = [
            ngettext(
                "%(n)s open step goes to %(name)s.",
                "%(n)s open steps go to %(name)s.",
                len(plan.moving),
            )
            % {"n": len(plan.moving), "name": d["to"].name}
        ]
        if plan.refused:
            summary.append(
                _("%(n)s are refused and stay where they are:") % {"n": len(plan.refused)}
            )
            summary += [_refusal_text(s, exc, d["to"]) for s, exc in plan.refused]
    if d["action"] == "push" and d["reason"]:
        summary.insert(1, _("Reason: %(reason)s") % {"reason": d["reason"]})
    return ask(
        request,
        nav="hr/_nav.html",
        title=str(dict(BulkForm.base_fields["action"].choices)[d["action"]]) + "?",
        summary=summary,
        names=names,
        action=f"{request.path}?{kept_query(request)}",
        button=_("Confirm"),
        back=f"{request.path}?{kept_query(request)}",
        # Back shows the board with the ticked rows, the action and the text kept.
        back_post=f"{request.path}?{kept_query(request)}",
        form_id="bulk-confirm",
        company=cycle.company,
    )


def _bulk(request, cycle: Cycle, form: BulkForm) -> None:
    """Do the confirmed action; a refusal of the service is put at its field."""
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    try:
        if action == "remind":
            done = services.steps_remind(actor=request.user, cycle=cycle, appraisal_ids=ids)
            messages.success(
                request,
                ngettext("%(n)s holder reminded.", "%(n)s holders reminded.", len(done.sent))
                % {"n": len(done.sent)},
            )
            for st, at in done.skipped:
                messages.warning(
                    request, _("Not reminded again — %(why)s") % {"why": _reminded_lately(st, at)}
                )
            return
        if action == "reassign":
            to = form.cleaned_data["to"]
            done = services.steps_hand_to(
                actor=request.user, cycle=cycle, appraisal_ids=ids, user=to.user
            )
            messages.success(
                request,
                ngettext(
                    "%(n)s step handed to %(name)s.",
                    "%(n)s steps handed to %(name)s.",
                    len(done.moving),
                )
                % {"n": len(done.moving), "name": to.name},
            )
            for s, exc in done.refused:
                messages.error(request, _refusal_text(s, exc, to))
            return
        moved, refused = services.steps_push_overdue(
            actor=request.user,
            cycle=cycle,
            appraisal_ids=ids,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        field = {"appraisals": "ids", "user": "to"}.get(exc.field or "", exc.field or "")
        form.add_error(field if field in form.fields else None, error_text(exc))
        return
    messages.success(
        request,
        ngettext("%(n)s overdue step pushed on.", "%(n)s overdue steps pushed on.", moved)
        % {"n": moved},
    )
    who = dict(
        Appraisal.objects.filter(pk__in=[pk for pk, _exc in refused]).values_list(
            "pk", "employee__name"
        )
    )
    for pk, exc in refused:  # whose step, not a bare reason
        messages.error(
            request, _("%(name)s: %(why)s") % {"name": who.get(pk, ""), "why": error_text(exc)}
        )


@login_required
def board(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return role_denied(request, "hr", _("HR only"))
    bulk = None
    if request.method == "POST":
        # The form is checked before the confirmation: what is missing is said at its
        # field, with the ticked rows and the typed text kept.
        bulk = BulkForm(request.POST, cycle=cycle)
        back = request.POST.get("back") == "1"  # from the confirmation: nothing done
        if not back and bulk.is_valid():
            plan = _hand_over_plan(cycle, bulk) or _left_out_plan(cycle, bulk)
        if not back and bulk.is_valid() and not bulk.errors:
            if not confirmed(request):
                return _ask(request, cycle, bulk, plan)
            _bulk(request, cycle, bulk)
            if not bulk.errors:
                return redirect(f"{request.path}?{kept_query(request)}")
    now = clock.now()
    late = overdue_steps(now).filter(appraisal=OuterRef("pk"))
    apps = Appraisal.objects.filter(cycle=cycle).annotate(late=Exists(late))
    filters = BoardFilter(request.GET, cycle=cycle)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    if chosen.get("q"):
        text = chosen["q"].strip()
        apps = apps.filter(Q(employee__name__icontains=text) | Q(employee__number__icontains=text))
    if chosen.get("department"):
        apps = apps.filter(department_id=chosen["department"])
    if chosen.get("step"):
        # the step an appraisal is at, or the role holding its open step: the GM's own
        # approval goes to the board (workflow.md §3) and is the board's to act on
        held = AppraisalStep.objects.filter(
            appraisal__cycle=cycle,
            state=AppraisalStep.State.OPEN,
            holder_role=chosen["step"],
            assignee=None,
        ).values("appraisal_id")
        apps = apps.filter(Q(current_step=chosen["step"]) | Q(pk__in=held))
    if chosen.get("state"):
        apps = apps.filter(state=chosen["state"])
    if chosen.get("late"):
        apps = apps.filter(late=True)
    open_steps = AppraisalStep.objects.filter(state=AppraisalStep.State.OPEN).select_related(
        "assignee__employee"
    )
    page = page_of(
        request,
        apps.select_related("employee__position", "department")
        .prefetch_related(Prefetch("steps", queryset=open_steps, to_attr="open_steps"))
        .order_by(by_pinyin("department__name"), by_pinyin("employee__name"), "pk"),
        per_page=50,
    )
    back = bulk is not None and request.POST.get("back") == "1"
    kept = _kept(bulk, back)
    reminded = last_reminded(st for a in page for st in a.open_steps)
    rows = []
    for a in page:
        step = a.open_steps[0] if a.open_steps else None
        shown = a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)
        t = template_for(a)
        grade = next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
        rows.append(
            {
                "a": a,
                "step": step,
                "position": position_words(a),
                "total": a.total if a.total is not None else None,
                "grade": name(grade) if grade else "",
                "published": shown,
                "chosen": str(a.pk) in kept["ids"],
                "reminded": reminded.get(step.pk) if step is not None else None,
            }
        )
    gaps = cycle_gaps(cycle)
    return render(
        request,
        "hr/board.html",
        {
            "cycle": cycle,
            "company": cycle.company,
            "rows": rows,
            "page": page,
            "kept": kept_query(request),
            "filters": filters,
            "progress": _progress(cycle),
            "overdue": overdue_steps(now).filter(appraisal__cycle=cycle).count(),
            "gaps": gaps,
            "people": Employee.objects.filter(
                company_id=cycle.company_id, status=Employee.Status.ACTIVE
            )
            .order_by("name")
            .only("pk", "name"),
            "not_final": Appraisal.objects.filter(cycle=cycle)
            .exclude(
                state__in=[Appraisal.State.FINAL, Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT]
            )
            .count(),
            "bulk": kept,
            "error_summary": [] if back else _summary(bulk),
        },
        status=400 if bulk is not None and not back and bulk.errors else 200,
    )


# The bulk form's inputs on the board: (element id, label) for the error summary.
BULK_FIELDS = {
    "ids": ("board", gettext_lazy("For the chosen rows")),
    "action": ("bulk-action", gettext_lazy("Action")),
    "to": ("bulk-to", gettext_lazy("Who takes them over")),
    "reason": ("bulk-reason", gettext_lazy("Reason (needed to push on)")),
}


def _summary(form: BulkForm | None) -> list[dict]:
    """The bulk form's errors for the summary at the top of the board: on a phone the
    form is thousands of pixels below, under the table."""
    return form_lines(
        form,
        label=lambda k: BULK_FIELDS[k][1],
        target=lambda k: BULK_FIELDS[k][0],
        whole="bulk-fields",
    )


def _kept(form: BulkForm | None, back: bool = False) -> dict:
    """What the bulk form held when it was refused or left by "back" on the
    confirmation: the ticked rows, the action, the person and the reason, and each
    error at its field (none after "back")."""
    if form is None:
        return {"ids": set(), "errors": {}}
    if back:
        post = form.data
        return {
            "ids": set(post.getlist("ids")),
            "action": post.get("action", ""),
            "to": post.get("to", ""),
            "reason": post.get("reason", ""),
            "errors": {},
        }
    post = form.data
    return {
        "ids": set(post.getlist("ids")),
        "action": post.get("action", ""),
        "to": post.get("to", ""),
        "reason": post.get("reason", ""),
        "errors": {
            ("form" if k == "__all__" else k): " ".join(str(m) for m in v)
            for k, v in form.errors.items()
        },
    }
