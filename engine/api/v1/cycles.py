"""Cycles through the API: list, open, cancel, progress, and the targets and metrics
bulk upserts (the Excel import's code)."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine import clock
from engine.appraisals import services
from engine.appraisals.gaps import cycle_gaps
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.errors import Forbidden, InvalidInput
from engine.imports.cycle_data import import_metrics, import_targets
from engine.org.models import Department
from engine.org.selectors import company_roles

from . import serializers as s
from .common import ERRORS, _code, _companies, _company, _cycle, _valid
from .paging import PAGE_PARAMS, CursorPage, paged


class Cycles(APIView):
    scope_needed = {"GET": "read", "POST": "cycles:write"}  # opening: people, not tokens
    pagination_class = CursorPage

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, required=False, description="Only this one: 2026-11."
            ),
            *PAGE_PARAMS,
        ],
        responses={200: s.CycleOut(many=True), **ERRORS},
        summary="Cycles",
        operation_id="cycles_list",
    )
    def get(self, request):
        cycles = Cycle.objects.filter(company_id__in=_companies(request)).select_related("company")
        period = _code(request, "period")
        if period:
            cycles = cycles.filter(period=period)
        return paged(self, request, cycles, s.CycleOut)

    @extend_schema(
        request=s.CycleIn,
        responses={201: s.CycleOut, **ERRORS},
        summary="Open a cycle",
        operation_id="cycles_open",
    )
    def post(self, request):
        data = _valid(s.CycleIn, request)
        company = _company(request, data["company"])
        codes = data.get("departments") or []
        depts = dict(
            Department.objects.filter(company=company, code__in=codes).values_list("code", "pk")
        )
        missing = [c for c in codes if c not in depts]
        if missing:
            raise InvalidInput(f"no departments {missing}", field="departments", rule="exists")
        cycle = services.cycle_open(
            actor=request.user,
            company=company,
            kind=data["kind"],
            period=data["period"].strip(),
            department_ids=[depts[c] for c in codes],
            calibration_required=data["calibrate"],
            targets_later=data["targets_later"],
        )
        return Response(s.CycleOut(cycle).data, status=201)


class CycleCancel(APIView):
    scope_needed = "cycles:write"

    @extend_schema(
        request=s.ReasonIn,
        responses={200: s.CycleOut, **ERRORS},
        summary="Cancel a cycle",
        operation_id="cycles_cancel",
    )
    def post(self, request, pk: int):
        cycle = _cycle(request, pk)
        services.cycle_cancel(
            actor=request.user, cycle=cycle, reason=_valid(s.ReasonIn, request)["reason"]
        )
        cycle.refresh_from_db()
        return Response(s.CycleOut(cycle).data)


class CycleProgress(APIView):
    scope_needed = "read"

    @extend_schema(
        responses={200: s.ProgressOut, **ERRORS},
        summary="A cycle's progress",
        operation_id="cycles_progress",
    )
    def get(self, request, pk: int):
        cycle = _cycle(request, pk)
        if cycle.company_id not in {
            c for c, r in company_roles(request.user).items() if r & {"hr", "gm", "auditor"}
        }:
            raise Forbidden(
                "HR, the GM or an auditor reads a cycle's progress", field="actor", rule="role:hr"
            )
        states = dict(
            Appraisal.objects.filter(cycle=cycle).values_list("state").annotate(n=Count("pk"))
        )
        gaps = cycle_gaps(cycle)
        ids = {g.appraisal_id for g in gaps.metrics} | {g.appraisal_id for g in gaps.implausible}
        number = dict(Appraisal.objects.filter(pk__in=ids).values_list("pk", "employee__number"))
        return Response(
            {
                "appraisals": sum(states.values()),
                "by_state": {state: states.get(state, 0) for state in Appraisal.State.values},
                "overdue_steps": AppraisalStep.objects.filter(
                    appraisal__cycle=cycle, state=AppraisalStep.State.OPEN, due_at__lt=clock.now()
                ).count(),
                "missing_targets": len(gaps.targets),
                "missing_metrics": len(gaps.metrics),
                "implausible_values": len(gaps.implausible),
                "metrics_to_load": [
                    {
                        "appraisal": g.appraisal_id,
                        "number": number[g.appraisal_id],
                        "employee": g.employee,
                        "indicator": g.indicator,
                    }
                    for g in gaps.metrics
                ],
                "targets_to_set": [
                    {
                        "pack": g.pack,
                        "role": g.role,
                        "indicator": g.indicator,
                        "appraisals": g.appraisals,
                    }
                    for g in gaps.targets
                ],
                "implausible": [
                    {
                        "appraisal": g.appraisal_id,
                        "number": number[g.appraisal_id],
                        "employee": g.employee,
                        "indicator": g.indicator,
                        "kind": g.kind,
                        "value": g.value,
                    }
                    for g in gaps.implausible
                ],
            }
        )


def _imported(request, pk: int, serializer, run) -> Response:
    """Rows through the Excel import's code: its report, 422 when a row is bad."""
    cycle = _cycle(request, pk)
    rows = [(i, dict(r)) for i, r in enumerate(_valid(serializer, request)["rows"], start=1)]
    report = run(actor=request.user, cycle=cycle, rows=rows)
    return Response(report.as_dict(), status=200 if report.ok else 422)


class CycleMetrics(APIView):
    scope_needed = "metrics:write"

    @extend_schema(
        request=s.MetricsIn,
        responses={200: s.ImportReportOut, 422: s.ImportReportOut, **ERRORS},
        summary="Load system metrics (the Excel import's code)",
        operation_id="cycles_metrics_put",
    )
    def put(self, request, pk: int):
        return _imported(request, pk, s.MetricsIn, import_metrics)


class CycleTargets(APIView):
    scope_needed = "metrics:write"

    @extend_schema(
        request=s.TargetsIn,
        responses={200: s.ImportReportOut, 422: s.ImportReportOut, **ERRORS},
        summary="Set the cycle's targets (the Excel import's code)",
        operation_id="cycles_targets_put",
    )
    def put(self, request, pk: int):
        return _imported(request, pk, s.TargetsIn, import_targets)
