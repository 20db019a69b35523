#!/usr/bin/env python3
"""The README's two commands: ``python3 dev.py run`` and ``python3 dev.py test``.

Both work on a fresh machine that has only Python 3.11+: they create ``.venv`` when it
is missing, install the project (again only when its dependency files changed), and
are safe to run any number of times. Only the standard library is used here because
nothing else exists yet when this file first runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".jixiao-installed"
EXAMPLE_PACKS = sorted(p.parent for p in (ROOT / "examples").glob("*/pyproject.toml"))


def _say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def _install_fingerprint() -> str:
    """Reinstall only when a dependency declaration changed: keeps repeated runs fast."""
    h = hashlib.sha256()
    for f in [ROOT / "pyproject.toml", *(p / "pyproject.toml" for p in EXAMPLE_PACKS)]:
        h.update(f.read_bytes())
    return h.hexdigest()


def ensure_env() -> None:
    if not PY.exists():
        _say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fp = _install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fp:
        return
    _say("installing jixiao and its dependencies into .venv")
    _run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    _run([str(PY), "-m", "pip", "install", "-q", "-e", ".[dev]"])
    for pack in EXAMPLE_PACKS:
        _run([str(PY), "-m", "pip", "install", "-q", "--no-deps", "-e", str(pack)])
    STAMP.write_text(fp)


def _has_cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if not fc:
        return False
    out = subprocess.run([fc, ":lang=zh-cn"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def ensure_browser() -> None:
    """Browser tests drive Debian's chromium, and their screenshots need a CJK font;
    install both when we are allowed to."""
    if os.environ.get("JIXIAO_SKIP_BROWSER_INSTALL"):
        return
    wanted = [] if shutil.which("chromium") else ["chromium"]
    if not _has_cjk_font():
        wanted.append("fonts-noto-cjk")
    if not wanted:
        return
    apt = shutil.which("apt-get")
    if not apt or os.geteuid() != 0:
        _say(f"{', '.join(wanted)} missing and not installable here; browser tests may skip")
        return
    _say(f"installing {' and '.join(wanted)} for the browser tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "-q", "update"], check=False, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        [apt, "install", "-y", "-q", "--no-install-recommends", *wanted],
        check=False,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def manage(*args: str, env: dict[str, str] | None = None) -> None:
    _run([str(PY), "manage.py", *args], env=env)


def cmd_run(extra: list[str]) -> int:
    ensure_env()
    env = {**os.environ, "JIXIAO_DEBUG": os.environ.get("JIXIAO_DEBUG", "1")}
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("demo", env=env)
    _say("serving on http://127.0.0.1:8000  (Ctrl+C stops)")
    addr = extra[0] if extra else "127.0.0.1:8000"
    return subprocess.call([str(PY), "manage.py", "runserver", addr], cwd=ROOT, env=env)


def cmd_test(extra: list[str]) -> int:
    ensure_env()
    ensure_browser()
    return subprocess.call([str(PY), "-m", "pytest", *extra], cwd=ROOT)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 — this file runs before the venv exists
        sys.exit("jixiao needs Python 3.11 or newer")
    commands = {"run": cmd_run, "test": cmd_test}
    if not argv or argv[0] not in commands:
        print("usage: python3 dev.py run [ADDR:PORT] | python3 dev.py test [pytest args]")
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
