"""Project-level promises: production settings pass `check --deploy`, the demo loads
once, migrations are complete."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from engine.audit.models import AuditEvent
from engine.org.models import Company, CompanyRole, Employee

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """Production settings pass `check --deploy` at warning level."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "JIXIAO_SECRET_KEY": "p" * 30 + "-production-like-secret-" + "q" * 30,
        "JIXIAO_ALLOWED_HOSTS": "jixiao.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_production_refuses_to_serve_without_a_secret_key(tmp_path):
    """The WSGI entry refuses to serve without a secret key unless debugging."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "JIXIAO_ALLOWED_HOSTS": "jixiao.example.com",
    }
    serve = subprocess.run(
        [sys.executable, "-c", "import engine.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert serve.returncode != 0 and "JIXIAO_SECRET_KEY" in serve.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "security.W009" in deploy.stdout + deploy.stderr  # the placeholder is flagged
    # commands that sign nothing still work without the key
    plain = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 0, plain.stdout + plain.stderr


@pytest.mark.django_db
def test_no_missing_migrations():
    """The models and the migrations agree."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_demo_loads_once_and_is_audited(capsys):
    """`demo` loads the companies once, audited; running it again changes nothing.
    Outside debug its users get no usable password; in debug it prints the logins. (One
    test: the demo with its finished months is the slowest thing a test builds.)"""
    call_command("demo")
    assert "no usable password" in capsys.readouterr().out
    assert not Employee.objects.get(user__username="gm").user.has_usable_password()
    counts = (Company.objects.count(), Employee.objects.count(), AuditEvent.objects.count())
    assert counts[0] == 2
    litong = Employee.objects.filter(company__code="litong")
    assert 38 <= litong.count() <= 45
    # every employee but the GM has a supervisor in the same company
    assert litong.filter(supervisor__isnull=True).count() == 1
    assert (
        not litong.exclude(supervisor__isnull=True)
        .exclude(supervisor__company__code="litong")
        .exists()
    )
    for role in ("hr", "gm", "board", "auditor"):
        assert CompanyRole.objects.filter(company__code="litong", role=role).exists()
    with override_settings(DEBUG=True):
        call_command("demo")
    out = capsys.readouterr().out
    assert "already present" in out and "gm" in out and "password" in out
    assert (Company.objects.count(), Employee.objects.count(), AuditEvent.objects.count()) == counts
    call_command("audit", "verify", "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result == {"events": counts[2], "ok": True}
