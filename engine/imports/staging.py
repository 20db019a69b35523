"""A checked file waits here between the dry run and HR's confirmation, so confirming
imports exactly the file that was checked without choosing it again. Each staged file
belongs to the account that uploaded it and is read once; leftovers expire after a day.
Files live beside the other uploads (MEDIA_ROOT), never in the session."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE = 24 * 3600  # seconds a checked file waits for its confirmation
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _dir() -> Path:
    d = Path(settings.MEDIA_ROOT) / "import-staging"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _expire(d: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for f in d.iterdir():
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass  # another request removed it first


def stage_upload(*, user_id: int, data: bytes, filename: str) -> str:
    """Keep `data` for the user's confirmation; the token names it."""
    d = _dir()
    _expire(d)
    token = secrets.token_urlsafe(24)
    (d / f"{user_id}-{token}.bin").write_bytes(data)
    (d / f"{user_id}-{token}.name").write_text(filename[:200], encoding="utf-8")
    return token


def take_staged(*, user_id: int, token: str) -> tuple[bytes, str] | None:
    """The staged file and its name, removed as it is taken; None when the token is not
    this user's, was taken already or expired."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    d = _dir()
    body, name = d / f"{user_id}-{token}.bin", d / f"{user_id}-{token}.name"
    try:
        if body.stat().st_mtime < time.time() - MAX_AGE:
            raise FileNotFoundError
        data, filename = body.read_bytes(), name.read_text(encoding="utf-8")
    except OSError:
        return None
    for f in (body, name):
        f.unlink(missing_ok=True)
    return data, filename
