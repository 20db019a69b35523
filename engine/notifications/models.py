"""In-app notifications. The `key` makes sending idempotent: the deadline sweep may
run twice, or in two processes, and a person is told once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Webhook(models.Model):
    """A company's endpoint that receives every notification as a signed JSON POST
    (HMAC-SHA256 of the timestamp and the body with the shared secret)."""

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One notification to one webhook: tried until the receiver says 2xx, with a
    growing pause between tries; the log of the last try is kept."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be delivered")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("given up")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["webhook", "notification"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.webhook_id}: {self.state}"
