"""Choosing the language: the page switches at once, and the person's e-mails follow."""

from contextlib import suppress

from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from engine.errors import InvalidInput
from engine.org.selectors import employee_of
from engine.org.services import employee_language_set


@require_POST
def choose_language(request):
    employee = employee_of(request.user) if request.user.is_authenticated else None
    if employee is not None:
        # Django's own view below ignores an unknown language the same way.
        with suppress(InvalidInput):
            employee_language_set(
                actor=request.user, employee=employee, language=request.POST.get("language", "")
            )
    return set_language(request)
