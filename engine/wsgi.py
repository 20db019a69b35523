"""WSGI entry point for production servers (gunicorn, uWSGI)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (settings are configured by now)

if settings.SECRET_KEY == settings.INSECURE_KEY and not settings.DEBUG:
    raise ImproperlyConfigured(
        "JIXIAO_SECRET_KEY must be set to serve jixiao (JIXIAO_DEBUG is off)"
    )
