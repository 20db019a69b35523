"""jixiao: the Django project and the domain core."""

from .celery import app as celery_app

__all__ = ["celery_app"]
