"""A token's call budget holds across gunicorn's worker processes (issue 22, 24): the
budget lives in the installation's shared cache (engine/cache.py), not in each
process's memory, where two workers let 20 calls through a 10/min limit."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.api.test_tokens import token

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str, secret: str) -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 (loopback)
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_ten_a_minute_is_ten_across_two_workers(litong):
    """gunicorn with two workers and the Redis cache, 10 calls a minute: 20 calls from
    one token, each on its own connection (so both workers answer), get exactly 10
    answers and 10 refusals (429); a second token still has its own 10."""
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "engine.test_settings",
        "JIXIAO_SECRET_KEY": "test-only-" + "k" * 40 + "-abcdefghij",
        "JIXIAO_API_RATE": "10/min",
        "JIXIAO_CACHE_URL": "redis://127.0.0.1:6379/1",
        "JIXIAO_CACHE_PREFIX": f"test-{uuid.uuid4().hex}",  # nobody else's budget
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "engine.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/companies/"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert web.poll() is None, web.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        first, second = token("hr", "read"), token("auditor", "read")
        codes = [_status(url, first) for _ in range(20)]
        assert codes.count(200) == 10 and codes.count(429) == 10, codes
        assert codes[:10] == [200] * 10
        assert _status(url, second) == 200
    finally:
        web.terminate()
        web.wait(20)
