"""HR's webhooks: the company's endpoints that receive every notification, signed;
add one (the secret is generated and shown once), switch one off, read the latest
deliveries with their state and last answer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.errors import InvalidInput
from engine.notifications import services
from engine.notifications.models import Delivery, Webhook
from workflows.common.labels import error_text

from .views import _denied, _hr_company


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Address (https://…)"), max_length=500, assume_scheme="https"
    )


@login_required
def webhooks(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    form = WebhookForm(request.POST or None, label_suffix="")
    if (
        request.method == "POST"
        and request.POST.get("off", "").isascii()
        and request.POST.get("off", "").isdigit()
    ):
        hook = services.webhook_switch_off(
            actor=request.user, company=company, webhook_id=int(request.POST["off"][:12])
        )
        if hook:
            messages.success(request, _("Switched off."))
        return redirect(f"{request.path}?company={company.code}")
    if request.method == "POST" and form.is_valid():
        try:
            _hook, secret = services.webhook_add(
                actor=request.user, company=company, url=form.cleaned_data["url"]
            )
        except InvalidInput as exc:  # an internal address: said at the field, kept typed
            form.add_error("url", error_text(exc))
        else:
            messages.success(
                request,
                _("Added. Its secret, shown only now, signs every delivery: %(secret)s")
                % {"secret": secret},
            )
            return redirect(f"{request.path}?company={company.code}")
    hooks = Webhook.objects.filter(company=company).order_by("-created_at")
    recent = (
        Delivery.objects.filter(webhook__company=company)
        .select_related("webhook", "notification")
        .order_by("-pk")[:50]
    )
    return render(
        request,
        "hr/webhooks.html",
        {"company": company, "form": form, "hooks": hooks, "recent": recent},
        status=400 if form.errors else 200,
    )
