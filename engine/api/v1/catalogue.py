"""The rule-pack catalogue and the pulls for integrations: results since a cursor,
a company's audit chain with its hashes, employees."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.errors import Forbidden, NotFound
from engine.org.models import Company, Employee
from engine.org.selectors import company_roles
from engine.plugins import registry
from engine.scoring.catalogue import describe
from engine.trail.selectors import auditable_companies

from . import serializers as s
from .common import ERRORS, _code, _companies, _company, _int
from .paging import PAGE_PARAMS, CursorPage, paged


class Packs(APIView):
    scope_needed = "read"

    @extend_schema(
        responses={200: s.PackOut(many=True), **ERRORS},
        summary="Rule-pack catalogue",
        operation_id="packs_list",
    )
    def get(self, request):
        out = []
        for e in registry.discover():
            if not e.valid or e.pack is None:
                continue
            roles = []
            for t in e.pack.roles:
                inds = []
                for i in t.indicators:
                    zh, en = describe(i)
                    inds.append(
                        {
                            "code": i.code,
                            "name_zh": i.name_zh,
                            "name_en": i.name_en,
                            "weight": str(i.weight),
                            "rule": i.rule,
                            "description_zh": zh,
                            "description_en": en,
                            "sources": list(i.sources),
                        }
                    )
                roles.append(
                    {"role": t.role, "name_zh": t.name_zh, "name_en": t.name_en, "indicators": inds}
                )
            out.append(
                {
                    "pack": e.name,
                    "version": e.version,
                    "title_zh": e.pack.title_zh,
                    "title_en": e.pack.title_en,
                    "roles": roles,
                }
            )
        return Response(s.PackOut(out, many=True).data)


def _result(a: Appraisal) -> dict:
    return {
        "appraisal": a.pk,
        "cursor": a.pk,
        "employee_number": a.employee.number,
        "employee": a.employee.name,
        "cycle": a.cycle.period,
        "total": str(a.total),
        "grade": a.calibrated_grade or a.grade,
        "version": a.result_version,
        "outcomes": (a.result or {}).get("outcomes", {}),
        "final_at": a.final_at,
    }


def _event(e: AuditEvent) -> dict:
    """Exactly what the event's hash covers, under the hash's own names, and the hashes."""
    return {**e.payload(), "prev_hash": e.prev_hash, "hash": e.hash}


class Results(APIView):
    scope_needed = "results:read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.INT, required=False),
            OpenApiParameter("cycle", OpenApiTypes.INT, required=False),
            *PAGE_PARAMS,
        ],
        responses={200: s.ResultOut(many=True), **ERRORS},
        summary="Final results since a cursor (for payroll)",
        operation_id="results_list",
    )
    def get(self, request):
        # A token reaches no further than its person: HR of the company, as on the pages.
        roles = company_roles(request.user)
        companies = {c for c in _companies(request) if "hr" in roles.get(c, set())}
        if not companies:
            raise Forbidden(
                "HR or a results:read token pulls results", field="actor", rule="role:hr"
            )
        since = _int(request, "since", 0)
        qs = Appraisal.objects.filter(
            company_id__in=companies, state=Appraisal.State.FINAL, pk__gt=since
        )
        cycle = _int(request, "cycle")
        if cycle is not None:
            qs = qs.filter(cycle_id=cycle)
        return paged(self, request, qs.select_related("employee", "cycle"), s.ResultOut, _result)


class AuditEvents(APIView):
    scope_needed = "audit:read"
    pagination_class = CursorPage
    cursor_key = "seq"  # one chain: its sequence numbers are unique and rising

    @extend_schema(
        parameters=[
            OpenApiParameter("company", OpenApiTypes.STR, required=True),
            OpenApiParameter("since", OpenApiTypes.INT, required=False),
            *PAGE_PARAMS,
        ],
        responses={200: s.AuditEventOut(many=True), **ERRORS},
        summary="A company's audit chain from a sequence number, with its hashes",
        operation_id="audit_events_list",
    )
    def get(self, request):
        code = _code(request, "company")
        company = Company.objects.filter(code=code).first()
        allowed = _companies(request) & auditable_companies(request.user)  # token ∩ person
        if company is None or company.pk not in allowed:
            raise NotFound("no such company", field="company", rule="exists")
        since = _int(request, "since", 0)
        events = AuditEvent.objects.filter(chain=company.pk, seq__gt=since)
        return paged(self, request, events, s.AuditEventOut, _event)


class Employees(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=[OpenApiParameter("company", OpenApiTypes.STR, required=True), *PAGE_PARAMS],
        responses={200: s.EmployeeOut(many=True), **ERRORS},
        summary="A company's employees (HR, GM, auditors; others see themselves)",
        operation_id="employees_list",
    )
    def get(self, request):
        company = _company(request)
        qs = Employee.objects.filter(company=company).select_related(
            "department", "position", "supervisor"
        )
        roles = company_roles(request.user).get(company.pk, set())
        if not roles & {"hr", "gm", "auditor"}:  # a token sees what its person sees
            qs = qs.filter(Q(user=request.user))
        return paged(self, request, qs, s.EmployeeOut)
