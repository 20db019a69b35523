"""Forgot password: a person types their e-mail address and gets a one-time link to set
a new password, written in their own language (the one they chose on the pages, else
the installation's), under JIXIAO_BASE_URL; the link works for
`JIXIAO_SIGN_IN_LINK_HOURS` and stops working once used.

Unlike Django's form, a person who never set a password (imported, not yet invited)
gets the link too: it is the invitation they may have lost. Leavers (inactive accounts)
get nothing, and the page says the same whether or not an account has the address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy

from engine.org.invitations import language_of, link_hours, mail_context


class ResetForm(PasswordResetForm):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["email"].error_messages["invalid"] = gettext_lazy(
            "An e-mail address such as name@example.com."
        )

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if u.email.lower() == email.lower())

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kw):
        user = context["user"]
        with translation.override(language_of(user)):
            context = {**context, **mail_context(user), "base_url": settings.JIXIAO_BASE_URL}
            super().send_mail(subject_template_name, email_template_name, context, *args, **kw)


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kw):
        return {**super().get_context_data(**kw), "hours": link_hours()}

    def form_invalid(self, form):
        # A refusal is a 400 naming the field, like every other form of the project.
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kw):
        return {**super().get_context_data(**kw), "hours": link_hours()}


class SignInView(auth_views.LoginView):
    """The sign-in page, with the single sign-on button when a provider is configured,
    the words for a sign-on the provider or jixiao refused (engine/org/sso.py) and one
    button per sign-in plugin (engine/org/signin.py)."""

    def get_context_data(self, **kwargs):
        from engine.org import signin, sso

        context = super().get_context_data(**kwargs)
        context["sso"] = sso.enabled()
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        context["signin_buttons"] = signin.buttons()
        return context
