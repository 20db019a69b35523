"""360° feedback (docs/policies.md; the pack's `jixiao_feedback_rules`): a round asks
nominated raters, in the groups the pack declares, to score one indicator of one
appraisal. Each rater's task is a step with a deadline the one sweep reminds and marks
overdue; the round closes when every rater answered, or at its due moment with the
answers it has, and its aggregate becomes the indicator's value through
engine/appraisals/entries.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engine.deadlines.models import HeldStep


class FeedbackRound(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("waiting for HR's approval")
        OPEN = "open", _("collecting answers")
        DONE = "done", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=60)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # the aggregate and its explanation (engine.scoring.feedback.Aggregate.as_json)
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    written = models.BooleanField(default=False)  # the value reached the appraisal
    # who is nominated, [{"user": id, "group": code}], kept while HR's approval waits
    nominees = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "indicator"],
                condition=~models.Q(state="cancelled"),
                name="feedback_one_round",
            )
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="feedback_round_due")]
        ordering = ["appraisal", "pk"]

    def __str__(self) -> str:
        return f"{self.appraisal_id}:{self.indicator}"


class RaterTask(HeldStep):
    """One nominated rater's answer: a step held by the rater (`assignee`)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("answered")
        CLOSED = "closed", _("closed without an answer")

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="tasks")
    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="+"
    )
    rater_group = models.CharField(max_length=12)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    score = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "assignee"], name="feedback_rater_once"),
            models.UniqueConstraint(fields=["round", "seq"], name="feedback_rater_seq"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="feedback_task_due"),
            models.Index(fields=["assignee", "state"], name="feedback_task_inbox"),
        ]
        ordering = ["round", "seq"]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.rater_group}:{self.assignee_id}"
