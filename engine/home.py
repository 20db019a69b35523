"""The one folder an installation writes to (settings.HOME_DIR)."""

from __future__ import annotations

import os
from pathlib import Path


def home_dir(base: Path, environ: os._Environ | dict) -> Path:
    """Where this installation writes (the SQLite database, static files, uploads,
    checkpoints, mail files, the gunicorn control socket): `JIXIAO_HOME`; else the
    checkout itself when run from one (it has manage.py); else, for a copy installed
    with pip, ~/.local/share/jixiao — never inside site-packages."""
    if environ.get("JIXIAO_HOME"):
        return Path(environ["JIXIAO_HOME"]).expanduser().resolve()
    if (base / "manage.py").exists():
        return base
    data = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "jixiao"
