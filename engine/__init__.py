"""jixiao: the Django project and the domain core.

Nothing is imported here: `engine.scoring` must stay importable without Django (the
Celery app lives in `engine.celery`; start workers with `celery -A engine.celery`).
"""
