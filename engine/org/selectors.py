"""Reads of the organisation."""

from __future__ import annotations

from .calendar import WorkingCalendar
from .models import CalendarOverride, Company, CompanyRole, Employee


def calendar_for(company: Company) -> WorkingCalendar:
    overrides = {
        o.date: o.kind == CalendarOverride.Kind.WORKDAY
        for o in CalendarOverride.objects.filter(company=company)
    }
    return WorkingCalendar(company.country, overrides)


def roles_of(user, company: Company | int) -> set[str]:
    cid = company if isinstance(company, int) else company.pk
    return set(CompanyRole.objects.filter(user=user, company_id=cid).values_list("role", flat=True))


def employee_of(user) -> Employee | None:
    return (
        Employee.objects.select_related("company", "department", "position")
        .filter(user=user)
        .first()
    )


def companies_of(user) -> list[int]:
    """Every company the user belongs to: as an employee and through company roles."""
    ids = set(CompanyRole.objects.filter(user=user).values_list("company_id", flat=True))
    emp = Employee.objects.filter(user=user).values_list("company_id", flat=True).first()
    if emp:
        ids.add(emp)
    return sorted(ids)
