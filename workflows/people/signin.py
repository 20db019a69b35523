"""Sign-in through a directory plugin (engine/org/signin.py): the button on the sign-in
page goes to `start`, which sends the browser to the provider; the provider sends it
back to `callback`, which signs the person in or says why not (never a 500)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from engine.org import signin

MAX_PARAMS, MAX_VALUE = 30, 2000

WORDS = {
    "state": _("This sign-in has expired or was already used. Start again from the sign-in page."),
    "provider": _(
        "%(provider)s did not say who you are. Try again, or sign in with your password."
    ),
    "unavailable": _(
        "%(provider)s cannot be reached now. Try again later, or sign in with your password."
    ),
    "no_account": _(
        "Your %(provider)s account has no jixiao account with the same e-mail address or "
        "username, or it was closed. Ask HR."
    ),
}


class CallbackForm(forms.Form):
    state = forms.CharField(max_length=200)


def _plugin(name: str):
    plugin = signin.signin_plugins().get(name)
    if plugin is None:
        raise Http404
    return plugin


def _redirect_uri(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse("signin_callback", args=[name]))


def _refused(request, name: str, plugin, reason: str, status: int) -> HttpResponse:
    message = WORDS[reason] % {"provider": signin.label(plugin, name)}
    return render(
        request,
        "registration/signin_refused.html",
        {"message": message, "login_url": reverse("login")},
        status=status,
    )


@require_GET
def start(request: HttpRequest, name: str) -> HttpResponse:
    """To the provider's sign-in page, remembering the page to come back to."""
    plugin = _plugin(name)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    try:
        url = signin.signin_start(
            session=request.session,
            name=name,
            redirect_uri=_redirect_uri(request, name),
            next_url=next_url,
        )
    except signin.Refused as exc:
        return _refused(request, name, plugin, exc.reason, exc.status)
    return HttpResponseRedirect(url)


@require_GET
def callback(request: HttpRequest, name: str) -> HttpResponse:
    """Back from the provider: signed in and on to the page asked for, or the refusal."""
    plugin = _plugin(name)
    form = CallbackForm(request.GET)
    params = request.GET
    if (
        not form.is_valid()
        or len(params) > MAX_PARAMS
        or any(len(v) > MAX_VALUE for v in params.values())
    ):
        request.session.pop(signin.SESSION_KEY, None)  # a state is good for one try
        return _refused(request, name, plugin, "state", 400)
    try:
        done = signin.signin_finish(
            session=request.session,
            name=name,
            params={k: params.get(k, "") for k in params},
            redirect_uri=_redirect_uri(request, name),
        )
    except signin.Refused as exc:
        return _refused(request, name, plugin, exc.reason, exc.status)
    login(request, done.user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(done.next_url or settings.LOGIN_REDIRECT_URL)
