"""Files chosen for an appeal, kept across its confirmation page: a browser never
refills a file input, so the files checked on the first post are put aside under a
random folder and the page carries a signed token naming it (bound to the person and
the appraisal). The confirmation, or the form shown again by "back", sends the token
instead of the files; filing takes them and removes the folder. Folders older than a
day are removed whenever files are put aside."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core import signing

SALT = "jixiao.appeal.pending"
MAX_AGE = 24 * 3600


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "pending-appeals"


def _sweep(root: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for d in root.iterdir() if root.exists() else ():
        if d.is_dir() and d.stat().st_mtime < cutoff:
            shutil.rmtree(d, ignore_errors=True)


def put_aside(user_id: int, appraisal_id: int, files: list[tuple[str, bytes]]) -> str:
    """Keep the files; the token to take them back ("" when there are none)."""
    if not files:
        return ""
    root = _root()
    _sweep(root)
    key = uuid.uuid4().hex
    folder = root / key
    folder.mkdir(parents=True)
    for i, (_name, content) in enumerate(files):
        (folder / str(i)).write_bytes(content)
    (folder / "names.json").write_text(json.dumps([n for n, _c in files]), encoding="utf-8")
    return signing.dumps({"u": user_id, "a": appraisal_id, "k": key}, salt=SALT)


def _folder(token: str, user_id: int, appraisal_id: int) -> Path | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("u") != user_id or data.get("a") != appraisal_id:
        return None
    folder = _root() / str(data.get("k", ""))
    return folder if folder.is_dir() and folder.parent == _root() else None


def names(token: str, user_id: int, appraisal_id: int) -> list[str]:
    """The names of the files kept under the token (none when it is not valid)."""
    folder = _folder(token, user_id, appraisal_id) if token else None
    if folder is None:
        return []
    return json.loads((folder / "names.json").read_text(encoding="utf-8"))


def take(token: str, user_id: int, appraisal_id: int) -> list[tuple[str, bytes]]:
    """The files kept under the token, as (name, content)."""
    folder = _folder(token, user_id, appraisal_id) if token else None
    if folder is None:
        return []
    kept = json.loads((folder / "names.json").read_text(encoding="utf-8"))
    return [(n, (folder / str(i)).read_bytes()) for i, n in enumerate(kept)]


def drop(token: str, user_id: int, appraisal_id: int) -> None:
    folder = _folder(token, user_id, appraisal_id) if token else None
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
