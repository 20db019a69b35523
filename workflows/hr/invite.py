"""HR's invitations: one button on the people page e-mails every active person who has
no password yet a link to set one (after a summary, asked once); a button on a
person's row invites (or invites again) that one person. engine/org/invitations.py
sends and audits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from engine.errors import DomainError
from engine.lists import joined
from engine.org.invitations import Invited, invitations_send, link_hours, not_signed_up
from engine.org.models import Employee
from workflows.common.confirm import ask, confirmed
from workflows.common.labels import error_text

from .views import _denied, _hr_company


def _said(request, done: Invited) -> None:
    if done.sent:
        messages.success(
            request,
            ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", len(done.sent))
            % {"n": len(done.sent)},
        )
    if done.no_email:
        messages.error(
            request,
            _("Not invited, no e-mail address: %(names)s. Add one on their page.")
            % {"names": joined(e.name for e in done.no_email)},
        )
    if done.failed:
        messages.error(
            request,
            _("The mail server refused the invitations of: %(names)s. Try again later.")
            % {"names": joined(e.name for e in done.failed)},
        )
    if not (done.sent or done.no_email or done.failed):
        messages.success(request, _("Everyone has a password already: nobody to invite."))


@login_required
@require_POST
def invite_all(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    people = not_signed_up(company)
    back = f"{reverse('hr:people')}?company={company.code}"
    with_email = [e for e in people if e.user.email]
    if people and not with_email:
        # Nobody can be reached: say who lacks an address instead of asking to send none.
        messages.error(
            request,
            _("Nobody to invite by e-mail: %(names)s have no e-mail address. Add one first.")
            % {"names": joined(e.name for e in people[:10])},
        )
        return redirect(back)
    if people and not confirmed(request):
        return ask(
            request,
            nav="hr/_nav.html",
            title=_("Invite %(n)s people to set a password?") % {"n": len(with_email)},
            summary=[
                _(
                    "Each gets an e-mail in their language with a link to set a password; "
                    "the link works once, for %(hours)s hours. The audit trail records each "
                    "invitation."
                )
                % {"hours": link_hours()},
                *(
                    [
                        _("%(n)s have no e-mail address and are not invited.")
                        % {"n": len(people) - len(with_email)}
                    ]
                    if len(with_email) < len(people)
                    else []
                ),
            ],
            names=[e.name for e in with_email],
            action=request.path,
            button=_("Send the invitations"),
            back=back,
            form_id="invite-confirm",
            company=company,
        )
    try:
        _said(request, invitations_send(actor=request.user, company=company, employees=people))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect(back)


@login_required
@require_POST
def invite_one(request, employee_id: int):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    employee = get_object_or_404(
        Employee.objects.select_related("user"),
        pk=employee_id,
        company=company,
        status=Employee.Status.ACTIVE,
    )
    try:
        _said(request, invitations_send(actor=request.user, company=company, employees=[employee]))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect(f"{reverse('hr:people')}?company={company.code}&q={employee.number}")
