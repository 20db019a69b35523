"""HR's follow-up board (结果之后): per cycle and department, which feedback interviews
were held on time, held late or are missing, and which acknowledgements are signed,
declined or missing; every person's row links to their page. Only HR of the company."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from engine.appraisals.models import Cycle
from engine.followup.models import FollowUp
from engine.followup.selectors import by_appraisal, cycle_board
from engine.org.models import Department
from workflows.common.labels import FOLLOWUP_STATUS as STATUS_WORDS
from workflows.common.labels import name
from workflows.common.listing import FilterForm, kept_query, page_numbers, page_of

from .views import _denied, _hr_company


class BoardFilter(FilterForm):
    cycle = forms.TypedChoiceField(label=_("Cycle"), coerce=int, required=False, empty_value=None)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(
        label=_("Interview"),
        required=False,
        choices=[
            ("", _("All")),
            *(
                (k, v)
                for k, v in STATUS_WORDS.items()
                if k in {"held", "late", "missing", "pending"}
            ),
        ],
    )

    def __init__(self, *args, company, **kw):
        super().__init__(*args, **kw)
        cycles = Cycle.objects.filter(company=company).order_by("-end", "-start")
        self.fields["cycle"].choices = [(c.pk, c.period) for c in cycles]
        depts = Department.objects.filter(company=company).order_by("code")
        self.fields["department"].choices = [("", _("All"))] + [(d.pk, name(d)) for d in depts]


@login_required
@require_GET
def followup_board(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    data = request.GET.copy()
    if not data.get("cycle"):
        # by default the newest cycle with published results (the month being
        # appraised has nothing after its result yet)
        newest = (
            FollowUp.objects.filter(company_id=company.pk)
            .order_by("-appraisal__cycle__start")
            .values_list("appraisal__cycle_id", flat=True)
            .first()
        )
        if newest:
            data["cycle"] = str(newest)
    form = BoardFilter(data, company=company)
    chosen = form.cleaned_data if form.is_valid() else {}
    cycle_id = chosen.get("cycle")
    board = (
        cycle_board(
            company_id=company.pk, cycle_id=cycle_id, department_id=chosen.get("department")
        )
        if cycle_id
        else None
    )
    people = []
    if board is not None:
        for _pk, kinds in by_appraisal(board.rows).items():
            interview = kinds.get("interview")
            if chosen.get("status") and (interview is None or interview[1] != chosen["status"]):
                continue
            ack = kinds.get("acknowledge")
            a = (interview or ack)[0].appraisal
            people.append(
                {
                    "a": a,
                    "interview": interview[0] if interview else None,
                    "interview_status": interview[1] if interview else "",
                    "interview_words": STATUS_WORDS.get(interview[1], "") if interview else "—",
                    "ack": ack[0] if ack else None,
                    "ack_status": ack[1] if ack else "",
                    "ack_words": STATUS_WORDS.get(ack[1], "") if ack else "—",
                }
            )
    # what needs HR first: missing, then late, then not yet due, then held
    order = {"missing": 0, "late": 1, "pending": 2, "held": 3, "": 4}
    people.sort(key=lambda p: (order[p["interview_status"]], p["ack_status"] != "missing"))
    page = page_of(request, people)
    return render(
        request,
        "hr/followup.html",
        {
            "company": company,
            "form": form,
            "board": board,
            "people": list(page),
            "page": page,
            "numbers": page_numbers(page),
            "kept": kept_query(request),
            "cycle_id": cycle_id,
            "nav": "followup",
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )
