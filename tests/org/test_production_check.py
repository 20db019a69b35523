"""`manage.py production --check` refuses weak settings (issue 21): a guessable
secret key, cookies that may travel over plain HTTP, no redirect to HTTPS, no HSTS,
audit checkpoints that cannot be signed, a proxy list that does not read. Each
refusal names the environment variable that fixes it; the documented production
configuration has none (and passes `check --deploy`, tests/test_project.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from engine.org.management.commands.production import weak_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "Xk3v9-Qm2Lr7_Tz8Wb1Nc6Hy4Jd0Fg5Ps2Ua7Ve3Ri9Oq1Ml8Zk4Ex6Cw0"
SOUND = {
    "SECRET_KEY": GOOD_KEY,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "JIXIAO_CHECKPOINT_KEY": "dGVzdC1vbmx5LWNoZWNrcG9pbnQta2V5LTMyYnl0ZXM=",
    "JIXIAO_TRUSTED_PROXIES": [],
}


def problems(**weak) -> list[str]:
    with override_settings(**{**SOUND, **weak}):
        return weak_settings()


def test_sound_settings_have_no_problem():
    """The baseline the refusals below change one setting of: nothing to say."""
    assert problems() == []


@pytest.mark.parametrize(
    ("weak", "said"),
    [
        (
            {"SECRET_KEY": "django-insecure-placeholder-set-JIXIAO_SECRET_KEY"},
            "JIXIAO_SECRET_KEY is not set",
        ),
        (
            {"SECRET_KEY": "s3cret-but-only-thirty-chars!!"},
            "JIXIAO_SECRET_KEY is weak (30 characters",
        ),
        ({"SECRET_KEY": "abab" * 20}, "JIXIAO_SECRET_KEY is weak (80 characters, 2 different)"),
        (
            {"SESSION_COOKIE_SECURE": False},
            "JIXIAO_SECURE_COOKIES must be on: SESSION_COOKIE_SECURE",
        ),
        ({"CSRF_COOKIE_SECURE": False}, "JIXIAO_SECURE_COOKIES must be on: CSRF_COOKIE_SECURE"),
        ({"SECURE_SSL_REDIRECT": False}, "JIXIAO_SSL_REDIRECT must be on: SECURE_SSL_REDIRECT"),
        ({"SECURE_HSTS_SECONDS": 0}, "JIXIAO_HSTS_SECONDS must be above 0: SECURE_HSTS_SECONDS"),
        ({"JIXIAO_CHECKPOINT_KEY": ""}, "set JIXIAO_CHECKPOINT_KEY"),
        ({"JIXIAO_CHECKPOINT_KEY": "c2hvcnQ="}, "JIXIAO_CHECKPOINT_KEY must be 32 bytes"),
        ({"JIXIAO_TRUSTED_PROXIES": ["10.0.0.0/33"]}, "JIXIAO_TRUSTED_PROXIES: '10.0.0.0/33'"),
    ],
    ids=[
        "placeholder-key",
        "short-key",
        "two-character-key",
        "session-cookie",
        "csrf-cookie",
        "no-ssl-redirect",
        "no-hsts",
        "no-checkpoint-key",
        "bad-checkpoint-key",
        "bad-proxy-list",
    ],
)
def test_each_weak_setting_is_one_line_naming_its_variable(weak, said):
    """One weak setting, one problem, naming the environment variable to set (and the
    Django setting it drives, where they differ)."""
    found = problems(**weak)
    assert len(found) == 1, found
    assert said in found[0], found[0]


@pytest.mark.django_db
def test_the_command_refuses_with_exit_2_and_every_reason(monkeypatch):
    """Through the command: exit 2 and one line listing every problem, the weak
    settings among them (on SQLite the database is said first; on PostgreSQL the
    test's superuser role, which could rewrite the trail, is)."""
    import redis

    monkeypatch.setattr(redis.Redis, "ping", lambda self: True)
    weak = {"SECRET_KEY": "short", "SECURE_SSL_REDIRECT": False, "JIXIAO_CHECKPOINT_KEY": ""}
    with override_settings(**{**SOUND, **weak}), pytest.raises(CommandError) as refused:
        call_command("production", "--check")
    said = str(refused.value)
    assert refused.value.returncode == 2
    assert said.startswith("not ready for production: DATABASE_URL")
    assert "must name PostgreSQL" in said or "superuser" in said
    for name in ("JIXIAO_SECRET_KEY", "JIXIAO_SSL_REDIRECT", "JIXIAO_CHECKPOINT_KEY"):
        assert name in said
    assert "JIXIAO_SECURE_COOKIES" not in said and "JIXIAO_HSTS_SECONDS" not in said


def test_the_documented_production_environment_is_not_weak(tmp_path):
    """With only the variables docs/install.md asks for in production (a generated
    key, hosts, the checkpoint key), the defaults are the safe ones: no weak setting."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "engine.settings",
        "JIXIAO_SECRET_KEY": GOOD_KEY,
        "JIXIAO_ALLOWED_HOSTS": "jixiao.example.com",
        "JIXIAO_CHECKPOINT_KEY": SOUND["JIXIAO_CHECKPOINT_KEY"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    code = (
        "import django; django.setup(); "
        "from engine.org.management.commands.production import weak_settings; "
        "print(weak_settings())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_production_asks_for_a_shared_cache_that_answers(monkeypatch):
    """Local memory (each worker its own budget) is refused naming JIXIAO_CACHE_URL;
    a Redis cache that does not answer is refused saying so; one that answers is fine."""
    import redis

    from engine.cache import caches_setting
    from engine.org.management.commands.production import cache_problems

    (said,) = cache_problems()
    assert said.startswith("JIXIAO_CACHE_URL must name Redis")
    with override_settings(CACHES=caches_setting("redis://127.0.0.1:1/1", "t")):
        (said,) = cache_problems()
        assert said.startswith("JIXIAO_CACHE_URL: Redis does not answer")
        monkeypatch.setattr(redis.Redis, "ping", lambda self: True)
        assert cache_problems() == []
