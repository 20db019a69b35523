"""Appraisals through the API: the list (cursor pages), one appraisal, the inbox, and
the step actions, reassignment and score preview (the pages' services and checks)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.appraisals import selectors, services
from engine.appraisals.annual_words import with_words
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.visibility import visible_appraisals
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.org.models import Employee

from . import serializers as s
from .common import ERRORS, _appraisal, _companies, _int, _readable, _valid
from .paging import PAGE_PARAMS, CursorPage, paged

ACTIONS = ("submit", "return", "push")  # a step's actions through the API


class Appraisals(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=[
            OpenApiParameter("cycle", OpenApiTypes.INT, required=False),
            OpenApiParameter(
                "state", OpenApiTypes.STR, required=False, enum=list(Appraisal.State.values)
            ),
            *PAGE_PARAMS,
        ],
        responses={200: s.AppraisalOut(many=True), **ERRORS},
        summary="Appraisals the caller may see",
        operation_id="appraisals_list",
    )
    def get(self, request):
        qs = visible_appraisals(request.user).filter(company_id__in=_companies(request))
        cycle = _int(request, "cycle")
        if cycle is not None:
            qs = qs.filter(cycle_id=cycle)
        state = request.query_params.get("state")
        if state:
            if state not in Appraisal.State.values:
                raise InvalidInput("unknown state", field="state", rule="choices")
            qs = qs.filter(state=state)
        qs = qs.select_related("cycle", "employee", "department")
        return paged(self, request, qs, s.AppraisalOut, lambda a: _appraisal(a, request.user))


class Inbox(APIView):
    """The caller's open steps, paged like every list that can grow: HR holds a step of
    each appraisal of the company at once (it was cut at 100 rows before)."""

    scope_needed = "steps:write"
    pagination_class = CursorPage

    @extend_schema(
        parameters=PAGE_PARAMS,
        responses={200: s.InboxStepOut(many=True), **ERRORS},
        summary="My open steps",
        operation_id="inbox_list",
    )
    def get(self, request):
        steps = (
            selectors.inbox_steps(request.user)
            .filter(company_id__in=_companies(request))
            .select_related("appraisal__employee", "appraisal__cycle")
        )
        return paged(self, request, steps, s.InboxStepOut, _inbox_row)


def _inbox_row(st) -> dict:
    return {
        "id": st.pk,
        "appraisal": st.appraisal_id,
        "employee": st.appraisal.employee.name,
        "cycle": st.appraisal.cycle.period,
        "code": st.code,
        "due_date": st.due_date,
        "overdue": st.overdue_at is not None,
    }


class AppraisalDetail(APIView):
    scope_needed = "read"

    @extend_schema(
        responses={200: s.AppraisalDetailOut, **ERRORS},
        summary="One appraisal",
        operation_id="appraisals_get",
    )
    def get(self, request, pk: int):
        a = _readable(request, pk)
        steps = [
            {
                "id": st.pk,
                "code": st.code,
                "state": st.state,
                "due_date": st.due_date,
                "late": st.late,
                "yours": st.state == AppraisalStep.State.OPEN
                and "submit" in available(StepFlow(st, a), request.user),
            }
            for st in a.steps.all()
        ]
        published = a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)
        t = template_for(a)
        versions = [
            {
                "number": v.number,
                "total": str(v.total),
                "grade": v.grade,
                "reason": v.reason,
                "at": v.at,
                "result": with_words(t, v.result),
            }
            for v in (a.versions.all() if published else [])
        ]
        out = {
            **_appraisal(a, request.user),
            "steps": steps,
            # an annual composite's period lines worded in both languages
            "result": with_words(t, a.result) if published else None,
            "versions": versions,
        }
        return Response(s.AppraisalDetailOut(out).data)


class StepAction(APIView):
    scope_needed = "steps:write"  # people act on steps; integration tokens do not

    @extend_schema(
        parameters=[
            OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ACTIONS))
        ],
        request=s.StepActionIn,
        responses={200: s.AppraisalDetailOut, **ERRORS},
        summary="Submit, return or push a step",
        operation_id="steps_act",
    )
    def post(self, request, pk: int, step_id: int, action: str):
        if action not in ACTIONS:
            raise NotFound("no such action", field="action", rule="exists")
        a = _readable(request, pk)
        data = _valid(s.StepActionIn, request)
        text = data.get("reason" if action == "push" else "comment", "")
        payload = data.get("data") or {}
        if not isinstance(payload, dict):
            raise InvalidInput("data must be an object", field="data", rule="type")
        services.step_act(
            actor=request.user,
            appraisal_id=a.pk,
            step_id=step_id,
            action=action,
            data=payload,
            text=text,
        )
        return AppraisalDetail().get(request, pk)


class StepReassign(APIView):
    scope_needed = "steps:write"

    @extend_schema(
        request=s.ReassignIn,
        responses={200: s.AppraisalDetailOut, **ERRORS},
        summary="HR hands a step to another person",
        operation_id="steps_reassign",
    )
    def post(self, request, pk: int, step_id: int):
        a = _readable(request, pk)
        number = _valid(s.ReassignIn, request)["employee_number"]
        to = Employee.objects.filter(company_id=a.company_id, number=number).first()
        if to is None:
            raise InvalidInput("no such employee", field="employee_number", rule="exists")
        step = AppraisalStep.objects.filter(
            pk=step_id, appraisal=a, state=AppraisalStep.State.OPEN
        ).first()
        if step is None:
            raise NotFound("no such open step", field="step", rule="exists")
        try:
            services.steps_hand_to(
                actor=request.user, cycle=a.cycle, appraisal_ids=[a.pk], user=to.user
            )
        except InvalidInput as exc:  # separation of duties: said at the field sent
            raise InvalidInput(exc.message, field="employee_number", rule=exc.rule) from exc
        return AppraisalDetail().get(request, pk)


class StepPreview(APIView):
    scope_needed = "steps:write"

    @extend_schema(
        request=s.StepActionIn,
        responses={200: s.PreviewOut, **ERRORS},
        summary="Score preview of a step as typed (nothing saved)",
        operation_id="steps_preview",
    )
    def post(self, request, pk: int, step_id: int):
        a = _readable(request, pk)
        step = AppraisalStep.objects.filter(
            pk=step_id, appraisal=a, state=AppraisalStep.State.OPEN
        ).first()
        if step is None or "submit" not in available(StepFlow(step, a), request.user):
            raise Forbidden("you do not hold this step", field="step", rule="holder")
        payload = _valid(s.StepActionIn, request).get("data") or {}
        if not isinstance(payload, dict):
            raise InvalidInput("data must be an object", field="data", rule="type")
        p = score_preview(appraisal=a, step=step, data=payload)
        return Response(
            {
                "complete": p.get("complete", False),
                "total": None if p.get("total") is None else str(p["total"]),
                "grade": p.get("grade"),
                "lines": [
                    {
                        k: (str(v) if v is not None and k in ("score", "max") else v)
                        for k, v in ln.items()
                        if k in ("code", "score", "max")  # the published contract of a line
                    }
                    for ln in p.get("lines", [])
                ],
            }
        )
