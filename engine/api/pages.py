"""HR's API tokens page (/hr/tokens/): the company's tokens with the person each acts
as, their scopes in words, created, expiry, last use and state; a form that creates one
(its secret shown once, on the next page, then never again) and a revoke button with
its confirmation. Here, not in workflows.hr: the tokens are this app's, and the layers
keep the HR pages and the API apart (both use the same services)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engine import clock
from engine.org.display import person_name
from engine.org.models import Company, Employee
from engine.org.names import by_pinyin
from engine.org.selectors import company_roles
from workflows.common.confirm import ask, confirmed
from workflows.common.denied import role_denied
from workflows.common.labels import TOKEN_SCOPES

from .models import ApiToken
from .tokens import (
    api_token_create,
    api_token_revoke,
    company_tokens,
    scopes_within_rights,
    token_state,
)

SCOPE_WORDS = TOKEN_SCOPES
SHOWN_KEY = "api_token_shown_once"  # the new secret, kept in the session until shown


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.name} ({obj.number})"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What uses it (e.g. payroll)"), max_length=100, required=False
    )
    person = PersonChoice(
        label=gettext_lazy("Acts as"),
        queryset=Employee.objects.none(),
        empty_label=gettext_lazy("Choose an employee"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a person of this company from the list; this one is not among them."
            )
        },
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may do"),
        choices=[(code, SCOPE_WORDS[code]) for code in ApiToken.SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one thing the token may do.")},
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days, 1 to 730)"),
        min_value=1,
        max_value=730,
        initial=90,
        error_messages={
            "min_value": gettext_lazy("A token lasts at least 1 day."),
            "max_value": gettext_lazy("A token lasts at most 730 days (two years)."),
            "invalid": gettext_lazy("Enter a whole number of days, from 1 to 730."),
        },
    )

    def __init__(self, *args, company: Company, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.company = company
        self.fields["person"].queryset = Employee.objects.filter(
            company=company, status=Employee.Status.ACTIVE, user__is_active=True
        ).order_by(by_pinyin("name"))

    def clean(self):
        data = super().clean()
        person, scopes = data.get("person"), data.get("scopes") or []
        if person is not None and scopes:
            beyond = [
                c for c in scopes if c not in scopes_within_rights(person.user, self.company.pk)
            ]
            if beyond:
                self.add_error(
                    "scopes",
                    _(
                        "%(name)s may not: %(scopes)s. A token never does more than its "
                        "person may do with their own sign-in."
                    )
                    % {
                        "name": person.name,
                        "scopes": "; ".join(str(SCOPE_WORDS[c]) for c in beyond),
                    },
                )
        return data


def _hr_company(request) -> Company | None:
    ids = [cid for cid, roles in company_roles(request.user).items() if "hr" in roles]
    code = request.GET.get("company") or request.POST.get("company")
    qs = Company.objects.filter(pk__in=ids)
    return (qs.filter(code=code) if code else qs.order_by("code")).first()


def _denied(request):
    return role_denied(request, "hr", _("HR only"))


def _rows(company: Company) -> list[dict]:
    now = clock.now()
    return [
        {
            "token": t,
            "person": person_name(t.user),
            "scopes": [str(SCOPE_WORDS.get(c, c)) for c in t.scopes],
            "state": token_state(t, now),
        }
        for t in company_tokens(company.pk)
    ]


def _page(company: Company) -> str:
    return f"{reverse('api_tokens:page')}?company={company.code}"


@login_required
def tokens_page(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    form = TokenForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        token, secret = api_token_create(
            actor=request.user,
            company=company,
            user=form.cleaned_data["person"].user,
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
            name=form.cleaned_data["name"].strip()
            or _("Token for %(name)s") % {"name": form.cleaned_data["person"].name},
        )
        # Kept server-side (the session), shown on the next page and dropped: a reload
        # neither shows it again nor creates a second token.
        request.session[SHOWN_KEY] = {"id": token.pk, "secret": secret}
        return redirect(_page(company))
    shown = request.session.pop(SHOWN_KEY, None)
    new = None
    if shown:
        new = ApiToken.objects.filter(pk=shown["id"], company=company).first()
    return render(
        request,
        "api/tokens.html",
        {
            "company": company,
            "form": form,
            "rows": _rows(company),
            "new": new,
            "secret": shown["secret"] if new else "",
            "State": ApiToken.State,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id, company=company)
    label = token.name or token.prefix
    if token.revoked_at is None and not confirmed(request):
        return ask(
            request,
            nav="hr/_nav.html",
            title=_("Revoke the token %(name)s?") % {"name": label},
            summary=[
                _(
                    "Every call made with it is refused from now on, at once; the "
                    "integration that uses it (%(name)s) stops until it gets a new token."
                )
                % {"name": label},
                _("This cannot be undone; the audit trail records who revoked it and when."),
            ],
            action=request.path,
            button=_("Revoke the token"),
            back=_page(company),
            form_id="revoke-confirm",
            company=company,
        )
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": label})
    return redirect(_page(company))
