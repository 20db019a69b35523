"""`python manage.py production [--workers N] [--bind HOST:PORT] [--check]`: the whole
installation in one command (docs/operations.md, "Production mode") — gunicorn for the
pages and the API, a Celery worker and Celery beat — against PostgreSQL and Redis.
It checks the configuration first and stops everything when one process ends, so a
supervisor (systemd, a container runtime) restarts the whole set."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from engine.audit.checkpoints import signing_key_problem
from engine.audit.roles import runtime_problems
from engine.clientip import trusted_proxies


class Command(BaseCommand):
    help = "Run web (gunicorn), the Celery worker and beat; --check only checks."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--check", action="store_true", help="check and exit")

    def handle(self, *args, **opts):
        problems = self._problems()
        if problems:
            raise CommandError("not ready for production: " + "; ".join(problems), returncode=2)
        if opts["check"]:
            self.stdout.write(
                "ready: PostgreSQL, Redis, secret key, hosts, HTTPS settings, checkpoint key"
            )
            return
        if not 1 <= opts["workers"] <= 64:
            raise CommandError("--workers: from 1 to 64", returncode=2)
        call_command("collectstatic", "--no-input", verbosity=0)
        py = sys.executable
        # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn), which
        # two installations on a host would share: each keeps its own under its home.
        control = settings.HOME_DIR / "var" / "run" / "gunicorn.ctl"
        control.parent.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [
                py, "-m", "gunicorn", "engine.wsgi",
                "--workers", str(opts["workers"]),
                "--threads", str(opts["threads"]),
                "--bind", opts["bind"],
                "--control-socket", str(control),
                # no access log of gunicorn's own: engine.requests writes one JSON line per
                # request with its id, user and company (engine/logs.py)
            ],
            "worker": [py, "-m", "celery", "-A", "engine.celery", "worker", "--loglevel", "INFO"],
            # Beat's schedule and its leader lock live in Redis (settings, celery-redbeat).
            "beat": [py, "-m", "celery", "-A", "engine.celery", "beat", "--loglevel", "INFO"],
        }  # fmt: skip
        # gunicorn's workers count requests apart: /metrics adds them up from this
        # directory (prometheus_client's multiprocess mode), emptied at every start.
        metrics_dir = Path(
            os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.HOME_DIR / "var" / "prometheus"
        )
        metrics_dir.mkdir(parents=True, exist_ok=True)
        for old in metrics_dir.glob("*.db"):
            old.unlink()
        envs = {"web": {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}}
        procs = {
            name: subprocess.Popen(cmd, env=envs.get(name))  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(f"running: {', '.join(f'{n} (pid {p.pid})' for n, p in procs.items())}")

        def stop(*_):
            for p in procs.values():
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in procs.values()):
                time.sleep(0.5)
        finally:
            stop()
            for p in procs.values():
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        ended = [n for n, p in procs.items() if p.returncode not in (0, -signal.SIGTERM)]
        if ended:
            raise CommandError(f"stopped because {', '.join(ended)} ended", returncode=1)

    def _trail_problems(self) -> list[str]:
        """DATABASE_URL's role may only read and append the audit trail: not its owner,
        no superuser, no UPDATE, DELETE or TRUNCATE on the events (engine/audit/roles.py;
        `migrate` with JIXIAO_DATABASE_OWNER_URL sets this up)."""
        return [f"DATABASE_URL: {p}" for p in runtime_problems(connection)]

    def _problems(self) -> list[str]:
        out = []
        if connection.vendor != "postgresql":
            out.append("DATABASE_URL must name PostgreSQL (SQLite is for development)")
        else:
            try:
                connection.ensure_connection()
            except Exception as exc:
                out.append(f"DATABASE_URL: cannot connect ({exc})")
            else:
                out += self._trail_problems()
        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            out.append(f"JIXIAO_CELERY_BROKER: Redis does not answer ({exc})")
        out += cache_problems()
        if settings.DEBUG:
            out.append("JIXIAO_DEBUG must be off")
        if not settings.ALLOWED_HOSTS:
            out.append("JIXIAO_ALLOWED_HOSTS is empty")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            out.append("JIXIAO_CELERY_EAGER must be off (a worker runs the tasks)")
        return out + weak_settings()


def cache_problems() -> list[str]:
    """Every gunicorn worker and web node must share one cache (engine/cache.py), or
    each keeps its own API call budgets and its own memory of refusals."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        return [
            "JIXIAO_CACHE_URL must name Redis (e.g. redis://127.0.0.1:6379/1): without it "
            "each gunicorn worker keeps its own API call budget"
        ]
    try:
        redis.Redis.from_url(cache["LOCATION"], socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return [f"JIXIAO_CACHE_URL: Redis does not answer ({exc})"]
    return []


def weak_settings() -> list[str]:
    """The settings that make a production site unsafe, each naming the environment
    variable that fixes it (docs/install.md, "Production"); none in the documented
    production configuration, which `check --deploy` also passes."""
    out = []
    if key := secret_key_problem(settings.SECRET_KEY):
        out.append(key)
    if not settings.SESSION_COOKIE_SECURE:
        out.append(
            "JIXIAO_SECURE_COOKIES must be on: SESSION_COOKIE_SECURE is off (the session "
            "cookie would travel over plain HTTP)"
        )
    if not settings.CSRF_COOKIE_SECURE:
        out.append("JIXIAO_SECURE_COOKIES must be on: CSRF_COOKIE_SECURE is off")
    if not settings.SECURE_SSL_REDIRECT:
        out.append("JIXIAO_SSL_REDIRECT must be on: SECURE_SSL_REDIRECT is off")
    if (settings.SECURE_HSTS_SECONDS or 0) <= 0:
        out.append(
            "JIXIAO_HSTS_SECONDS must be above 0: SECURE_HSTS_SECONDS is 0 "
            "(31536000, one year, is the default)"
        )
    if key := signing_key_problem():
        out.append(f"audit checkpoints cannot be signed: {key}")
    try:
        trusted_proxies()
    except ImproperlyConfigured as exc:
        out.append(str(exc))
    out += metrics_problems()
    return out


def metrics_problems() -> list[str]:
    """/metrics (engine/metrics.py): a guessable token, or an allow entry that is not an
    address or network."""
    out = []
    token = getattr(settings, "JIXIAO_METRICS_TOKEN", "") or ""
    if token and (len(token) < 32 or len(set(token)) < 5):
        out.append(
            "JIXIAO_METRICS_TOKEN is weak: use at least 32 random characters, "
            "e.g. from `openssl rand -hex 24`"
        )
    try:
        trusted_proxies(getattr(settings, "JIXIAO_METRICS_ALLOW", []) or [])
    except ImproperlyConfigured as exc:
        out.append(str(exc).replace("JIXIAO_TRUSTED_PROXIES", "JIXIAO_METRICS_ALLOW"))
    return out


def secret_key_problem(key: str) -> str | None:
    """Django's own measure of a weak key (security.W009): the placeholder, shorter
    than 50 characters, or fewer than 5 different ones."""
    if not key or key.startswith("django-insecure-"):  # engine/settings.py's placeholder
        return "JIXIAO_SECRET_KEY is not set (the placeholder is in use)"
    if len(key) < 50 or len(set(key)) < 5:
        return (
            f"JIXIAO_SECRET_KEY is weak ({len(key)} characters, {len(set(key))} different): "
            "use at least 50 random characters, e.g. from `openssl rand -base64 48`"
        )
    return None
