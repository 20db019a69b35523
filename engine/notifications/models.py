"""In-app notifications. The `key` makes sending idempotent: the deadline sweep may
run twice, or in two processes, and a person is told once."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    message = models.TextField()  # the words at the time, kept for the record
    # What the sentence is made of (person, step, period, due day, total…): the page and
    # the e-mail say it in the reader's own language (engine.notifications.wording).
    params = models.JSONField(default=dict, blank=True)
    appraisal = models.ForeignKey(
        "appraisals.Appraisal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox")
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"
