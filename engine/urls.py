from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from engine.health import health
from engine.metrics import metrics
from engine.org import sso
from workflows.people import signin
from workflows.people.password import ResetDoneView, ResetView, SignInView

urlpatterns = [
    # For load balancers and monitors: no sign-in, no personal data (engine/health.py).
    path("health/", health, name="health"),
    # Prometheus: only from JIXIAO_METRICS_ALLOW or with JIXIAO_METRICS_TOKEN (engine/metrics.py).
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    # Single sign-on (OpenID Connect), 404 unless a provider is configured.
    path("oidc/authenticate/", sso.start, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback, name="oidc_authentication_callback"),
    # Sign-in through a directory plugin (WeCom, DingTalk …; engine/org/signin.py).
    path("accounts/signin/<slug:name>/start/", signin.start, name="signin_start"),
    path("accounts/signin/<slug:name>/callback/", signin.callback, name="signin_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgot password: a one-time link by e-mail (workflows/people/password.py).
    path("accounts/password/reset/", ResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", ResetDoneView.as_view(), name="password_reset_done"),
    # The one-time link `company create` prints (engine/org/starting.py): set a password.
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/v1/", include("engine.api.v1.urls")),
    path("hr/tokens/", include("engine.api.page_urls")),  # HR's page of the API's tokens
    path("hr/", include("workflows.hr.urls")),
    path("audit/", include("workflows.auditor.urls")),
    path("", include("workflows.people.urls")),
]
