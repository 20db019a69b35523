"""An installed copy works as documented (issue 23): a wheel built from this tree,
unpacked as pip would, offers the `jixiao` command, finds its templates, migrations and
translations, and writes nothing inside site-packages: every writable path is under one
home (`JIXIAO_HOME`, else ~/.local/share/jixiao)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine.home import home_dir

ROOT = Path(__file__).resolve().parents[1]
PATHS = """
import json, django
from django.conf import settings
django.setup()
import engine
print(json.dumps({
    "engine": engine.__file__,
    "database": str(settings.DATABASES["default"]["NAME"]),
    "static": str(settings.STATIC_ROOT),
    "media": str(settings.MEDIA_ROOT),
    "mail": str(settings.EMAIL_FILE_PATH),
    "checkpoints": str(settings.JIXIAO_CHECKPOINT_DIR),
    "home": str(settings.HOME_DIR),
}))
"""


def test_the_home_is_named_or_the_checkout_or_the_users_data_dir(tmp_path):
    """JIXIAO_HOME wins; else the checkout (it has manage.py); else the user's data folder."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "manage.py").write_text("")
    assert home_dir(checkout, {"JIXIAO_HOME": str(tmp_path / "h")}) == tmp_path / "h"
    assert home_dir(checkout, {}) == checkout
    site = tmp_path / "site-packages"
    site.mkdir()
    assert home_dir(site, {"XDG_DATA_HOME": str(tmp_path / "d")}) == tmp_path / "d" / "jixiao"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves build/ in the tree it builds, where other tests
    # that read the project's files (templates, modules) would find a second copy.
    source = out / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "*.egg-info", "__pycache__", "var", "media", "staticfiles"
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        timeout=600,
    )
    wheel = next(out.glob("jixiao-*.whl"))
    site = out / "site-packages"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
        scripts = next(n for n in z.namelist() if n.endswith("entry_points.txt"))
        assert "jixiao = engine.cli:main" in z.read(scripts).decode()
    return site


def _run(site: Path, home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(site), HOME=str(home), DJANGO_SETTINGS_MODULE="engine.settings", **extra
    )
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=home, capture_output=True, text=True, timeout=300
    )


def test_an_installed_copy_writes_under_its_home_only(installed, tmp_path):
    """An unpacked wheel puts the database, static files, media, mail and checkpoints under ~/.local/share/jixiao."""
    home = tmp_path / "user"
    home.mkdir()
    done = _run(installed, home, "-c", PATHS)
    assert done.returncode == 0, done.stderr
    paths = json.loads(done.stdout)
    assert paths.pop("engine").startswith(str(installed))  # the unpacked copy, not ours
    data = str(home / ".local" / "share" / "jixiao")
    assert all(p.startswith(data) for p in paths.values()), paths


def test_the_jixiao_command_migrates_and_checks(installed, tmp_path):
    """The jixiao command lists the commands, migrates into JIXIAO_HOME and passes Django's checks."""
    home = tmp_path / "jixiao-home"
    done = _run(installed, tmp_path, "-m", "engine.cli", "help", JIXIAO_HOME=str(home))
    assert done.returncode == 0, done.stderr
    assert "production" in done.stdout and "company" in done.stdout
    done = _run(installed, tmp_path, "-m", "engine.cli", "migrate", "-v0", JIXIAO_HOME=str(home))
    assert done.returncode == 0, done.stderr
    assert (home / "db.sqlite3").stat().st_size > 0
    done = _run(installed, tmp_path, "-m", "engine.cli", "check", JIXIAO_HOME=str(home))
    assert done.returncode == 0, done.stderr
