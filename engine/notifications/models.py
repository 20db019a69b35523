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


class Delivery(models.Model):
    """The outbox: one notification through one channel (e-mail, a company webhook, a
    plugin channel), written in the same transaction as the notification, so a broker
    or mail-server outage can delay a message but never lose it. Tried until it goes
    through, with a growing pause between tries; each failure is kept."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be delivered")
        DELIVERED = "delivered", _("delivered")
        SKIPPED = "skipped", _("not for this channel")
        FAILED = "failed", _("given up")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=40)  # "email", "webhook" or a plugin's name
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # What makes a delivery unique besides its channel: the webhook's id, else "".
    target = models.CharField(max_length=20, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The lease of the worker sending it now: claimed in a short transaction, released
    # when its outcome is written; a worker killed mid-send leaves it, and it is claimed
    # again once the lease has run out (engine/notifications/outbox.py).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "target"], name="delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.channel}{self.target}: {self.state}"


class ChannelChoice(models.Model):
    """The channels a person turned off (in-app notifications always stay). Without a
    row, every channel of the installation reaches them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_choice"
    )
    off = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: off {self.off}"
