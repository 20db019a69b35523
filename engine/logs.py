"""Log lines that can be followed (docs/operations.md, "Logs and time").

Every request carries an id: the caller's `X-Request-ID` when it is a plain token
(letters, digits, `.`, `_`, `:`, `-`; at most 128), else a new one; it is echoed in the
response's `X-Request-ID` header, so a person can quote it and an operator can find the
request's lines. `ContextFilter` puts on every record logged while the request runs its
`request_id`, the signed-in `user` (the id, never a name) and the user's `company`
(the id, looked up once per request and only when a line is actually written).

Two formats, chosen by `JIXIAO_LOG_FORMAT` (engine/settings.py): `json` — one JSON
object a line, for production log collectors — and `text` for a developer's terminal
(`dev.py run`, the default with JIXIAO_DEBUG). Both print time in UTC with its offset,
whatever the host's zone."""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_context: ContextVar[dict[str, Any] | None] = ContextVar("jixiao_log_context", default=None)
requests_log = logging.getLogger("engine.requests")


def request_id_of(value: str | None) -> str:
    """The caller's id when it is a plain token, else a new one."""
    if value and _ACCEPTED.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Early in the stack: every line logged during the request can name it. One INFO
    line per request on `engine.requests` (method, path, status, duration)."""

    def __init__(self, get_response):
        from django.core.signals import request_finished

        self.get_response = get_response
        # Kept until the response is closed, so that Django's own line about the
        # response (django.request, logged after the middleware) names the request too.
        request_finished.connect(_forget, dispatch_uid="engine.logs.forget")

    def __call__(self, request):
        rid = request_id_of(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = rid
        _context.set({"request_id": rid, "request": request})
        started = time.monotonic()
        response = self.get_response(request)
        response[HEADER] = rid
        if requests_log.isEnabledFor(logging.INFO):
            requests_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        return response


def _forget(**_kwargs) -> None:
    _context.set(None)


def _user_id(request) -> int | None:
    """The signed-in user when the request already loaded it (no query of our own)."""
    user = getattr(request, "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _company_id(context: dict[str, Any], user_id: int) -> int | None:
    """The user's company, looked up once per request; never inside a transaction that
    failed, never re-entered (the lookup may itself log)."""
    if "company" in context:
        return context["company"]
    context["company"] = None  # also the guard against re-entry
    from django.apps import apps
    from django.db import connection

    if connection.in_atomic_block and connection.needs_rollback:
        del context["company"]
        return None
    try:
        employee = apps.get_model("org", "Employee")
        rel = employee.user.field.remote_field
        user = getattr(context["request"], "_cached_user", None)
        if user is not None and rel.is_cached(user):  # the page read it (no query)
            emp = rel.get_cached_value(user)
            context["company"] = emp.company_id if emp is not None else None
            return context["company"]
        context["company"] = (
            employee.objects.filter(user_id=user_id).values_list("company_id", flat=True).first()
        )
    except Exception:  # a log line never breaks the request
        context["company"] = None
    return context["company"]


class ContextFilter(logging.Filter):
    """Adds `request_id`, `user` and `company` to every record (None outside a request:
    the worker, beat, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        record.request_id = record.user = record.company = None
        if context is not None:
            record.request_id = context["request_id"]
            user = _user_id(context["request"])
            if user is not None:
                record.user = user
                record.company = _company_id(context, user)
        return True


class UTCJsonFormatter(JsonFormatter):
    """One JSON object a line: `time` (UTC, ISO 8601 with offset), `level`, `logger`,
    `message`, the request's context and whatever `extra` the call gave."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(company)s",
            *args,
            **kwargs,
        )


class UTCTextFormatter(logging.Formatter):
    """For a terminal: `2026-12-06T23:10:38Z WARNING engine.x [request user company] …`."""

    converter = time.gmtime

    def __init__(self, *args, **kwargs):
        super().__init__(
            "%(asctime)sZ %(levelname)s %(name)s [%(request_id)s %(user)s %(company)s] %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%S",
        )


def logging_setting(fmt: str, level: str, requests: bool) -> dict[str, Any]:
    """LOGGING for settings.py: one console handler with the context filter and the
    chosen format; `engine.requests` at INFO when `requests`."""
    formatter = "json" if fmt == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "engine.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "engine.logs.UTCJsonFormatter"},
            "text": {"()": "engine.logs.UTCTextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": formatter,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "engine.requests": {"level": "INFO" if requests else "WARNING"},
            # runserver's own request lines: the same format and UTC, not its local time
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
