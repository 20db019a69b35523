"""The person-facing pages. Thin: they read through selectors and write through services."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from engine.org.models import Company
from engine.org.selectors import companies_of, employee_of, roles_of


@login_required
def home(request):
    company_ids = companies_of(request.user)
    companies = [
        {"company": c, "roles": sorted(roles_of(request.user, c))}
        for c in Company.objects.filter(pk__in=company_ids)
    ]
    return render(
        request,
        "people/home.html",
        {"employee": employee_of(request.user), "companies": companies},
    )
