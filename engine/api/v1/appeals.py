"""Appeals through the API: read the appeal of an appraisal the caller may see, list the
appeals a person filed or holds a step of (HR, the GM and auditors: the company's), file
one, and decide a step — the pages' services, so the same rules and refusals."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.errors import InvalidInput, NotFound
from engine.org.selectors import company_roles

from . import serializers as s
from .common import ERRORS, _companies, _readable, _valid
from .paging import PAGE_PARAMS, CursorPage, paged


def _appeal(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "appraisal": appeal.appraisal_id,
        "employee_number": appeal.appraisal.employee.number,
        "filed_at": appeal.filed_at,
        "items": [str(i) for i in appeal.items],
        "reason": appeal.reason,
        "state": appeal.state,
        "outcome": appeal.outcome,
        "decision_reason": appeal.decision_reason,
        "version_before": appeal.version_before,
        "version_after": appeal.version_after,
        "steps": [
            {
                "seq": st.seq,
                "code": st.code,
                "state": st.state,
                "holder": st.assignee.get_username() if st.assignee_id else st.holder_role or None,
                "due_at": st.due_at,
                "note": st.note,
            }
            for st in appeal.steps.select_related("assignee").order_by("seq")
        ],
    }


class Appeals(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=PAGE_PARAMS,
        responses={200: s.AppealOut(many=True), **ERRORS},
        summary="Appeals the caller filed or holds a step of (HR, GM, auditors: all)",
        operation_id="appeals_list",
    )
    def get(self, request):
        roles = company_roles(request.user)
        wide = {c for c in _companies(request) if roles.get(c, set()) & {"hr", "gm", "auditor"}}
        mine = Q(filed_by=request.user) | Q(steps__assignee=request.user)
        qs = (
            Appeal.objects.filter(company_id__in=_companies(request))
            .filter(Q(company_id__in=wide) | mine)
            .distinct()
            .select_related("appraisal__employee")
        )
        return paged(self, request, qs, s.AppealOut, _appeal)


class AppraisalAppeal(APIView):
    """GET reads (the appraisal's readers); POST files (its employee, session only)."""

    scope_needed = {"GET": "read", "POST": "steps:write"}

    @extend_schema(
        responses={200: s.AppealOut, **ERRORS},
        summary="The appeal of an appraisal",
        operation_id="appraisal_appeal_get",
    )
    def get(self, request, pk: int):
        a = _readable(request, pk)
        appeal = Appeal.objects.filter(appraisal=a).select_related("appraisal__employee").first()
        if appeal is None:
            raise NotFound("this appraisal has no appeal", field="appeal", rule="exists")
        return Response(s.AppealOut(_appeal(appeal)).data)

    @extend_schema(
        request=s.AppealIn,
        responses={201: s.AppealOut, **ERRORS},
        summary="File an appeal against a published result (its employee)",
        operation_id="appraisal_appeal_file",
    )
    def post(self, request, pk: int):
        a = _readable(request, pk)
        data = _valid(s.AppealIn, request)
        appeal = appeals.appeal_file(
            actor=request.user, appraisal_id=a.pk, items=data["items"], reason=data["reason"]
        )
        return Response(s.AppealOut(_appeal(appeal)).data, status=201)


class AppealStep(APIView):
    scope_needed = "steps:write"

    @extend_schema(
        request=s.AppealStepIn,
        responses={200: s.AppealOut, **ERRORS},
        summary="Decide an appeal step: mediation, hr_intake, investigation or decision",
        operation_id="appeal_step",
    )
    def post(self, request, pk: int, code: str):
        appeal = Appeal.objects.filter(pk=pk, company_id__in=_companies(request)).first()
        if appeal is None:
            raise NotFound("no such appeal", field="appeal", rule="exists")
        d = _valid(s.AppealStepIn, request)
        who = {"actor": request.user, "appeal_id": appeal.pk}
        if code == "mediation":
            appeals.appeal_mediate(**who, resolved=d["resolved"], note=d["note"])
        elif code == "hr_intake":
            appeals.appeal_intake(**who, accepted=d["accepted"], reason=d["reason"])
        elif code == "investigation":
            appeals.appeal_investigate(
                **who, findings=d["findings"], obstruction_by_head=d["obstruction_by_head"]
            )
        elif code == "decision":
            appeals.appeal_decide(
                **who,
                upheld=d["upheld"],
                reason=d["reason"],
                corrections=[dict(c) for c in d.get("corrections", [])],
            )
        else:
            raise InvalidInput(
                "mediation, hr_intake, investigation or decision", field="step", rule="choices"
            )
        appeal.refresh_from_db()
        return Response(s.AppealOut(_appeal(appeal)).data)
