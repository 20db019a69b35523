"""Settings, read from the environment so that one code base serves development,
tests and production. See docs/install.md for every variable."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

from engine.cache import caches_setting
from engine.home import home_dir
from engine.logs import logging_setting

BASE_DIR = Path(__file__).resolve().parent.parent


HOME_DIR = home_dir(BASE_DIR, os.environ)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


DEBUG = env_bool("JIXIAO_DEBUG")

# Without JIXIAO_SECRET_KEY, commands that sign nothing (migrate, makemigrations,
# check) still run; `check --deploy` flags the placeholder (security.W009) and the WSGI
# entry point refuses to serve with it unless JIXIAO_DEBUG is on.
INSECURE_KEY = "django-insecure-placeholder-set-JIXIAO_SECRET_KEY"
SECRET_KEY = os.environ.get("JIXIAO_SECRET_KEY", "") or INSECURE_KEY

ALLOWED_HOSTS = env_list("JIXIAO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("JIXIAO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    "django_prometheus",
    "engine.audit",
    "engine.heartbeats",
    "engine.org",
    "engine.plugins",
    "engine.notifications",
    "engine.appraisals",
    "engine.deadlines",
    "engine.appeals",
    "engine.calibration",
    "engine.outcomes",
    "engine.followup",
    "engine.feedback",
    "engine.committee",
    "engine.payroll",
    "engine.archive",
    "engine.demo",
    "engine.api",
    "engine.imports",
    "workflows.common",
    "workflows.people",
    "workflows.hr",
    "workflows.auditor",
]

MIDDLEWARE = [
    # Request counts and latencies for GET /metrics (first and last: the whole stack).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # X-Request-ID taken or made, echoed, and on every log line (engine/logs.py).
    "engine.logs.RequestIdMiddleware",
    # X-Forwarded-Proto only from a trusted proxy, before Django reads it (engine/clientip.py).
    "engine.forwarded_proto.TrustedForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The app serves its own static files (no CDN, no separate web server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A NUL in a query or form value: 400 naming the field (PostgreSQL refuses it in text).
    "engine.nulchars.RefuseNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The reader's roles and delegations read once per request (engine/org/request_memo.py).
    "engine.org.request_memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "engine.nostore.NoStoreMiddleware",
    # A deadlock that still reached a view: 409 in words, never a 500 (engine/busy.py).
    "engine.busy.BusyMiddleware",
    # A GET on a button's action: to the page it belongs to, never a blank 405.
    "engine.not_allowed.PostOnlyMiddleware",
    # Last but one: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "engine.urls"
WSGI_APPLICATION = "engine.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "engine" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflows.common.context.header_counts",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    HOME_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates its file, not its folder
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{HOME_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("JIXIAO_DB_CONN_MAX_AGE", "0")),
    )
}
# The migration owner (docs/operations.md, "Database roles"): on PostgreSQL, `migrate`
# connects with this URL and owns the tables; DATABASE_URL's role then may only read and
# append the audit trail. Unset, one role does both (development, SQLite).
if os.environ.get("JIXIAO_DATABASE_OWNER_URL"):
    DATABASES["owner"] = {
        **dj_database_url.parse(os.environ["JIXIAO_DATABASE_OWNER_URL"]),
        "TEST": {"MIRROR": "default"},
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every atomic block take the write lock up front, so concurrent
    # writers queue instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a username or address that failed too often before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object

# Single sign-on by OpenID Connect when a client id is set (engine/org/sso.py).
OIDC_RP_CLIENT_ID = os.environ.get("JIXIAO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("JIXIAO_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("JIXIAO_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("JIXIAO_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("JIXIAO_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("JIXIAO_OIDC_JWKS_URL") or None
OIDC_RP_SIGN_ALGO = os.environ.get("JIXIAO_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(-1, "engine.org.sso.Backend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): five failed passwords for one username from one
# address lock that pair for 15 minutes; every attempt is kept for the auditors.
AXES_FAILURE_LIMIT = int(os.environ.get("JIXIAO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("JIXIAO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address of a login is the client's, read by engine/clientip.py: REMOTE_ADDR unless
# the request came through a proxy trusted here, then the address that proxy saw (from
# X-Forwarded-For, read from the right). Without these, X-Forwarded-For is ignored, so a
# client cannot pick the address its failures count against. Behind the recommended
# proxy (docs/operations.md, "Behind a proxy"): its addresses, or the number of proxies.
JIXIAO_TRUSTED_PROXIES = env_list("JIXIAO_TRUSTED_PROXIES")
JIXIAO_TRUSTED_PROXY_COUNT = int(os.environ.get("JIXIAO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "engine.clientip.client_ip"
# HR's manual reminders: none to the same step again within this many minutes
# (engine/appraisals/reminders.py).
JIXIAO_REMIND_WINDOW_MINUTES = int(os.environ.get("JIXIAO_REMIND_WINDOW_MINUTES", "60"))

# Content-Security-Policy (django-csp): only this site's own scripts, styles, images and
# fonts; no inline script; no framing (every asset is served by the app itself).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "/accounts/login/"
# How long a password link (`company create`'s sign-in link) works; it works once.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("JIXIAO_SIGN_IN_LINK_HOURS", "72")) * 3600
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "engine" / "locale"]
TIME_ZONE = os.environ.get("JIXIAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("JIXIAO_STATIC_ROOT", HOME_DIR / "staticfiles"))
# Without collectstatic (development, tests) WhiteNoise finds files where they live.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_ROOT.exists()
MEDIA_ROOT = Path(os.environ.get("JIXIAO_MEDIA_ROOT", HOME_DIR / "media"))
MEDIA_URL = "media/"

# In development mail goes to files under var/mail/, one per message.
EMAIL_BACKEND = os.environ.get(
    "JIXIAO_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = Path(os.environ.get("JIXIAO_EMAIL_FILE_PATH", HOME_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("JIXIAO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JIXIAO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("JIXIAO_FROM_EMAIL", "jixiao@localhost")
# Where people open jixiao: e-mails link to the page of what they are about.
JIXIAO_BASE_URL = os.environ.get("JIXIAO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Webhooks never go to loopback, private, link-local, multicast, reserved or unspecified
# addresses (the metadata service, Redis, the intranet) unless allowed here: addresses,
# networks or exact host names, comma-separated, e.g. "10.1.2.0/24,hooks.intranet"
# (engine/notifications/destinations.py; docs/operations.md, "Webhooks on an intranet").
JIXIAO_WEBHOOK_ALLOW = env_list("JIXIAO_WEBHOOK_ALLOW")

# Signed checkpoints of the audit chains (docs/operations.md, "What the trail proves"):
# the Ed25519 seed (base64 of 32 bytes) signs; keep it off the database server. The
# directory receives a checkpoint file per chain every hour (beat).
JIXIAO_CHECKPOINT_KEY = os.environ.get("JIXIAO_CHECKPOINT_KEY", "")
JIXIAO_CHECKPOINT_PUBLIC_KEY = os.environ.get("JIXIAO_CHECKPOINT_PUBLIC_KEY", "")
JIXIAO_CHECKPOINT_DIR = os.environ.get(
    "JIXIAO_CHECKPOINT_DIR", str(HOME_DIR / "var" / "checkpoints")
)
# The appraisal forms' CJK font (engine/archive/fonts.py, docs/install.md "The PDF font"):
# unset, Debian's fonts-noto-cjk; the cache keeps the reduced copy `archive_font` writes.
JIXIAO_PDF_FONT = os.environ.get("JIXIAO_PDF_FONT", "")
JIXIAO_PDF_FONT_BOLD = os.environ.get("JIXIAO_PDF_FONT_BOLD", "")
JIXIAO_PDF_FONT_CACHE = os.environ.get("JIXIAO_PDF_FONT_CACHE", str(HOME_DIR / "var" / "fonts"))
# Languages in which a worker keeps each form after its publication commits and after
# each signature (engine/archive/tasks.py); empty: made when first downloaded.
JIXIAO_FORMS_AHEAD = env_list("JIXIAO_FORMS_AHEAD", "zh-hans")

# Celery: Redis broker in production; tasks run inline when no broker is configured.
# One cache shared by every process of the installation (engine/cache.py): API call
# budgets and refusal coalescing hold across gunicorn workers and web nodes.
CACHES = caches_setting(
    os.environ.get("JIXIAO_CACHE_URL", ""), os.environ.get("JIXIAO_CACHE_PREFIX", "jixiao")
)

CELERY_BROKER_URL = os.environ.get("JIXIAO_CELERY_BROKER", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("JIXIAO_CELERY_EAGER", DEBUG)
CELERY_TIMEZONE = TIME_ZONE
# The queue of this installation's tasks: two installations on one Redis keep apart.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("JIXIAO_CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    name: {"task": f"engine.{task}", "schedule": float(os.environ.get(env, every))}
    for name, task, env, every in (
        ("deadline-sweep", "deadlines.tasks.sweep", "JIXIAO_SWEEP_SECONDS", "300"),
        ("outbox", "notifications.tasks.deliver_outbox", "JIXIAO_OUTBOX_SECONDS", "60"),
        ("audit-checkpoints", "audit.tasks.write_checkpoints", "JIXIAO_CHECKPOINT_SECONDS", "3600"),
    )
}
# Beat's schedule in Redis behind a lock: one beat of several leads (docs/operations.md).
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = os.environ.get("JIXIAO_BEAT_REDIS", CELERY_BROKER_URL)
CELERY_REDBEAT_KEY_PREFIX = os.environ.get("JIXIAO_CACHE_PREFIX", "jixiao") + ":beat"
CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 1}
CELERY_BEAT_MAX_INTERVAL = float(os.environ.get("JIXIAO_BEAT_MAX_INTERVAL", "60"))
# A broker that does not answer must not hold a request: one quick try to hand over the
# "drain the outbox now" signal, then the beat's next drain does it (nothing is lost,
# the messages are rows in the outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY = False
# `/health/` (engine/health.py) answers 503 when background work is this far behind: a
# delivery due and not tried, an overdue step not stamped, an audit event not signed.
JIXIAO_HEALTH_OUTBOX_MINUTES = int(os.environ.get("JIXIAO_HEALTH_OUTBOX_MINUTES", "15"))
JIXIAO_HEALTH_SWEEP_MINUTES = int(os.environ.get("JIXIAO_HEALTH_SWEEP_MINUTES", "30"))
JIXIAO_HEALTH_CHECKPOINT_MINUTES = int(os.environ.get("JIXIAO_HEALTH_CHECKPOINT_MINUTES", "120"))

# GET /metrics (engine/metrics.py; docs/operations.md, "Metrics"): readable from these
# addresses or networks (the client's address, behind trusted proxies) or with
# `Authorization: Bearer <JIXIAO_METRICS_TOKEN>`; with neither set it answers 404.
JIXIAO_METRICS_ALLOW = env_list("JIXIAO_METRICS_ALLOW")
JIXIAO_METRICS_TOKEN = os.environ.get("JIXIAO_METRICS_TOKEN", "")

# Hardened defaults whenever the site is not a developer's own machine (the test
# settings turn them off in engine/test_settings.py).
_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("JIXIAO_SSL_REDIRECT", _SECURE)
# A load balancer or monitor may probe `/health/` over plain HTTP at the app's address.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
SESSION_COOKIE_SECURE = env_bool("JIXIAO_SECURE_COOKIES", _SECURE)
CSRF_COOKIE_SECURE = env_bool("JIXIAO_SECURE_COOKIES", _SECURE)
SECURE_HSTS_SECONDS = int(os.environ.get("JIXIAO_HSTS_SECONDS", "31536000" if _SECURE else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Read only when a trusted proxy sent it: engine/forwarded_proto.py drops it otherwise.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads are limited while they stream (engine/uploads.py): no file above this is kept.
JIXIAO_MAX_UPLOAD_BYTES = int(os.environ.get("JIXIAO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "engine.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Logs (engine/logs.py; docs/operations.md, "Logs and time"): one JSON object a line in
# production, plain text on a developer's terminal; time in UTC either way; each line
# names the request id, user and company; one INFO line per request on engine.requests.
JIXIAO_LOG_FORMAT = os.environ.get("JIXIAO_LOG_FORMAT", "text" if DEBUG else "json").lower()
JIXIAO_LOG_REQUESTS = env_bool("JIXIAO_LOG_REQUESTS", not DEBUG)
LOGGING = logging_setting(
    JIXIAO_LOG_FORMAT, os.environ.get("JIXIAO_LOG_LEVEL", "WARNING"), JIXIAO_LOG_REQUESTS
)
# The worker and beat log through the same handler (not Celery's own format).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False


# The REST API (/api/v1/): bearer tokens for integrations, sessions for the pages' own
# calls (CSRF kept), every error as application/problem+json, a call budget per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "engine.api.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "engine.api.tokens.HasScope",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["engine.api.parsers.TextJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "engine.api.problems.problem_handler",
    "DEFAULT_THROTTLE_CLASSES": ["engine.api.tokens.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("JIXIAO_API_RATE", "600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jixiao API",
    "DESCRIPTION": "Performance appraisals: cycles, appraisals, steps, results, audit.",
    "VERSION": "1.0.0",  # semantic: a generated client's package version
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app itself: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # states share field names: each enum by its model (else a name collision warning)
    "ENUM_NAME_OVERRIDES": {
        "AppraisalStateEnum": "engine.appraisals.models.Appraisal.State",
        "StepStateEnum": "engine.appraisals.models.AppraisalStep.State",
        "AppealStepStateEnum": "engine.appeals.models.AppealStep.State",
        "CycleStatusEnum": "engine.appraisals.models.Cycle.Status",
        "EmployeeStatusEnum": "engine.org.models.Employee.Status",
        "CycleKindEnum": "engine.appraisals.models.Cycle.Kind",
        "ImplausibleKindEnum": [("target", "target"), ("metric", "metric")],
        "TokenStateEnum": "engine.api.models.ApiToken.State",
    },
}
