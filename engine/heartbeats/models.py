from django.db import models


class Heartbeat(models.Model):
    """The moment a background job last finished a run (one row per job)."""

    class Job(models.TextChoices):
        SWEEP = "sweep", "deadline sweep"
        CHECKPOINTS = "checkpoints", "audit checkpoints"

    job = models.CharField(max_length=20, primary_key=True, choices=Job.choices)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.job} @ {self.at:%Y-%m-%dT%H:%M:%SZ}"
