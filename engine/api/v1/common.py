"""What every v1 view shares: the error responses in the schema, the companies a caller
reaches (a token: its own; a person: theirs), numbers read from the query string, and an
appraisal as the API shows it (a provisional total hidden from its employee)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from engine.appraisals import services
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import InvalidInput, NotFound
from engine.org.models import Company, Employee
from engine.org.selectors import company_roles

from ..tokens import token_of
from . import serializers as s

ERRORS = {(code, "application/problem+json"): s.Problem for code in (400, 401, 403, 404, 409, 429)}


def _companies(request) -> set[int]:
    """The person's companies; a token's, only if its person still belongs there."""
    ids = set(company_roles(request.user))
    ids |= set(Employee.objects.filter(user=request.user).values_list("company_id", flat=True))
    token = token_of(request)
    return ids & {token.company_id} if token is not None else ids


def _int(request, name: str, default: int | None = None, *, lo: int = 0, hi: int = 2**31 - 1):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or not lo <= int(raw) <= hi:
        raise InvalidInput(
            "a whole number from %(lo)s to %(hi)s",
            field=name,
            rule="integer",
            params={"lo": str(lo), "hi": str(hi)},
        )
    return int(raw)


def _may_see_total(a: Appraisal, user) -> bool:
    return (
        a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)
        or a.employee.user_id != user.pk
    )


def _appraisal(a: Appraisal, user) -> dict:
    shown = _may_see_total(a, user)
    return {
        "id": a.pk,
        "cycle": a.cycle.period,
        "employee": a.employee.name,
        "employee_number": a.employee.number,
        "department": a.department.code,
        "pack": a.pack,
        "version": a.version,
        "role": a.role,
        "state": a.state,
        "current_step": a.current_step,
        "total": str(a.total) if a.total is not None and shown else None,
        "grade": (a.calibrated_grade or a.grade or None) if shown else None,
    }


def _readable(request, pk: int) -> Appraisal:
    a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    if a.company_id not in _companies(request):
        raise NotFound("no such appraisal", field="appraisal", rule="exists")
    return a


def _valid(serializer, request):
    ser = serializer(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def _cycle(request, pk: int) -> Cycle:
    return get_object_or_404(Cycle, pk=pk, company_id__in=_companies(request))


def _code(request, name: str) -> str:
    """A code from the query string (a company's): letters, digits, - and _ only; a
    NUL byte or anything else is a 400 naming the parameter, never a database error."""
    raw = request.query_params.get(name, "")
    if len(raw) > 40 or not all(c.isalnum() or c in "-_" for c in raw):
        raise InvalidInput("letters, digits, - or _ (at most 40)", field=name, rule="format")
    return raw


def _company(request, code: str | None = None) -> Company:
    """A company the caller reaches, by its code (the `company` query parameter unless
    given); any other is answered as if it did not exist."""
    code = _code(request, "company") if code is None else code
    company = Company.objects.filter(code=code, pk__in=_companies(request)).first()
    if company is None:
        raise NotFound("no such company", field="company", rule="exists")
    return company
