"""Settings for the test suite: the production settings with what tests need changed,
named here instead of sniffed from the running process."""

import tempfile
from pathlib import Path

from engine.settings import *  # noqa: F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jixiao-test-media-"))  # never the project's
CELERY_TASK_ALWAYS_EAGER = env_bool("JIXIAO_CELERY_EAGER", True)  # noqa: F405
# Forms are made on download in tests: the tests of the forms made after publication
# (tests/archive/test_editions.py) turn it on; elsewhere a publication draws no PDF.
JIXIAO_FORMS_AHEAD: list[str] = []
# Tests talk plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# A fixed, public test key for the audit checkpoints (never a production key).
JIXIAO_CHECKPOINT_KEY = "dGVzdC1vbmx5LWNoZWNrcG9pbnQta2V5LTMyYnl0ZXM="
JIXIAO_CHECKPOINT_DIR = tempfile.mkdtemp(prefix="jixiao-test-checkpoints-")
# An empty static root: WhiteNoise serves the app's files through the finders.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="jixiao-test-static-"))
WHITENOISE_USE_FINDERS = True
# No line per request in the tests' output (engine/logs.py; tests/web/test_logs.py turns
# it on where it is tested).
LOGGING = logging_setting(JIXIAO_LOG_FORMAT, "WARNING", requests=False)  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # A test database need not survive a crash of the server: its commits (every
    # migration when it is created, every transactional test, the concurrency tests)
    # do not wait for the disk. What a transaction sees is unchanged.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
