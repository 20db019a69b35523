"""Celery application: background work (deadline sweep, cycle opening) in production.

Redis is the broker. Beat runs the deadline sweep; tasks are enqueued only after the
surrounding transaction commits (see docs/operations.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engine.settings")

app = Celery("jixiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
