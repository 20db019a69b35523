"""The organisation through the API: companies, departments and positions to read, and
HR's bulk upsert of departments, positions and employees (the people import's code, so
a row the spreadsheet would refuse is refused here with the same words); each person's
own notification channels."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.imports.people import import_people
from engine.notifications.channels import channels_of
from engine.notifications.services import channel_choice_set
from engine.org.models import Company, Department, Position

from . import serializers as s
from .common import ERRORS, _companies, _company, _valid
from .paging import PAGE_PARAMS, CursorPage, paged

COMPANY = OpenApiParameter("company", OpenApiTypes.STR, required=True)


class Companies(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=PAGE_PARAMS,
        responses={200: s.CompanyOut(many=True), **ERRORS},
        summary="The companies the caller belongs to or serves",
        operation_id="companies_list",
    )
    def get(self, request):
        rows = Company.objects.filter(pk__in=_companies(request))
        return paged(self, request, rows, s.CompanyOut)


class Departments(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=[COMPANY, *PAGE_PARAMS],
        responses={200: s.DepartmentOut(many=True), **ERRORS},
        summary="A company's departments (parent and head by their codes)",
        operation_id="departments_list",
    )
    def get(self, request):
        rows = Department.objects.filter(company=_company(request)).select_related("parent", "head")
        return paged(self, request, rows, s.DepartmentOut)


class Positions(APIView):
    scope_needed = "read"
    pagination_class = CursorPage

    @extend_schema(
        parameters=[COMPANY, *PAGE_PARAMS],
        responses={200: s.PositionOut(many=True), **ERRORS},
        summary="A company's positions",
        operation_id="positions_list",
    )
    def get(self, request):
        rows = Position.objects.filter(company=_company(request))
        return paged(self, request, rows, s.PositionOut)


class People(APIView):
    """Writes need HR's session (tokens carry no organisation scope: an integration
    that mis-syncs people could move reviewers of open appraisals)."""

    scope_needed = "org:write"

    @extend_schema(
        parameters=[COMPANY],
        request=s.PeopleIn,
        responses={200: s.ImportReportOut, 422: s.ImportReportOut, **ERRORS},
        summary="Create or update departments, positions and employees (HR; the people import)",
        operation_id="people_put",
    )
    def put(self, request):
        company = _company(request)
        rows = [(i, dict(r)) for i, r in enumerate(_valid(s.PeopleIn, request)["rows"], start=1)]
        report = import_people(actor=request.user, company=company, rows=rows)
        return Response(report.as_dict(), status=200 if report.ok else 422)


class MyChannels(APIView):
    """Each person chooses their own channels (a token speaks for the person who
    created it)."""

    scope_needed = {"GET": "read", "PUT": "channels:write"}

    @extend_schema(
        responses={200: s.ChannelOut(many=True), **ERRORS},
        summary="The caller's notification channels",
        operation_id="my_channels_get",
    )
    def get(self, request):
        return Response(s.ChannelOut(channels_of(request.user), many=True).data)

    @extend_schema(
        request=s.ChannelsIn,
        responses={200: s.ChannelOut(many=True), **ERRORS},
        summary="Choose the caller's channels (the in-app list always stays)",
        operation_id="my_channels_put",
    )
    def put(self, request):
        channel_choice_set(actor=request.user, on=_valid(s.ChannelsIn, request)["on"])
        return Response(s.ChannelOut(channels_of(request.user), many=True).data)
