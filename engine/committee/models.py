"""Committee review (述职报告评议法, seed 004 篇6): the employee's self-report (述职报告),
the appraisal leadership group (考核领导小组) HR forms for one appraisal, and each
member's task: score the report by the due moment (the one deadline sweep reminds and
marks overdue), and the chair's task: close the review once a quorum has scored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engine.deadlines.models import HeldStep


class SelfReport(models.Model):
    """述职报告: written by the appraised employee, saved as a draft, then submitted;
    the committee's members read it on their scoring page."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    appraisal = models.OneToOneField(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="self_report"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    saved_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"report of {self.appraisal_id}"


class Committee(models.Model):
    """The group formed for one appraisal, with the pack's rule, quorum and weight
    copied at forming (a later pack change never moves an open review)."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    appraisal = models.OneToOneField(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="committee"
    )
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=60)
    rule = models.CharField(max_length=20)
    quorum = models.PositiveSmallIntegerField()
    weight = models.DecimalField(max_digits=5, decimal_places=4)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    formed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    formed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    combined = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # the combination as the result explains it: members' scores, rule, arithmetic
    explanation = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"committee of {self.appraisal_id}"


class CommitteeTask(HeldStep):
    """One member's scoring (`score`) or the chair's closing (`close`), with its due
    moment on the company's working-day calendar."""

    class Kind(models.TextChoices):
        SCORE = "score", _("score the self-report")
        CLOSE = "close", _("close the committee review")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("not needed: closed without this score")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="tasks")
    appraisal = models.ForeignKey(
        "appraisals.Appraisal", on_delete=models.CASCADE, related_name="committee_tasks"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "seq"], name="committee_task_seq_once"),
            models.UniqueConstraint(
                fields=["committee", "assignee", "kind"], name="committee_task_member_once"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="committee_due"),
            models.Index(fields=["assignee", "state"], name="committee_inbox"),
        ]
        ordering = ["committee", "seq"]

    def __str__(self) -> str:
        return f"{self.committee_id}:{self.kind}:{self.assignee_id}"
