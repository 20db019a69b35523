"""Appeals (申诉, docs/operations.md, "Appeals"): one per appraisal, filed by the appraised employee
within the pack's window, through the pack's steps, each with a due moment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engine.deadlines.models import HeldStep


class Appeal(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "", _("open")
        RESOLVED = "resolved_in_mediation", _("resolved in mediation")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", _("rejected")

    appraisal = models.OneToOneField(
        "appraisals.Appraisal", on_delete=models.PROTECT, related_name="appeal"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField()
    items = models.JSONField()  # contested indicator / event codes
    reason = models.TextField()
    state = models.CharField(max_length=16)  # the open step's code, or "closed"
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    version_before = models.PositiveIntegerField()
    version_after = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal {self.pk} on appraisal {self.appraisal_id}"


class AppealStep(HeldStep):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "seq"], name="appeal_step_once")]
        indexes = [models.Index(fields=["state", "due_at"], name="appeal_step_due")]
        ordering = ["appeal", "seq"]

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.code}"


def _attachment_path(instance, filename: str) -> str:
    return f"appeals/{instance.appeal_id}/{filename}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class AppealCorrection(models.Model):
    """One change an upheld appeal made, with its reason."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=100)  # values.<code> | events.<code> | deductions.<code>
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"
